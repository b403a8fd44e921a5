// Every kind of long job through the studio's API, end to end: `jobs.start` validated by the
// contract, the work done in an engine process, progress and the typed end (each result checked
// against its kind's schema) arriving as events, and what the job made recorded by this process —
// latents, renders and files. A cancel leaves no file behind.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createHandlers } from '../../electron/api/handlers';
import { ApiRouter } from '../../electron/api/router';
import { labelLatents } from '../../electron/services/latents';
import { importNetwork } from '../../electron/services/networks/network-store';
import type { Studio } from '../../electron/services/studio';
import { JobFinished, JobResults, type JobKind, type JobProgress, type JobRequest, type JobResult } from '../../shared/contract';
import { projectWithDataset, sharedData } from '../helpers';

let studio: Studio;
let router: ApiRouter;
let projectDir: string;
let collectionId: number;
let runId: number;
const network = { networkId: 1 };
let firstLatent = 0;
const progress: JobProgress[] = [];
const ended = new Map<number, JobFinished>();
const waiting = new Map<number, (f: JobFinished) => void>();

const cleanups: (() => void | Promise<void>)[] = [];
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

before(async () => {
  const setup = await projectWithDataset({ after: (fn) => cleanups.push(fn) });
  studio = setup.studio;
  projectDir = setup.project.dir;
  collectionId = setup.dataset.collectionId!;
  router = new ApiRouter(createHandlers(studio));
  studio.events.subscribe((m) => {
    if (m.event === 'job.progress') progress.push(m.payload as JobProgress);
    if (m.event !== 'job.finished') return;
    const f = JobFinished.parse(m.payload);
    ended.set(f.jobId, f);
    waiting.get(f.jobId)?.(f);
  });
  await importNetwork(setup.project, join(sharedData, '..', 'fixtures', 'stylegan2', 'sg2-tiny-32.pkl'));
  const run = await studio.runs.start({
    datasetId: setup.dataset.id,
    arch: 'dcgan',
    epochs: 4,
    batchSize: 8,
    dSteps: 1,
    backend: 'cpu',
    seed: 1,
    witnesses: 4,
    checkpointEvery: 1,
    width: 4,
    zDim: 8,
  });
  runId = run.run.id;
  assert.equal((await run.done).status, 'finished');
});

/** A call through the API as the renderer makes it: its value, or its error thrown. */
async function call(method: string, request: unknown): Promise<unknown> {
  const reply = await router.handle(method, request);
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value;
}

/** Starts a job through the API and waits for its end. */
async function job(request: JobRequest): Promise<JobFinished> {
  const { jobId } = (await call('jobs.start', request)) as { jobId: number };
  return ended.get(jobId) ?? new Promise((resolve) => waiting.set(jobId, resolve));
}

/** A job that must succeed: its result, checked against its kind's schema. */
async function result<K extends JobKind>(request: Extract<JobRequest, { kind: K }>): Promise<JobResult<K>> {
  const f = await job(request);
  assert.ok(f.ok, `${request.kind}: ${f.error}`);
  assert.equal(f.kind, request.kind);
  return JobResults[request.kind].parse(f.result) as JobResult<K>;
}

/** The curator's latents (a run's witnesses are latents too, of another kind). */
const latentRows = () =>
  studio.requireProject().db.prepare("SELECT id, kind, generator FROM latents WHERE kind <> 'witness' ORDER BY id").all() as {
    id: number;
    kind: string;
    generator: string;
  }[];
const renderRows = () => studio.requireProject().db.prepare('SELECT kind, path FROM renders ORDER BY id').all() as { kind: string; path: string }[];

test('seeds, draw, path and arithmetic: latents stored by this process, strips written under renders/', async () => {
  const seeds = await result({ kind: 'seeds', ref: network, seeds: [1, 2, 3], backend: 'cpu' });
  assert.deepEqual(
    seeds.latents.map((l) => l.source),
    ['seed 1', 'seed 2', 'seed 3'],
  );
  assert.deepEqual(
    latentRows().map((r) => r.generator),
    ['network:1', 'network:1', 'network:1'],
  );
  const ids = seeds.latents.map((l) => l.id);
  firstLatent = ids[0]!;
  const drawn = await result({ kind: 'draw', ref: network, ids, backend: 'cpu' });
  assert.deepEqual([drawn.width, drawn.height, drawn.latents], [96, 32, ids]);
  assert.match(drawn.file, /^renders\/latents\/network-1-[0-9a-f]{12}\.png$/);
  assert.ok(existsSync(join(projectDir, drawn.file)));
  const path = await result({ kind: 'path', ref: network, ids, frames: 6, loop: true, backend: 'cpu' });
  assert.deepEqual([path.frames, path.width, path.loop], [6, 192, true]);
  labelLatents(studio.requireProject(), ids.slice(0, 2), 'mood', 'calm');
  const centroid = await result({ kind: 'arithmetic', ref: network, operation: 'centroid', label: { key: 'mood', value: 'calm' } });
  assert.equal(centroid.latents[0]!.source, 'centroid of mood=calm (2)');
  assert.equal(centroid.backend, null, 'a mean needs no engine');
  const truncated = await result({ kind: 'arithmetic', ref: network, operation: 'truncate', ids: [ids[0]!], psi: 0.5, backend: 'cpu' });
  assert.equal(truncated.backend, 'cpu', "truncation reads the generator's average face in an engine");
  assert.equal(latentRows().length, 5);
});

