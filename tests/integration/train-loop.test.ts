import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, test } from 'node:test';
import sharp from 'sharp';
import { selectBackend } from '../../electron/engine/backends';
import { defaultModelConfig } from '../../electron/engine/models/registry';
import { readCheckpoint } from '../../electron/engine/train/checkpoint';
import { trainLoop, type CheckpointWritten, type ResumePointWritten, type TrainOptions, type TrainTick } from '../../electron/engine/train/train-loop';
import { DatasetFile } from '../../electron/formats/dataset-file';
import { projectWithDataset, type tempDir } from '../helpers';

before(async () => {
  await selectBackend('cpu');
});

/** 24 real portraits at 16×16, packed: the smallest honest training set. */
async function tinySetup(t: Parameters<typeof tempDir>[0]) {
  const { base, project, dataset: ds } = await projectWithDataset(t);
  const dataset = await DatasetFile.open(join(project.dir, ds.path));
  t.after(() => dataset.close());
  const options = (runDir: string, extra: Partial<TrainOptions> = {}): TrainOptions => ({
    runDir: join(base, runDir),
    tmpDir: project.tmpDir,
    dataset,
    model: defaultModelConfig('dcgan', 16, 3, { width: 4, zDim: 16 }),
    length: { unit: 'epochs', epochs: 4 },
    batchSize: 8,
    dSteps: 1,
    learningRate: 2e-4,
    beta1: 0.5,
    seed: 11,
    witnesses: 6,
    checkpointEvery: 2,
    ...extra,
  });
  return { options };
}

test('a tiny DCGAN trains on real portraits: losses move, checkpoints and witness grids are written', async (t) => {
  const { options } = await tinySetup(t);
  const ticks: TrainTick[] = [];
  const checkpoints: CheckpointWritten[] = [];
  const result = await trainLoop(options('run-a'), { onTick: (x) => ticks.push(x), onCheckpoint: (c) => void checkpoints.push(c) });
  assert.deepEqual([result.epoch, result.step, result.imagesSeen, result.aborted], [4, 12, 96, false]);
  assert.equal(ticks.length, 12, '24 images in batches of 8: 3 steps × 4 epochs');
  assert.ok(ticks.every((x) => Number.isFinite(x.dLoss) && Number.isFinite(x.gLoss) && x.imagesPerSecond > 0));
  assert.ok(new Set(ticks.map((x) => x.dLoss.toFixed(4))).size > 6, 'the losses move');
  assert.equal(ticks.at(-1)!.etaSeconds, 0);
  assert.deepEqual(
    checkpoints.map((c) => c.epoch),
    [0, 2, 4],
  );
  for (const c of checkpoints) {
    assert.ok(c.health.metrics.diversity! >= 0 && c.health.metrics.largest_duplicate_cluster! > 0, JSON.stringify(c.health));
  }
  for (const c of checkpoints) {
    assert.ok(existsSync(c.file));
    const meta = await sharp(c.witnessGrid).metadata();
    assert.deepEqual([meta.width, meta.height], [3 * 16, 2 * 16], '6 witnesses in a 3×2 grid');
  }
  // The untrained generator and the trained one draw different pictures from the same witnesses.
  const first = await sharp(checkpoints[0]!.witnessGrid).raw().toBuffer();
  const last = await sharp(checkpoints[2]!.witnessGrid).raw().toBuffer();
  assert.notDeepEqual(first, last);
});

