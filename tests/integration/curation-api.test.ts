// Curation started through the API, as the studio does: it runs in an engine process — the
// studio's process never loads TensorFlow.js or the detector — pushes progress and its summary as events,
// and can be cancelled between pictures. (Its own file: a test process of its own, so that no
// other test has loaded the detector in this thread.)
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EventBus } from '../../electron/api/event-bus';
import { createHandlers } from '../../electron/api/handlers';
import { ApiRouter } from '../../electron/api/router';
import { faceApiLoaded } from '../../electron/engine/curation/face-detector';
import { Studio } from '../../electron/services/studio';
import type { CurationSummary } from '../../shared/contract';
import { sharedData, tempDir } from '../helpers';

const neutral = join(sharedData, 'expressions204', 'neutral');

test('curation.start runs in an engine process with progress events; curation.cancel stops it between pictures', async (t) => {
  const base = tempDir(t);
  const events = new EventBus();
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events });
  t.after(() => studio.closeProject());
  await studio.createProject('Curation API');
  const files = readdirSync(neutral)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .slice(0, 6)
    .map((f) => join(neutral, f));
  const { collectionId } = await studio.startImport({ paths: files, collection: 'faces' }).done;
  const router = new ApiRouter(createHandlers(studio, { chooseImportPaths: async () => [] }));

  const progress: number[] = [];
  let finish!: (s: CurationSummary) => void;
  let finished = new Promise<CurationSummary>((r) => (finish = r));
  let jobId = '';
  events.subscribe((m) => {
    if (m.event === 'curation.progress') {
      const p = m.payload as { done: number };
      progress.push(p.done);
      // Cancel the first pass after its second picture.
      if (p.done === 2 && progress.length === 2) void router.handle('curation.cancel', { jobId });
    }
    if (m.event === 'curation.finished') finish(m.payload as CurationSummary);
  });
  const started = await router.handle('curation.start', { collectionId, masterSize: 128, backend: 'wasm' });
  assert.equal(started.ok, true, JSON.stringify(started));
  jobId = (started as { value: { jobId: string } }).value.jobId;
  const busy = await router.handle('curation.start', { collectionId });
  assert.deepEqual(busy.ok ? null : busy.error.code, 'conflict');
  const cancelled = await finished;
  assert.equal(cancelled.cancelled, true);
  assert.ok(cancelled.done >= 2 && cancelled.done < 6, `stopped after ${cancelled.done} pictures`);

  // A second pass does the rest and no picture twice.
  finished = new Promise<CurationSummary>((r) => (finish = r));
  const again = await router.handle('curation.start', { collectionId, masterSize: 128, backend: 'wasm' });
  assert.equal(again.ok, true);
  const summary = await finished;
  assert.deepEqual(
    [summary.cancelled, summary.error, summary.skipped, summary.done, summary.faces],
    [false, null, cancelled.done, 6 - cancelled.done, 6 - cancelled.done],
  );
  const faces = studio.requireProject().db.prepare('SELECT count(*) AS n FROM faces').get() as { n: number };
  assert.equal(faces.n, 6);
  assert.equal(faceApiLoaded(), false, 'the detector never loaded in the main thread');
  const bad = await router.handle('curation.start', { masterSize: 8 });
  assert.equal(bad.ok, false);

  // What the curation view reads and changes.
  const call = async <T>(method: string, request: object): Promise<T> => {
    const reply = await router.handle(method, request);
    if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
    return reply.value as T;
  };
  type Listing = {
    items: { id: number; status: string; reason: string | null; landmarks: number[]; quad: { side: number }; alignedPath: string; flags: string[] }[];
    counts: Record<string, number>;
  };
  const all = await call<Listing>('faces.list', { collectionId });
  assert.equal(all.items.length, 6);
  assert.deepEqual(all.counts, { kept: 6, excluded: 0, flagged: 0, noFace: 0, setAside: 0, olderDetector: 0, byFlag: [], notLookedAt: 0 });
  assert.equal(all.items[0]!.landmarks.length, 136, "68 landmarks in the picture's pixels, for the before/after preview");
  assert.ok(all.items[0]!.quad.side > 100 && all.items[0]!.alignedPath.startsWith('aligned/'));
  const noReason = await router.handle('faces.setStatus', { faceIds: [all.items[0]!.id], status: 'excluded' });
  assert.match(noReason.ok ? '' : noReason.error.message, /say why these faces are excluded/);
  assert.deepEqual(await call('faces.setStatus', { faceIds: [all.items[0]!.id, all.items[1]!.id], status: 'excluded', reason: 'eyes closed' }), { updated: 2 });
  const excluded = await call<Listing>('faces.list', { collectionId, filter: 'excluded' });
  assert.deepEqual(
    excluded.items.map((f) => [f.id, f.reason]),
    [
      [all.items[0]!.id, 'eyes closed'],
      [all.items[1]!.id, 'eyes closed'],
    ],
  );
  assert.deepEqual(await call('faces.setStatus', { faceIds: [all.items[1]!.id], status: 'kept' }), { updated: 1 });
  assert.equal((await call<Listing>('faces.list', { collectionId, filter: 'kept' })).items.length, 5);
  // Thresholds: a minimum face size no face meets flags every face; they are the project's.
  const thresholds = await call<{ minFacePx: number }>('quality.thresholds', { minFacePx: 5000 });
  assert.equal(thresholds.minFacePx, 5000);
  const flagged = await call<Listing>('faces.list', { collectionId, filter: 'flagged' });
  assert.equal(flagged.items.length, 6);
  assert.match(flagged.items[0]!.flags[0]!, /under 5000/);
  assert.deepEqual(await call('duplicates.list', { collectionId }), [], 'six different people: no duplicates');
  // The curator may also decide two faces are one photograph: keep one, the other is excluded with that reason.
  assert.deepEqual(await call('duplicates.keep', { keeperFaceId: all.items[2]!.id, faceIds: [all.items[2]!.id, all.items[3]!.id] }), {
    excluded: 1,
    setAside: 0,
  });
  const now = await call<Listing>('faces.list', { collectionId, filter: 'excluded' });
  assert.match(now.items.find((f) => f.id === all.items[3]!.id)!.reason!, new RegExp(`^near-duplicate of face #${all.items[2]!.id} `));
});
