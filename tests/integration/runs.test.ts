// Runs in real engine processes (forked Node children, as the headless studio and the CLI
// start them), on 24 real portraits at 16×16 on the cpu backend.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import type { RunProgress, RunRequest } from '../../shared/contract';
import { contract } from '../../shared/contract';
import { hashFile } from '../../electron/formats/dataset-file';
import { listCheckpoints, witnessVectors } from '../../electron/services/runs/run-store';
import { resumePointOf } from '../../electron/services/runs/resume-point';
import { buildTimeline } from '../../electron/services/runs/timeline';
import { inspectRun } from '../../electron/services/runs/run-inspection';
import { projectWithDataset, type tempDir } from '../helpers';

async function setup(t: Parameters<typeof tempDir>[0]) {
  const { studio, project, dataset: ds } = await projectWithDataset(t);
  const request = (extra: object = {}): RunRequest =>
    contract['runs.start'].request.parse({
      datasetId: ds.id,
      arch: 'dcgan',
      epochs: 3,
      batchSize: 8,
      backend: 'cpu',
      witnesses: 4,
      width: 4,
      zDim: 16,
      ...extra,
    });
  return { studio, project, request };
}

test('a run trains in its own process and records backend, witnesses, metrics and every checkpoint', async (t) => {
  const { studio, project, request } = await setup(t);
  const progress: RunProgress[] = [];
  studio.events.subscribe((m) => m.event === 'run.progress' && progress.push(m.payload as RunProgress));
  const { run, done } = await studio.runs.start(request());
  assert.equal(run.status, 'running');
  assert.notEqual(studio.runs.enginePid(run.id), process.pid);
  const finished = await done;
  assert.equal(finished.status, 'finished', finished.reason ?? '');
  assert.equal(finished.backend, 'cpu');
  assert.match(finished.backendDetail!, /^computing on cpu/);
  assert.deepEqual(
    listCheckpoints(project, run.id).map((c) => c.epoch),
    [0, 1, 2, 3],
  );
  assert.equal(finished.lastCheckpoint!.imagesSeen, 72);
  assert.equal(witnessVectors(project, run.id).length, 4);
  // Health is assessed at every checkpoint and the run carries the latest verdict.
  assert.equal(finished.health!.epoch, 3);
  assert.ok(Number.isFinite(finished.health!.metrics.diversity));
  assert.equal((project.db.prepare('SELECT count(*) AS n FROM run_health WHERE run_id = ?').get(run.id) as { n: number }).n, 4);
  assert.equal(witnessVectors(project, run.id)[0]!.length, 16);
  assert.equal(progress.length, 9);
  const metrics = project.db.prepare("SELECT count(*) AS n FROM run_metrics WHERE run_id = ? AND name = 'Loss/D'").get(run.id) as { n: number };
  assert.equal(metrics.n, 9);
  assert.match(readFileSync(join(project.dir, finished.path, 'options.json'), 'utf8'), /"arch": "dcgan"/);
});

test('a run killed with SIGKILL mid-epoch is marked interrupted and resumes to its full epoch count', async (t) => {
  const { studio, project, request } = await setup(t);
  let runId = -1;
  let killed = false;
  studio.events.subscribe((m) => {
    const p = m.payload as RunProgress;
    // Two epochs done and their checkpoint recorded: kill it one step into the third.
    if (m.event === 'run.progress' && p.runId === runId && p.epoch === 2 && !killed) {
      killed = true;
      process.kill(studio.runs.enginePid(runId)!, 'SIGKILL');
    }
  });
  const started = await studio.runs.start(request({ epochs: 4, checkpointEvery: 1 }));
  runId = started.run.id;
  const interrupted = await started.done;
  assert.equal(interrupted.status, 'interrupted');
  assert.match(interrupted.reason!, /the engine process ended unexpectedly \(signal SIGKILL\).*resume continues from the last checkpoint/);
  assert.equal(interrupted.lastCheckpoint!.epoch, 2);

  const resumed = await studio.runs.resume(runId);
  assert.deepEqual(resumed.notes, []);
  const finished = await resumed.done;
  assert.equal(finished.status, 'finished', finished.reason ?? '');
  assert.deepEqual(
    listCheckpoints(project, runId).map((c) => c.epoch),
    [0, 1, 2, 3, 4],
  );
  assert.equal(finished.lastCheckpoint!.imagesSeen, 4 * 24, 'all four epochs, none counted twice');
});