test('stopping and resuming from a checkpoint ends exactly where an uninterrupted run ends', async (t) => {
  const { options } = await tinySetup(t);
  const straight: CheckpointWritten[] = [];
  await trainLoop(options('straight'), { onCheckpoint: (c) => void straight.push(c) });

  // The interrupted run stops part-way through epoch 3: its last checkpoint is epoch 2.
  const interrupted: CheckpointWritten[] = [];
  let steps = 0;
  const stopped = await trainLoop(options('interrupted'), {
    onCheckpoint: (c) => void interrupted.push(c),
    onTick: () => steps++,
    shouldAbort: () => steps >= 8,
  });
  assert.equal(stopped.aborted, true);
  const last = interrupted.at(-1)!;
  assert.equal(last.epoch, 2);
  const resumed: CheckpointWritten[] = [];
  await trainLoop(options('interrupted', { from: { file: last.file, sha256: last.sha256 } }), { onCheckpoint: (c) => void resumed.push(c) });
  assert.deepEqual(
    resumed.map((c) => c.epoch),
    [4],
  );

  const a = await readCheckpoint(straight.at(-1)!.file);
  const b = await readCheckpoint(resumed.at(-1)!.file);
  assert.deepEqual(b.header.counters, a.header.counters);
  assert.deepEqual(b.header.rng, a.header.rng);
  for (const [name, tensor] of a.tensors) {
    assert.deepEqual(await b.tensors.get(name)!.data(), await tensor.data(), `${name} differs after resume`);
  }
  assert.deepEqual(readFileSync(resumed[0]!.witnessGrid), readFileSync(straight.at(-1)!.witnessGrid));
});

test('a stop between checkpoints writes a resume point at that very step; resuming from it ends exactly where an uninterrupted run ends', async (t) => {
  const { options } = await tinySetup(t);
  const straight: CheckpointWritten[] = [];
  await trainLoop(options('straight'), { onCheckpoint: (c) => void straight.push(c) });

  // Stopped after step 7 of 12, one step into epoch 3: epoch 2's checkpoint holds 6 steps.
  const checkpoints: CheckpointWritten[] = [];
  const points: ResumePointWritten[] = [];
  let steps = 0;
  const stopped = await trainLoop(options('stopped'), {
    onCheckpoint: (c) => void checkpoints.push(c),
    onResumePoint: (p) => void points.push(p),
    onTick: () => steps++,
    shouldAbort: () => steps >= 7,
  });
  assert.equal(stopped.aborted, true);
  assert.deepEqual(
    checkpoints.map((c) => c.epoch),
    [0, 2],
  );
  assert.equal(points.length, 1);
  assert.deepEqual([points[0]!.epoch, points[0]!.step, points[0]!.imagesSeen], [2, 7, 56]);
  assert.match(basename(points[0]!.file), /^resume-0000000056\.lepckpt$/);

  // Resumed, it takes step 8 first, then writes epoch 4's checkpoint as the straight run did.
  const ticks: TrainTick[] = [];
  const resumed: CheckpointWritten[] = [];
  const again: ResumePointWritten[] = [];
  await trainLoop(options('stopped', { from: { file: points[0]!.file, sha256: points[0]!.sha256 } }), {
    onTick: (x) => ticks.push(x),
    onCheckpoint: (c) => void resumed.push(c),
    onResumePoint: (p) => void again.push(p),
  });
  assert.deepEqual(
    ticks.map((x) => x.step),
    [8, 9, 10, 11, 12],
  );
  assert.deepEqual(
    resumed.map((c) => c.epoch),
    [4],
  );
  assert.equal(again.length, 0, 'a run that ends writes no resume point');
  const a = await readCheckpoint(straight.at(-1)!.file);
  const b = await readCheckpoint(resumed.at(-1)!.file);
  assert.deepEqual(b.header.counters, a.header.counters);
  assert.deepEqual(b.header.rng, a.header.rng);
  for (const [name, tensor] of a.tensors) {
    assert.deepEqual(await b.tensors.get(name)!.data(), await tensor.data(), `${name} differs after resuming from the resume point`);
  }

  // A stop right after a checkpoint has nothing new to write.
  let n = 0;
  const none: ResumePointWritten[] = [];
  await trainLoop(options('at-checkpoint'), { onResumePoint: (p) => void none.push(p), onTick: () => n++, shouldAbort: () => n >= 6 });
  assert.equal(none.length, 0);
});

test('a damaged checkpoint is refused by its hash; a checkpoint of another architecture is refused by name', async (t) => {
  const { options } = await tinySetup(t);
  const written: CheckpointWritten[] = [];
  await trainLoop(options('r', { length: { unit: 'epochs', epochs: 1 }, checkpointEvery: 1 }), { onCheckpoint: (c) => void written.push(c) });
  const good = written.at(-1)!;
  const bytes = readFileSync(good.file);
  bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0x55;
  writeFileSync(good.file, bytes);
  await assert.rejects(trainLoop(options('r', { from: { file: good.file, sha256: good.sha256 } })), /is damaged: its sha256 is/);
  await assert.rejects(
    trainLoop(
      options('other', { model: defaultModelConfig('thesis', 16, 3, { width: 4, zDim: 16 }), from: { file: written[0]!.file, sha256: written[0]!.sha256 } }),
    ),
    /holds a dcgan network, not thesis/,
  );
});