test('project: a portrait projected into a DCGAN run (Z), stored with its distances; progress with the steps', async () => {
  const image = (studio.requireProject().db.prepare('SELECT id FROM images ORDER BY id LIMIT 1').get() as { id: number }).id;
  const before = progress.length;
  const r = await result({ kind: 'project', ref: { runId }, imageId: image, steps: 12, featureWeight: 0, backend: 'cpu' });
  assert.equal(r.latent.kind, 'projected');
  assert.equal(r.latent.imageId, image);
  assert.ok(r.mse > 0 && r.msssim <= 1 && r.featureDistance === null);
  const steps = progress.slice(before).filter((p) => p.kind === 'project');
  assert.equal(steps.at(-1)?.done, 12);
  assert.match(steps.at(-1)!.message, /step 12 of 12/);
});

test('video: an MP4 recorded as a render; a second under the same name is numbered, never replacing the first', async () => {
  const first = await result({ kind: 'video', ref: network, anchors: ['seed:1', 'seed:2'], seconds: 1, fps: 8, name: 'blend', backend: 'cpu' });
  assert.deepEqual([first.files, first.frames], [['renders/videos/blend.mp4'], 8]);
  const second = await result({ kind: 'video', ref: network, anchors: ['seed:1', `latent:${firstLatent}`], seconds: 1, fps: 8, name: 'blend', backend: 'cpu' });
  assert.deepEqual(second.files, ['renders/videos/blend-2.mp4']);
  assert.deepEqual(
    renderRows()
      .filter((r) => r.kind === 'video')
      .map((r) => r.path),
    ['renders/videos/blend.mp4', 'renders/videos/blend-2.mp4'],
  );
});

test('a cancelled video leaves no file, and says so', async () => {
  const { jobId } = (await call('jobs.start', {
    kind: 'video',
    ref: network,
    anchors: ['seed:1', 'seed:2'],
    seconds: 600,
    fps: 30,
    name: 'long',
    backend: 'cpu',
  })) as { jobId: number };
  const end = new Promise<JobFinished>((resolve) => waiting.set(jobId, resolve));
  await new Promise<void>((resolve) => {
    const stop = studio.events.subscribe((m) => {
      if (m.event === 'job.progress' && (m.payload as JobProgress).jobId === jobId && (m.payload as JobProgress).done > 0) {
        stop();
        resolve();
      }
    });
  });
  assert.deepEqual(await call('jobs.cancel', { jobId }), { cancelled: true });
  const f = await end;
  assert.deepEqual([f.ok, f.cancelled], [false, true]);
  assert.match(f.error!, /cancelled at frame \d+ of 18000; nothing was written/);
  assert.deepEqual(readdirSync(join(projectDir, 'renders', 'videos')).sort(), ['blend-2.mp4', 'blend.mp4']);
});

test('analyze and generate: a report written as JSON; faces generated with a requested value, stored with what was asked', async () => {
  const made = await result({ kind: 'seeds', ref: network, seeds: [10, 11, 12, 13, 14, 15], backend: 'cpu' });
  const ids = made.latents.map((l) => l.id);
  labelLatents(studio.requireProject(), ids.slice(0, 3), 'bright', 'yes');
  labelLatents(studio.requireProject(), ids.slice(3), 'bright', 'no');
  const analysis = await result({ kind: 'analyze', ref: network, feature: 'bright' });
  assert.deepEqual(analysis.report.classes, [
    { value: 'no', count: 3 },
    { value: 'yes', count: 3 },
  ]);
  assert.ok(existsSync(join(projectDir, analysis.file!)));
  // Six arbitrary answers support no classifier: generation is refused, as a failed job that says why.
  const refused = await job({ kind: 'generate', ref: network, feature: 'bright', value: 'yes', count: 2, multiplier: 1, backend: 'cpu' });
  assert.equal(refused.ok, false);
  assert.match(refused.error!, /faces with bright=yes cannot be generated yet: the classifier is .* no better than chance/);

  // Forty answers that follow the latents themselves (their first two coordinates' sum, split at its median) do.
  const more = await result({ kind: 'seeds', ref: network, seeds: Array.from({ length: 40 }, (_, i) => 100 + i), backend: 'cpu' });
  const project = studio.requireProject();
  const sum = (id: number) => {
    const v = new Float32Array((project.db.prepare('SELECT vector FROM latents WHERE id = ?').get(id) as { vector: Buffer }).vector.buffer.slice(0));
    return v[0]! + v[1]!;
  };
  const moreIds = more.latents.map((l) => l.id);
  const median = moreIds.map(sum).sort((x, y) => x - y)[20]!;
  const side = (id: number) => sum(id) >= median;
  labelLatents(project, moreIds.filter(side), 'side', 'plus');
  labelLatents(
    project,
    moreIds.filter((id) => !side(id)),
    'side',
    'minus',
  );
  const judged = await result({ kind: 'analyze', ref: network, feature: 'side' });
  assert.equal(judged.report.classifier.beatsChance, true, JSON.stringify(judged.report.classifier));
  const generated = await result({ kind: 'generate', ref: network, feature: 'side', value: 'plus', count: 2, multiplier: 1, backend: 'cpu' });
  assert.equal(generated.latents.length, 2);
  assert.ok(generated.latents.every((l) => (l.detail.requested as { value: string }).value === 'plus'));
});