test('resume skips a damaged latest checkpoint for the one before it, and says so', async (t) => {
  const { studio, project, request } = await setup(t);
  const first = await studio.runs.start(request({ epochs: 2 }));
  await first.done;
  // Stop it being finished so it can be resumed, then damage its newest checkpoint.
  project.db.prepare("UPDATE runs SET status = 'stopped' WHERE id = ?").run(first.run.id);
  const newest = listCheckpoints(project, first.run.id).at(-1)!;
  const file = join(project.dir, newest.path);
  const bytes = readFileSync(file);
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
  writeFileSync(file, bytes);
  const resumed = await studio.runs.resume(first.run.id);
  assert.equal(resumed.notes.length, 1);
  assert.match(resumed.notes[0]!, /checkpoint of epoch 2 .* is damaged \(its hash no longer matches\); using the one before it/);
  const finished = await resumed.done;
  assert.equal(finished.status, 'finished');
  assert.equal(finished.lastCheckpoint!.epoch, 2, 'epoch 2 trained again and its checkpoint rewritten');
  // Training is deterministic: epoch 2 retrained from epoch 1 is the very file that was damaged.
  assert.equal(await hashFile(file), newest.sha256);
  assert.equal(finished.lastCheckpoint!.sha256, newest.sha256);
});