test('the thesis GAN trains through the same loop', async (t) => {
  const { options } = await tinySetup(t);
  const ticks: TrainTick[] = [];
  const result = await trainLoop(
    options('thesis', { model: defaultModelConfig('thesis', 16, 3, { width: 4, zDim: 16 }), length: { unit: 'epochs', epochs: 2 }, dSteps: 2 }),
    { onTick: (x) => ticks.push(x) },
  );
  assert.equal(result.epoch, 2);
  assert.equal(ticks.filter((x) => Number.isNaN(x.gLoss)).length, 3, 'with k = 2, every other step trains D alone');
});

test('the progressive GAN grows through its stages by kimg, checkpoints mid-epoch and resumes there exactly', async (t) => {
  const { options } = await tinySetup(t);
  // 24 portraits, batch 8: a phase of 0.048 kimg is 6 steps, so 4×4, 8×8 fading, 8×8, 16×16 fading, 16×16.
  const progan = (runDir: string, extra: Partial<TrainOptions> = {}) =>
    options(runDir, {
      model: defaultModelConfig('progan', 16, 3, { width: 4, zDim: 8, phaseKimg: 0.048, emaHalfLifeKimg: 0.05 }),
      length: { unit: 'kimg', kimg: 0.3 },
      checkpointEvery: 0.1,
      ...extra,
    });
  const ticks: TrainTick[] = [];
  const straight: CheckpointWritten[] = [];
  const result = await trainLoop(progan('straight'), { onTick: (x) => ticks.push(x), onCheckpoint: (c) => void straight.push(c) });
  assert.equal(result.imagesSeen, 304, '0.3 kimg rounded up to whole batches of 8');
  assert.deepEqual([...new Set(ticks.map((x) => x.stage!.resolution))], [4, 8, 16]);
  assert.ok(
    ticks.some((x) => x.stage!.resolution === 16 && x.stage!.alpha > 0 && x.stage!.alpha < 1),
    'the 16×16 block fades in',
  );
  assert.ok(ticks.every((x) => x.epochs === null && x.kimgTotal === 0.3 && x.imagesTotal === 304));
  assert.ok(ticks.every((x) => Number.isFinite(x.dLoss) && Number.isFinite(x.gLoss)));
  // Every 0.1 kimg, wherever in an epoch (of 24 images) that falls, and at the end.
  assert.deepEqual(
    straight.map((c) => c.imagesSeen),
    [0, 104, 200, 304],
  );
  assert.deepEqual(
    straight.map((c) => basename(c.file)),
    ['kimg-000000.000.lepckpt', 'kimg-000000.104.lepckpt', 'kimg-000000.200.lepckpt', 'kimg-000000.304.lepckpt'],
  );
  const grid = await sharp(straight.at(-1)!.witnessGrid).metadata();
  assert.deepEqual([grid.width, grid.height], [3 * 16, 2 * 16], 'witnesses drawn at the final size at every stage');

  // Resumed from the checkpoint at 104 images, in the middle of epoch 5, it ends bit for bit where the straight run ends.
  const middle = straight[1]!;
  assert.equal(middle.epoch, 4);
  const resumed: CheckpointWritten[] = [];
  await trainLoop(progan('resumed', { from: { file: middle.file, sha256: middle.sha256 } }), { onCheckpoint: (c) => void resumed.push(c) });
  assert.deepEqual(
    resumed.map((c) => c.imagesSeen),
    [200, 304],
  );
  const a = await readCheckpoint(straight.at(-1)!.file);
  const b = await readCheckpoint(resumed.at(-1)!.file);
  assert.deepEqual(b.header.counters, a.header.counters);
  for (const [name, tensor] of a.tensors) assert.deepEqual(await b.tensors.get(name)!.data(), await tensor.data(), `${name} differs after resume`);
  assert.ok(a.tensors.has('param:Gs/16/torgb/w'), 'the moving average is checkpointed');
});
