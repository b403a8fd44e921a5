// What the studio's run views ask of the main process, on real runs in real engine processes:
// downsampled curves, the health panel's pictures, the launcher's backends and warm-up estimate,
// the timeline export, and deleting a run with its files.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import type { RunProgress, RunRequest } from '../../shared/contract';
import { contract } from '../../shared/contract';
import { inspectRun } from '../../electron/services/runs/run-inspection';
import { runSeries } from '../../electron/services/runs/run-series';
import { listCheckpoints } from '../../electron/services/runs/run-store';
import { buildTimeline, exportTimeline } from '../../electron/services/runs/timeline';
import { checkProject } from '../../electron/services/projects/project-check';
import { jobGenerator } from '../../electron/services/latent-generators';
import { projectWithDataset, type tempDir } from '../helpers';

async function setup(t: Parameters<typeof tempDir>[0]) {
  const { studio, project, dataset } = await projectWithDataset(t);
  const request = (extra: object = {}): RunRequest =>
    contract['runs.start'].request.parse({
      datasetId: dataset.id,
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

test('series: every step once when few, bucketed with extremes when many; checkpoints carry their health', async (t) => {
  const { studio, project, request } = await setup(t);
  const live: RunProgress[][] = [];
  studio.events.subscribe((m) => m.event === 'run.progress' && live.push(studio.runs.live()));
  const { run, done } = await studio.runs.start(request({ epochs: 4 }));
  await done;
  assert.ok(
    live.every((l) => l.length === 1 && l[0]!.runId === run.id),
    'a training run reports its latest progress',
  );
  assert.deepEqual(studio.runs.live(), [], 'a finished run is no longer live');

  const full = runSeries(project, run.id, 800);
  assert.deepEqual(full.step, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const raw = project.db.prepare("SELECT value FROM run_metrics WHERE run_id = ? AND name = 'Loss/D' ORDER BY step").all(run.id) as { value: number }[];
  assert.deepEqual(
    full.dLoss,
    raw.map((r) => r.value),
  );
  assert.deepEqual(
    full.checkpoints.map((c) => c.at),
    [0, 1, 2, 3, 4],
  );
  assert.ok(full.checkpoints.every((c) => c.verdict !== null && typeof c.metrics.diversity === 'number'));

  const coarse = runSeries(project, run.id, 10);
  assert.ok(coarse.step.length <= 10 && coarse.step.length >= 5, `${coarse.step.length} buckets`);
  assert.equal(coarse.step.at(-1), 12);
  const all = raw.map((r) => r.value);
  assert.equal(Math.max(...coarse.dMax), Math.max(...all), 'a spike survives downsampling');
  assert.equal(Math.min(...coarse.dMin), Math.min(...all));
  assert.ok(Math.abs(coarse.dLoss.reduce((a, b) => a + b, 0) / coarse.dLoss.length - all.reduce((a, b) => a + b, 0) / all.length) < 0.5);
});

test('inspection: near-duplicate witnesses grouped, nearest training portraits written, a fork before a collapse offered', async (t) => {
  const { studio, project, request } = await setup(t);
  // The settings the engine tests use to collapse a DCGAN on purpose.
  const { run, done } = await studio.runs.start(request({ epochs: 6, learningRate: 1, beta1: 0.9, seed: 8, witnesses: 9 }));
  const finished = await done;
  assert.equal(finished.health?.verdict, 'collapsing', JSON.stringify(finished.health));
  const series = runSeries(project, run.id, 100);
  assert.equal(series.onsetAt, finished.health!.onsetEpoch);

  const inspection = await inspectRun(project, studio.engine, run.id);
  assert.equal(inspection.at, 6);
  // This run lost its diversity without drawing copies of one face: no duplicates, as the engine's metric said.
  assert.ok(finished.health!.metrics.largest_duplicate_cluster! < 0.5);
  assert.deepEqual(inspection.duplicateClusters, []);
  const fork = inspection.advice.find((a) => a.action?.kind === 'fork');
  assert.ok(fork, JSON.stringify(inspection.advice));
  const action = fork.action!;
  assert.ok(action.kind === 'fork' && action.at < series.onsetAt! && action.learningRate === 0.5);
  // The nearest training portraits are written as pictures the panel can show, closest first.
  assert.equal(inspection.nearest.length, 6);
  for (const n of inspection.nearest) {
    const meta = await sharp(join(project.dir, n.trainingImage)).metadata();
    assert.equal(meta.width, 16);
  }
  assert.ok(inspection.nearest.every((n, i, a) => i === 0 || a[i - 1]!.ratio <= n.ratio));

  // Make witnesses 3 and 7 copies of witness 1 in the grid of epoch 5: the panel groups exactly those.
  const gridFile = join(project.dir, series.checkpoints[5]!.witnessGrid);
  const { data, info } = await sharp(gridFile).raw().toBuffer({ resolveWithObject: true });
  const copy = (from: number, to: number) => {
    for (let y = 0; y < 16; y++) {
      const row = (w: number) => ((Math.floor(w / 3) * 16 + y) * info.width + (w % 3) * 16) * info.channels;
      data.copy(data, row(to), row(from), row(from) + 16 * info.channels);
    }
  };
  copy(1, 3);
  copy(1, 7);
  await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .png()
    .toFile(gridFile + '.tmp.png');
  renameSync(gridFile + '.tmp.png', gridFile);
  assert.deepEqual((await inspectRun(project, studio.engine, run.id, 5)).duplicateClusters, [[1, 3, 7]]);
  await assert.rejects(inspectRun(project, studio.engine, run.id, 99), /no checkpoint at epoch 99/);
});

test('launcher: backends probed in an engine process; a warm-up of real steps estimates the run', async (t) => {
  const { studio, request } = await setup(t);
  const backends = await studio.runs.probeBackends();
  assert.deepEqual(
    backends.map((b) => b.name),
    ['tensorflow', 'webgpu', 'wasm', 'cpu'],
  );
  assert.ok(backends.find((b) => b.name === 'cpu')!.ok);
  assert.ok(
    backends.filter((b) => !b.ok).every((b) => b.detail.length > 10),
    'each missing backend says why',
  );

  const estimate = await studio.runs.estimate(request({ epochs: 10 }));
  assert.equal(estimate.backend, 'cpu');
  assert.ok(estimate.stepsMeasured >= 1);
  assert.ok(estimate.imagesPerSecond > 0);
  // 24 portraits at batch 8: three steps an epoch.
  assert.ok(Math.abs(estimate.secondsPerEpoch - 24 / estimate.imagesPerSecond) < 1e-9);
  assert.ok(Math.abs(estimate.secondsTotal - 10 * estimate.secondsPerEpoch) < 1e-6);
  assert.deepEqual(studio.runs.live(), []);
  const project = studio.requireProject();
  assert.deepEqual(
    readdirSync(project.tmpDir).filter((f) => f.startsWith('warmup-')),
    [],
    'the warm-up leaves nothing behind',
  );
  assert.equal((project.db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n, 0, 'and records no run');
  await assert.rejects(studio.runs.estimate(request({ batchSize: 64 })), /fewer than one batch of 64/);
});

test('timeline export picks witnesses; delete removes a run, its rows and its files, never a training one', async (t) => {
  const { studio, project, request } = await setup(t);
  const a = await studio.runs.start(request({ epochs: 2 }));
  await a.done;
  const png = await exportTimeline(project, [a.run.id], [3, 0]);
  assert.match(png.path, /^renders\/timelines\/.*\.png$/);
  const meta = await sharp(join(project.dir, png.path)).metadata();
  assert.deepEqual([meta.width, meta.height], [png.width, png.height]);
  // Two witness rows (3, then 0) under a band of column numbers and a band with the run's title.
  assert.deepEqual(png.gridTops, [36]);
  assert.equal(png.height, 36 + 2 * 16);
  assert.ok(png.width > 3 * 16, `the title "${a.run.name}" · … is wider than the 3 columns: the canvas grows to hold it (${png.width} px)`);
  const { data, info } = await sharp(join(project.dir, png.path)).raw().toBuffer({ resolveWithObject: true });
  const lit = (top: number, bottom: number, right: number) => {
    let n = 0;
    for (let y = top; y < bottom; y++) for (let x = 0; x < right; x++) n += data[(y * info.width + x) * info.channels]! > 120 ? 1 : 0;
    return n;
  };
  assert.ok(lit(0, 18, 16) > 5, 'column 0 is numbered');
  assert.ok(lit(18, 36, png.width) > 40, 'the title is written');
  // The last checkpoint's witness 3 is the first row's last cell, pixel for pixel.
  const grid = listCheckpoints(project, a.run.id).at(-1)!.witnessGrid;
  const witnesses = await sharp(join(project.dir, grid)).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const perRow = Math.ceil(Math.sqrt(request({}).witnesses));
  for (const [x, y] of [
    [0, 0],
    [7, 9],
    [15, 15],
  ] as const) {
    const src = ((Math.floor(3 / perRow) * 16 + y) * witnesses.info.width + (3 % perRow) * 16 + x) * witnesses.info.channels;
    assert.equal(data[((36 + y) * info.width + 2 * 16 + x) * info.channels], witnesses.data[src], `pixel ${x},${y}`);
  }

  const b = await studio.runs.start(request({ epochs: 50 }));
  await assert.rejects(studio.runs.delete(b.run.id), /is training; stop it before deleting it/);
  studio.runs.stop(b.run.id);
  await b.done;

  const dir = join(project.dir, a.run.path);
  assert.ok(existsSync(dir));
  const fork = await studio.runs.fork({ runId: a.run.id, at: 1, epochs: 3 });
  await fork.done;
  const result = await studio.runs.delete(a.run.id);
  assert.equal(result.deleted, a.run.name);
  assert.ok(result.filesRemoved >= 7, `${result.filesRemoved} files`);
  assert.ok(!existsSync(dir));
  for (const table of ['checkpoints', 'run_metrics', 'run_health', 'latents']) {
    assert.equal((project.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE run_id = ?`).get(a.run.id) as { n: number }).n, 0, table);
  }
  // The fork stays, with its own checkpoints, and no longer names a parent.
  const rows = project.db.prepare('SELECT parent_run_id, parent_checkpoint_id FROM runs WHERE id = ?').get(fork.run.id);
  assert.deepEqual({ ...(rows as object) }, { parent_run_id: null, parent_checkpoint_id: null });
  assert.deepEqual(
    listCheckpoints(project, fork.run.id).map((c) => c.epoch),
    [2, 3],
  );
});

test('a run that keeps the networks of one checkpoint in 3: every checkpoint keeps its witnesses, the others let their weights go, and only kept ones are forked, drawn or measured', async (t) => {
  const { studio, project, request } = await setup(t);
  const estimate = await studio.runs.estimate(request({ epochs: 7, keepWeightsEvery: 3 }));
  // Epochs 0–7: the networks of 0, 3 and 6 on the grid, and of 7, the last.
  assert.deepEqual([estimate.checkpoints, estimate.weightsKept], [8, 4]);
  assert.equal(estimate.diskBytes, 8 * (estimate.checkpointBytes - estimate.weightsBytes) + 4 * estimate.weightsBytes);
  assert.ok(estimate.weightsBytes > 0 && estimate.weightsBytes < estimate.checkpointBytes);

  const { run, done } = await studio.runs.start(request({ epochs: 7, keepWeightsEvery: 3 }));
  await done;
  const checkpoints = listCheckpoints(project, run.id);
  assert.deepEqual(
    checkpoints.map((c) => c.weightsKept),
    [true, false, false, true, false, false, true, true],
  );
  for (const c of checkpoints) {
    assert.equal(existsSync(join(project.dir, c.path)), c.weightsKept, `epoch ${c.epoch}'s weights`);
    assert.ok(existsSync(join(project.dir, c.witnessGrid)), `epoch ${c.epoch}'s witnesses`);
  }
  // The timeline keeps every column; the project check counts nothing missing.
  assert.equal((await exportTimeline(project, [run.id])).labelledColumns.length > 0, true);
  assert.equal(buildTimeline(project, [run.id]).positions.length, 8);
  const check = await checkProject(project);
  assert.deepEqual([check.damaged, check.orphans], [[], []]);

  await assert.rejects(
    studio.runs.fork({ runId: run.id, at: 4, epochs: 9 }),
    /the checkpoint of epoch 4 of ".*" kept only its witnesses \(the run keeps the networks of one checkpoint in 3\), so there is nothing to fork from: use epoch 3 or epoch 6 instead/,
  );
  assert.throws(
    () => jobGenerator(project, { runId: run.id, checkpointId: checkpoints[5]!.id }),
    /epoch 5 .* nothing to draw from: use epoch 6 or epoch 3 instead/,
  );
  const fork = await studio.runs.fork({ runId: run.id, at: 3, epochs: 4 });
  await fork.done;
  assert.deepEqual(
    listCheckpoints(project, fork.run.id).map((c) => c.epoch),
    [4],
  );
});