test('leporello and contact sheet: a PDF and a PNG recorded as renders; refusals arrive as failed jobs, nothing written', async () => {
  const book = await result({
    kind: 'leporello',
    collectionId,
    verso: { runId },
    panels: 4,
    panelWidthMm: 100,
    panelHeightMm: 100,
    columns: 1,
    rows: 2,
    name: 'book',
  });
  assert.deepEqual([book.file, book.pages], ['renders/books/book.pdf', 2]);
  const sheet = await result({ kind: 'contact-sheet', source: { runId }, columns: 2, cell: 32, name: 'witnesses' });
  assert.deepEqual([sheet.file, sheet.pictures, sheet.width !== null], ['renders/sheets/witnesses.png', 4, true]);
  const fromVideo = await result({ kind: 'contact-sheet', source: { videoRenderId: 1 }, count: 4, format: 'pdf', name: 'frames' });
  assert.deepEqual([fromVideo.file, fromVideo.pages], ['renders/sheets/frames.pdf', 1]);
  assert.deepEqual(
    renderRows()
      .map((r) => r.kind)
      .filter((k) => k !== 'video'),
    ['leporello', 'contact-sheet', 'contact-sheet'],
  );
  const tooMany = await job({ kind: 'leporello', collectionId, verso: { runId }, panels: 40, panelWidthMm: 100, panelHeightMm: 100, name: 'big' });
  assert.equal(tooMany.ok, false);
  assert.match(tooMany.error!, /fewer than the 40 the verso needs/);
  assert.ok(!existsSync(join(projectDir, 'renders', 'books', 'big.pdf')));
});

test('a request the contract refuses never starts', async () => {
  const finishedBefore = ended.size;
  await assert.rejects(call('jobs.start', { kind: 'video', ref: network, anchors: ['seed:1'], seconds: 1, name: 'x' }), /anchors/);
  await assert.rejects(call('jobs.start', { kind: 'video', ref: network, anchors: ['seed:1', 'seed:2'], seconds: 1, size: 33, name: 'x' }), /even size/);
  assert.equal(ended.size, finishedBefore, 'no job ended: none began');
});

test("metrics: every checkpoint of a run measured (SWD, and KID, FD, precision, recall on face descriptors), recorded, read back as the run's curves", async () => {
  const before = progress.length;
  const r = await result({ kind: 'metrics', source: { runId, every: true }, samples: 16, reals: 24, backend: 'cpu' });
  const checkpoints = studio.requireProject().db.prepare('SELECT id FROM checkpoints WHERE run_id = ? ORDER BY id').all(runId) as { id: number }[];
  assert.deepEqual(
    r.measured.map((m) => m.checkpointId),
    checkpoints.map((c) => c.id),
  );
  assert.deepEqual(
    r.measured.map((m) => m.at),
    [0, 1, 2, 3, 4],
  );
  for (const m of r.measured) {
    assert.deepEqual(Object.keys(m.values).sort(), ['fd-face', 'kid-face', 'precision-face', 'recall-face', 'swd']);
    assert.ok(m.values.swd! > 0 && m.values['recall-face']! >= 0 && m.values['recall-face']! <= 1);
  }
  assert.deepEqual([r.samples, r.reals], [16, 24]);
  const steps = progress.slice(before).filter((p) => p.kind === 'metrics');
  assert.ok(
    steps.some((p) => /\(5 of 5\)/.test(p.message)),
    'progress names the checkpoint being measured',
  );
  const series = (await call('runs.quality', { runId })) as { unit: string; checkpoints: { at: number; values: Record<string, number>; quick: string[] }[] };
  assert.equal(series.unit, 'epochs');
  assert.deepEqual(
    series.checkpoints.map((c) => c.at),
    [0, 1, 2, 3, 4],
  );
  assert.deepEqual(
    series.checkpoints.map((c) => c.values.swd),
    r.measured.map((m) => m.values.swd),
  );
  // The untrained generator (epoch 0) is the furthest from the portraits by SWD.
  assert.ok(r.measured[0]!.values.swd! > Math.min(...r.measured.slice(1).map((m) => m.values.swd!)));
});