test('a run whose diversity collapses is reported once, with the epoch it began; the untrained start and learning are no alarm', async (t) => {
  const { studio, project, request } = await setup(t);
  const alarms: { runId: number; health: { verdict: string; onsetEpoch: number | null; reasons: string[]; advice: string[] } }[] = [];
  studio.events.subscribe((m) => m.event === 'run.health' && alarms.push(m.payload as (typeof alarms)[number]));
  // Adam at learning rate 1 and β1 0.9, seed 5: on this tiny set the samples lose their diversity at epoch 4.
  const { run, done } = await studio.runs.start(request({ epochs: 4, learningRate: 1, beta1: 0.9, seed: 5 }));
  const finished = await done;
  const verdicts = project.db.prepare('SELECT epoch, verdict FROM run_health WHERE run_id = ? ORDER BY epoch').all(run.id);
  assert.deepEqual(verdicts, [
    { epoch: 0, verdict: 'untrained' },
    { epoch: 1, verdict: 'learning' },
    { epoch: 2, verdict: 'learning' },
    { epoch: 3, verdict: 'learning' },
    { epoch: 4, verdict: 'collapsing' },
  ]);
  assert.equal(alarms.length, 1, 'one alarm when it turns, not one per checkpoint');
  assert.equal(alarms[0]!.health.verdict, 'collapsing');
  assert.equal(alarms[0]!.health.onsetEpoch, 4);
  assert.match(alarms[0]!.health.reasons.join(), /of the real portraits' diversity/);
  assert.match(alarms[0]!.health.advice[0]!, /^Fork from the checkpoint before the collapse began/);
  assert.equal(finished.health!.verdict, 'collapsing');
  assert.equal(finished.health!.onsetEpoch, 4);
  assert.equal(finished.health!.onsetKimg, listCheckpoints(project, run.id)[4]!.kimg);
});

test('every verdict from real tiny runs: a collapse that begins before the run was ever healthy, a healthy run, a failed one', async (t) => {
  const { studio, project, request } = await setup(t);
  const verdicts = (runId: number) =>
    (project.db.prepare('SELECT verdict FROM run_health WHERE run_id = ? ORDER BY images_seen').all(runId) as { verdict: string }[]).map((r) => r.verdict);
  // β1 0.9 at learning rate 1, seed 6: diverse after one epoch, never like a portrait, then near-copies of one picture from epoch 3.
  // It keeps the networks of one checkpoint in 3 (epochs 0, 3 and 6).
  const early = await (await studio.runs.start(request({ epochs: 6, learningRate: 1, beta1: 0.9, seed: 6, keepWeightsEvery: 3 }))).done;
  assert.deepEqual(verdicts(early.id), ['untrained', 'learning', 'learning', 'collapsing', 'collapsing', 'collapsing', 'collapsing']);
  assert.equal(early.health!.onsetEpoch, 3);
  assert.match(early.health!.reasons.join('\n'), /of the samples are near-duplicates of one another/);
  // The advice would fork from epoch 2, whose networks went: the last kept one before the onset is
  // the untrained start, so it says to start again instead.
  const advice = (await inspectRun(project, studio.engine, early.id)).advice;
  assert.equal(advice.filter((a) => a.action?.kind === 'fork').length, 0, JSON.stringify(advice));
  assert.match(
    advice[0]!.text,
    /^Start again with half the learning rate \(0\.5\): no checkpoint between the start and the collapse kept its networks \(the run keeps those of one checkpoint in 3\)/,
  );
  assert.deepEqual(advice[0]!.action, { kind: 'restart' });

  // A wider generator at a gentler rate, seed 8, learns until it draws portraits (precision ≥ 50 %) from epoch 8 on.
  const learned = await (await studio.runs.start(request({ epochs: 12, width: 16, learningRate: 0.002, seed: 8 }))).done;
  const learnedVerdicts = verdicts(learned.id);
  assert.equal(learnedVerdicts[0], 'untrained');
  assert.ok(
    learnedVerdicts.slice(1, 8).every((v) => v === 'learning'),
    learnedVerdicts.join(),
  );
  assert.deepEqual(learnedVerdicts.slice(8), ['healthy', 'healthy', 'healthy', 'healthy', 'healthy']);
  assert.equal(learned.health!.verdict, 'healthy');
  assert.deepEqual(learned.health!.advice, [], 'nothing to try when healthy');
  const learning = project.db.prepare('SELECT reasons FROM run_health WHERE run_id = ? AND epoch = 1').get(learned.id) as { reasons: string };
  assert.match(learning.reasons, /still learning: \d+ % of the samples look like a portrait yet \(precision; healthy from 50 %\)/);

  // A damaged dataset: the engine refuses it before the first step, and the run's verdict is failed, with the error.
  const ds = project.db.prepare('SELECT dir_path FROM datasets').get() as { dir_path: string };
  const images = join(project.dir, ds.dir_path, 'images.u8');
  writeFileSync(images, readFileSync(images).subarray(0, 100));
  const failed = await (await studio.runs.start(request())).done;
  assert.equal(failed.status, 'failed');
  assert.equal(failed.health!.verdict, 'failed');
  assert.match(failed.health!.reasons[0]!, /^the run stopped with an error: .*the dataset is damaged/);
  assert.match(failed.health!.advice[0]!, /^Start again/);
});

test('a fork continues from a checkpoint of another run with new settings, and keeps its lineage', async (t) => {
  const { studio, project, request } = await setup(t);
  const parent = await studio.runs.start(request({ epochs: 2 }));
  await parent.done;
  const fork = await studio.runs.fork({ runId: parent.run.id, at: 1, epochs: 3, learningRate: 1e-4 });
  const finished = await fork.done;
  assert.equal(finished.status, 'finished', finished.reason ?? '');
  assert.equal(finished.name, `${parent.run.name}-fork-e1`);
  assert.equal(finished.parentRunId, parent.run.id);
  assert.equal(finished.options.learningRate, 1e-4);
  assert.deepEqual(
    listCheckpoints(project, finished.id).map((c) => [c.epoch, c.imagesSeen]),
    [
      [2, 48],
      [3, 72],
    ],
    'it goes on from epoch 1, counting on',
  );
  assert.deepEqual(witnessVectors(project, finished.id), witnessVectors(project, parent.run.id), 'same witnesses, so timelines compare');
  await assert.rejects(studio.runs.fork({ runId: parent.run.id, at: 2, epochs: 2 }), /starts at epoch 2; give it a length of more epochs/);
  await assert.rejects(studio.runs.fork({ runId: parent.run.id, at: 7 }), /has no checkpoint at epoch 7 to fork from \(its checkpoints, in epochs: 0, 1, 2\)/);
});

test('a batch larger than the dataset is refused before any run is recorded; a run without checkpoints has no timeline', async (t) => {
  const { studio, project, request } = await setup(t);
  await assert.rejects(studio.runs.start(request({ batchSize: 100 })), /has 24 images, fewer than one batch of 100: lower the batch size to at most 24/);
  assert.equal((project.db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n, 0);
  const id = project.db
    .prepare(
      "INSERT INTO runs (name, dataset_id, arch, options, status, dir_path, created_at, updated_at) VALUES ('empty', 1, 'dcgan', ?, 'failed', 'runs/empty', 'now', 'now')",
    )
    .run(JSON.stringify(request())).lastInsertRowid;
  assert.throws(() => buildTimeline(project, [Number(id)]), /run "empty" has no checkpoint yet, so no timeline/);
});

test("a batch too large for the backend's memory is refused before any run is recorded, saying which batch fits", async (t) => {
  // DCGAN at 256 px on wasm: 24 images need about 4.3 GB of its 4 GB (the estimate, within 5 % of
  // the heap measured at batch 8; memory-limit.test.ts); 22 fit.
  const { studio, project, dataset } = await projectWithDataset(t, 256);
  const request = (batchSize: number): RunRequest =>
    contract['runs.start'].request.parse({ datasetId: dataset.id, arch: 'dcgan', epochs: 1, batchSize, backend: 'wasm', witnesses: 4 });
  const tooLarge = await studio.runs.limits(request(24));
  assert.equal(tooLarge.backend, 'wasm');
  assert.equal(tooLarge.largestBatch, 22);
  assert.ok(tooLarge.memoryBytes > tooLarge.memoryLimitBytes!, `${tooLarge.memoryBytes} of ${tooLarge.memoryLimitBytes}`);
  assert.match(
    tooLarge.batchProblem ?? '',
    /^DCGAN at 256 px needs about 4\.\d GB at batch 24 on the wasm backend, whose memory stops at 4 GB: train at batch 22 or less here, or on a GPU backend/,
  );
  const fits = await studio.runs.limits(request(8));
  assert.equal(fits.batchProblem, null);
  assert.ok(fits.memoryBytes < fits.memoryLimitBytes! / 2, String(fits.memoryBytes));
  await assert.rejects(
    studio.runs.start(request(24)),
    (err: Error & { code?: string }) => err.code === 'invalid_request' && err.message === tooLarge.batchProblem,
  );
  assert.equal((project.db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n, 0, 'nothing was recorded');
});

test('a stopped run says where it stopped and resumes at the next step; a finished run cannot be resumed', async (t) => {
  const { studio, project, request } = await setup(t);
  let runId = -1;
  studio.events.subscribe((m) => {
    if (m.event === 'run.progress' && (m.payload as RunProgress).runId === runId && (m.payload as RunProgress).step === 4) studio.runs.stop(runId);
  });
  const started = await studio.runs.start(request({ epochs: 50 }));
  runId = started.run.id;
  const stopped = await started.done;
  assert.equal(stopped.status, 'stopped');
  // The request arrives between steps: the engine may have taken one or two more.
  const [, images, epoch, step] = /stopped after (\d+) images \(epoch (\d+), step (\d+)\); resume continues from there/.exec(stopped.reason!)!.map(Number);
  assert.ok(step! >= 4 && step! < 12, `stopped at step ${step}`);
  assert.equal(images, step! * 8);
  assert.equal(epoch, Math.floor(step! / 3) + 1);
  // Unless it stopped right on an epoch's end, the steps since the last checkpoint are kept.
  const point = resumePointOf(project, runId);
  if (step! % 3 === 0) assert.equal(point, null);
  else {
    assert.deepEqual([point!.step, point!.imagesSeen], [step, images]);
    assert.equal(await hashFile(join(project.dir, point!.path)), point!.sha256);
    assert.ok(
      listCheckpoints(project, runId).every((c) => c.imagesSeen < images!),
      'a resume point is not a checkpoint',
    );
  }
  const steps: number[] = [];
  studio.events.subscribe((m) => {
    if (m.event === 'run.progress' && (m.payload as RunProgress).runId === runId) steps.push((m.payload as RunProgress).step);
  });
  const again = await studio.runs.resume(runId);
  let checkpointed!: () => void;
  const nextCheckpoint = new Promise<void>((r) => (checkpointed = r));
  studio.events.subscribe((m) => {
    if (
      m.event === 'run.changed' &&
      (m.payload as { id: number; lastCheckpoint: { imagesSeen: number } | null }).id === runId &&
      ((m.payload as { lastCheckpoint: { imagesSeen: number } | null }).lastCheckpoint?.imagesSeen ?? 0) > images!
    )
      checkpointed();
  });
  await nextCheckpoint;
  studio.runs.stop(runId);
  await again.done;
  assert.equal(steps[0], step! + 1, 'resumed at the very next step');
  const later = resumePointOf(project, runId);
  assert.ok(later === null || later.imagesSeen > listCheckpoints(project, runId).at(-1)!.imagesSeen, 'the next checkpoint dropped the old resume point');
  if (point) assert.ok(!existsSync(join(project.dir, point.path)), 'and its file');
  const small = await studio.runs.start(request({ epochs: 1 }));
  await small.done;
  await assert.rejects(studio.runs.resume(small.run.id), /has finished all 1 epochs; fork it to train further/);
});

test('pause holds a run between two steps in its live process; resume continues at the very next step', async (t) => {
  const { studio, project, request } = await setup(t);
  let runId = -1;
  const steps: number[] = [];
  let resolvePaused!: (reason: string) => void;
  const paused = new Promise<string>((r) => (resolvePaused = r));
  studio.events.subscribe((m) => {
    if (m.event === 'run.progress' && (m.payload as RunProgress).runId === runId) {
      const { step } = m.payload as RunProgress;
      steps.push(step);
      if (step === 2) studio.runs.pause(runId);
    }
    if (m.event === 'run.changed') {
      const run = m.payload as { id: number; status: string; reason: string | null };
      if (run.id === runId && run.status === 'paused' && run.reason?.startsWith('paused after')) resolvePaused(run.reason);
    }
  });
  const started = await studio.runs.start(request({ epochs: 2 }));
  runId = started.run.id;
  const reason = await paused;
  const [, heldAt] = /paused after step (\d+) \(\d+ images\)/.exec(reason)!.map(Number);
  assert.ok(heldAt! >= 2 && heldAt! < 6, `held after step ${heldAt}`);
  assert.equal(steps.at(-1), heldAt, 'no step is taken while paused');
  const pid = studio.runs.enginePid(runId);
  assert.ok(pid, 'the engine process lives on while paused');
  const continued = await studio.runs.resume(runId);
  assert.equal(continued.run.status, 'running');
  assert.equal(studio.runs.enginePid(runId), pid, 'continued in the same process, not restarted from a checkpoint');
  const finished = await continued.done;
  assert.equal(finished.status, 'finished', finished.reason ?? '');
  assert.deepEqual(steps, [1, 2, 3, 4, 5, 6], 'every step once, none repeated or skipped');
  assert.equal(finished.lastCheckpoint!.imagesSeen, 48);
  assert.throws(() => studio.runs.pause(runId), /is not training, so it cannot pause/);
  assert.equal((project.db.prepare('SELECT count(*) AS n FROM checkpoints WHERE run_id = ?').get(runId) as { n: number }).n, 3);
});

test('a progressive GAN trains by kimg in its engine process; its runs, fork and timeline speak kimg', async (t) => {
  const { studio, project, request } = await setup(t);
  const progress: RunProgress[] = [];
  studio.events.subscribe((m) => m.event === 'run.progress' && progress.push(m.payload as RunProgress));
  const { run, done } = await studio.runs.start(
    request({ arch: 'progan', epochs: undefined, kimg: 0.2, checkpointEvery: 0.1, phaseKimg: 0.05, width: 4, zDim: 8 }),
  );
  const finished = await done;
  assert.equal(finished.status, 'finished', finished.reason ?? '');
  assert.deepEqual(
    listCheckpoints(project, run.id).map((c) => c.kimg),
    [0, 0.104, 0.2],
  );
  assert.ok(progress.every((p) => p.epochs === null && p.kimgTotal === 0.2 && p.stage !== null));
  assert.deepEqual([...new Set(progress.map((p) => p.stage!.resolution))], [4, 8, 16]);
  assert.equal(finished.options.learningRate, undefined, 'the family default (1e-3) applies');
  const fork = await studio.runs.fork({ runId: run.id, at: 0.1, kimg: 0.25 });
  const forked = await fork.done;
  assert.equal(forked.status, 'finished', forked.reason ?? '');
  assert.equal(forked.name, `${run.name}-fork-k0.1`);
  assert.deepEqual(
    listCheckpoints(project, forked.id).map((c) => c.kimg),
    [0.2, 0.256],
  );
  await assert.rejects(studio.runs.fork({ runId: run.id, at: 0.1, epochs: 9 }), /is measured in kimg; give the fork's length in kimg too/);
  const timeline = buildTimeline(project, [run.id, forked.id]);
  assert.equal(timeline.unit, 'kimg');
  assert.deepEqual(timeline.positions, [0, 0.1, 0.2, 0.3]);
  assert.deepEqual(
    timeline.runs.map((r) => r.cells.map((c) => c !== null)),
    [
      [true, true, true, false],
      [false, false, true, true],
    ],
  );
});

test('a run a previous studio left running is interrupted as soon as the project opens, before anything asks for the runs', async (t) => {
  const { studio, project, request } = await setup(t);
  const { run, done } = await studio.runs.start(request({ epochs: 1 }));
  await done;
  const dir = project.dir;
  await studio.closeProject();
  const db = new Database(join(dir, 'leporello.sqlite'));
  db.prepare("UPDATE runs SET status = 'running' WHERE id = ?").run(run.id);
  db.close();
  await studio.openProject(dir);
  // Read straight from the database, as runs.list does: no run manager was asked for anything.
  const status = (studio.requireProject().db.prepare('SELECT status FROM runs WHERE id = ?').get(run.id) as { status: string }).status;
  assert.equal(status, 'interrupted');
});
