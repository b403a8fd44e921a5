// Cluster runs in: a folder as NVIDIA's train.py writes it (snapshots every 4 kimg, its options,
// its per-tick statistics, the last line cut short by a kill) becomes a run of the project through
// the CLI — a checkpoint per snapshot drawing exactly that snapshot's networks, witnesses, health
// and quick quality at each, the losses and ADA's p charted, the trainer's options kept — and is
// refused, with the reason, where it cannot be.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { EventBus } from '../../electron/api/event-bus';
import { contract, JobRequest, type JobFinished, type JobProgress } from '../../shared/contract';
import { listDatasets } from '../../electron/services/datasets/datasets';
import { prepareClusterRun } from '../../electron/services/exchange/cluster-run';
import { readZip } from '../../electron/services/exchange/zip';
import { decodeNpy } from '../../electron/formats/npy';
import { readNetworkFiles } from '../../electron/formats/network-file';
import { PickleWriter } from '../../electron/services/exchange/pickle/pickle-writer';
import { styleGan2TfPickle, type Tensors } from '../../electron/services/exchange/pickle/stylegan2-tf-export';
import type { StyleGan2Config } from '../../electron/formats/stylegan2-layout';
import { runQuality } from '../../electron/services/quality/quality-store';
import { findRun, listCheckpoints, witnessVectors } from '../../electron/services/runs/run-store';
import { runSeries } from '../../electron/services/runs/run-series';
import { buildTimeline } from '../../electron/services/runs/timeline';
import { Studio } from '../../electron/services/studio';
import { runCli, sharedData, smallPortraits, tempDir } from '../helpers';

const fixtures = join(sharedData, '..', 'fixtures', 'stylegan2');

/** The network's weights with every G and G_ema tensor scaled: a snapshot that draws other faces. */
function scaled(weights: Tensors, by: number): Tensors {
  return new Map(
    [...weights].map(([name, t]) => [name, { shape: t.shape, data: name.includes('affine') ? Float32Array.from(t.data, (x) => x * by) : t.data }]),
  );
}

test("a folder NVIDIA's train.py wrote comes in as a run: a checkpoint per snapshot, its statistics charted, its options kept", async (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  for (const args of [
    ['project', 'create', project],
    ['import', project, smallPortraits, '--collection', 'portraits'],
    ['dataset', 'create', project, '--collection', 'portraits', '--resolution', '32'],
    ['dataset', 'create', project, '--collection', 'portraits', '--resolution', '16'],
    ['import-network', project, join(fixtures, 'sg2-tiny-32.pkl')],
  ]) {
    const r = runCli(base, ...args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  const network = runCli(base, 'networks', project, '--json').json()[0] as { path: string };
  const { manifest, weights } = await readNetworkFiles(join(project, network.path));

  // The cluster's folder: the network itself at kimg 0, then two snapshots of other weights.
  const folder = join(base, 'training-runs', '00000-portraits-32-mirror-auto8-ada-resumecustom');
  mkdirSync(folder, { recursive: true });
  copyFileSync(join(fixtures, 'sg2-tiny-32.pkl'), join(folder, 'network-snapshot-000000.pkl'));
  const snapshots = new Map([
    [4, 1.3],
    [8, 0.6],
  ]);
  for (const [kimg, by] of snapshots) {
    const tuple = styleGan2TfPickle(manifest.config as StyleGan2Config, { G: scaled(weights.G, by), D: weights.D, G_ema: scaled(weights.G_ema, by) });
    writeFileSync(join(folder, `network-snapshot-${String(kimg).padStart(6, '0')}.pkl`), Buffer.concat(PickleWriter.dump(tuple).chunks));
  }
  const options = {
    num_gpus: 8,
    network_snapshot_ticks: 1,
    kimg_per_tick: 4,
    random_seed: 3,
    total_kimg: 8,
    batch_size: 32,
    ada_target: 0.6,
    loss_kwargs: { class_name: 'training.loss.StyleGAN2Loss', r1_gamma: 0.01 },
    training_set_kwargs: { path: '/data/portraits-32.zip', resolution: 32, xflip: true, use_labels: false },
  };
  writeFileSync(join(folder, 'training_options.json'), JSON.stringify(options, null, 2));
  const tick = (i: number, kimg: number) =>
    JSON.stringify({
      'Progress/tick': { num: 1, mean: i, std: 0 },
      'Progress/kimg': { num: 1, mean: kimg, std: 0 },
      'Loss/G/loss': { num: 32, mean: 1.5 - 0.25 * i, std: 0.1 },
      'Loss/D/loss': { num: 32, mean: 0.75 + 0.125 * i, std: 0.1 },
      'Progress/augment': { num: 1, mean: 0.05 * i, std: 0 },
      'Loss/r1_penalty': { num: 4, mean: 0.5, std: 0 },
      'Loss/signs/real': { num: 32, mean: 0.25 * i, std: 0 },
      'Timing/sec_per_kimg': { num: 1, mean: 20, std: 0 },
    });
  // A run killed while it wrote its statistics leaves half a line.
  writeFileSync(join(folder, 'stats.jsonl'), `${tick(1, 4)}\n${tick(2, 8)}\n{"Progress/tick": {"num"`);

  // Two datasets: the one at the snapshots' size is taken; the other, named, is refused with why.
  const wrongSize = runCli(base, 'import-run', project, folder, '--dataset', 'portraits-16');
  assert.equal(wrongSize.code, 1);
  assert.match(
    wrongSize.stderr,
    /network-snapshot-000000\.pkl draws 32 px × 3 channels but dataset "portraits-16" is 16 px × 3: give the dataset the run was trained on \(--dataset\)/,
  );
  const empty = join(base, 'empty');
  mkdirSync(empty);
  assert.match(runCli(base, 'import-run', project, empty).stderr, /holds no network-snapshot-NNNNNN\.pkl: it is not a folder NVIDIA's train\.py wrote/);

  const imported = runCli(base, 'import-run', project, folder, '--name', 'cluster', '--backend', 'cpu', '--json');
  assert.equal(imported.code, 0, imported.stderr);
  assert.deepEqual([imported.json().snapshots, imported.json().skippedLines], [3, 1]);

  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  t.after(() => studio.closeProject());
  await studio.openProject(project);
  const p = studio.requireProject();
  const run = findRun(p, 'cluster');
  assert.equal(run.status, 'finished', run.reason ?? '');
  assert.equal(run.origin?.trainer, 'stylegan2-ada-pytorch');
  assert.equal(run.origin?.folder, folder);
  assert.deepEqual(run.origin?.options, options);
  assert.match(run.backendDetail ?? '', /^trained elsewhere: NVIDIA's train\.py on 8 GPUs, in /);
  assert.deepEqual([run.options.kimg, run.options.batchSize, run.options.checkpointEvery, run.options.seed, run.options.r1Gamma], [8, 32, 4, 3, 0.01]);

  // A checkpoint per snapshot, at its kimg; on the timeline with the run's fixed witnesses.
  const checkpoints = listCheckpoints(p, run.id);
  assert.deepEqual(
    checkpoints.map((c) => c.imagesSeen),
    [0, 4000, 8000],
  );
  assert.deepEqual(buildTimeline(p, [run.id]).positions, [0, 4, 8]);
  const witnesses = witnessVectors(p, run.id);
  assert.equal(witnesses.length, 36);
  const { StyleSampler } = await import('../../electron/engine/style-sampler');
  const { selectBackend } = await import('../../electron/engine/backends');
  await selectBackend('cpu');
  for (const [i, by] of [1, 1.3, 0.6].entries()) {
    const sampler = new StyleSampler(manifest.config, scaled(weights.G_ema, by));
    const drawn = await sampler.generate([Array.from(witnesses[0]!)]);
    sampler.dispose();
    const grid = await sharp(join(project, checkpoints[i]!.witnessGrid)).raw().toBuffer({ resolveWithObject: true });
    let diff = 0;
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++)
        for (let c = 0; c < 3; c++) diff += Math.abs(grid.data[(y * grid.info.width + x) * grid.info.channels + c]! - drawn.images[0]![(y * 32 + x) * 3 + c]!);
    assert.ok(diff / 3072 < 2, `witness 0 at kimg ${[0, 4, 8][i]} differs from the snapshot's drawing by ${(diff / 3072).toFixed(2)} levels on average`);
  }

  // The statistics, named as the studio's own runs name them, at the step each tick was at.
  const stored = (name: string) =>
    p.db.prepare('SELECT step, value FROM run_metrics WHERE run_id = ? AND name = ? ORDER BY step').all(run.id, name) as { step: number; value: number }[];
  assert.deepEqual(stored('Loss/D'), [
    { step: 125, value: 0.875 },
    { step: 250, value: 1 },
  ]);
  assert.deepEqual(
    stored('ADA/p').map((r) => r.value),
    [0.05, 0.1],
  );
  assert.deepEqual(
    stored('Speed/img_per_s').map((r) => r.value),
    [50, 50],
  );
  const series = runSeries(p, run.id, 100);
  assert.ok(['ADA/p', 'D/signs', 'Loss/r1'].every((n) => series.stats.some((s) => s.name === n)));
  // Reviewed at every checkpoint as training reviews: a health verdict and the quick quality.
  assert.ok(series.checkpoints.every((c) => c.verdict !== null));
  const quality = runQuality(p, run.id).checkpoints;
  assert.equal(quality.length, 3);
  assert.ok(quality.every((q) => Number.isFinite(q.values.swd) && q.quick.includes('swd')));

  // Drawing from it draws the snapshot, to the float.
  const out = join(base, 'drawn');
  const drawnByCli = runCli(base, 'generate', project, ...'--run cluster --at 4 --seeds 5 --format npy --backend cpu --json'.split(' '), '--out', out);
  assert.equal(drawnByCli.code, 0, drawnByCli.stderr);
  const npy = decodeNpy(readFileSync(drawnByCli.json().files[0]), 'drawn');
  const reference = new StyleSampler(manifest.config, scaled(weights.G_ema, 1.3));
  const { NumpyRandomState } = await import('../../electron/engine/nn/numpy-random');
  const raw = (await reference.generate([Array.from(new NumpyRandomState(5).randn(manifest.config.zDim))])).raw[0]!;
  reference.dispose();
  let err = 0;
  for (let i = 0; i < npy.data.length; i++) err = Math.max(err, Math.abs(npy.data[i]! - raw[i]!));
  assert.ok(err <= 1e-4, `max abs error ${err}`);

  // The book's verso is its learning, snapshot by snapshot; a blend video draws from its last snapshot.
  const book = runCli(
    base,
    ...`export leporello ${project} --recto portraits --run cluster --panels 3 --panel-size 10x14 --json`.split(' '),
    '--out',
    join(base, 'b.pdf'),
  );
  assert.equal(book.code, 0, book.stderr);
  assert.equal(book.json().pages, 2);
  const video = runCli(
    base,
    ...`render video ${project} --run cluster --path seed:1,seed:2 --seconds 1 --fps 8 --json`.split(' '),
    '--out',
    join(base, 'v.mp4'),
  );
  assert.equal(video.code, 0, video.stderr);
  assert.ok(existsSync(join(base, 'v.mp4')));

  // The cluster trained on: imported into the same run, only what is new comes in.
  const more = styleGan2TfPickle(manifest.config as StyleGan2Config, { G: scaled(weights.G, 0.8), D: weights.D, G_ema: scaled(weights.G_ema, 0.8) });
  writeFileSync(join(folder, 'network-snapshot-000012.pkl'), Buffer.concat(PickleWriter.dump(more).chunks));
  writeFileSync(join(folder, 'stats.jsonl'), `${tick(1, 4)}\n${tick(2, 8)}\n${tick(3, 12)}\n`);
  const added = runCli(base, 'import-run', project, folder, '--into', 'cluster', '--backend', 'cpu', '--json');
  assert.equal(added.code, 0, added.stderr);
  assert.deepEqual([added.json().runId, added.json().snapshots], [run.id, 1]);
  assert.deepEqual(
    listCheckpoints(p, run.id).map((c) => c.imagesSeen),
    [0, 4000, 8000, 12000],
  );
  assert.deepEqual(
    stored('Loss/D').map((r) => r.step),
    [125, 250, 375],
  );
  assert.equal(findRun(p, 'cluster').status, 'finished');
  assert.match(runCli(base, 'import-run', project, folder, '--into', 'nowhere').stderr, /no run "nowhere"/);

  // Cancelled after its first snapshot, an import keeps what came in and is stopped, saying how to bring in the rest.
  const again = join(base, 'again');
  mkdirSync(again);
  for (const kimg of [0, 4, 8])
    copyFileSync(join(folder, `network-snapshot-${String(kimg).padStart(6, '0')}.pkl`), join(again, `network-snapshot-${String(kimg).padStart(6, '0')}.pkl`));
  writeFileSync(join(again, 'training_options.json'), JSON.stringify(options));
  const finished = new Promise<JobFinished>((resolve) =>
    studio.events.subscribe((m) => {
      if (m.event === 'job.finished') resolve(m.payload as JobFinished);
    }),
  );
  let jobId = -1;
  studio.events.subscribe((m) => {
    if (m.event === 'job.progress' && (m.payload as JobProgress).done === 1) studio.jobs.cancel(jobId);
  });
  jobId = studio.jobs.start(JobRequest.parse({ kind: 'import-run', folder: again, name: 'half', backend: 'cpu' })).jobId;
  const end = await finished;
  assert.equal(end.ok, false);
  const half = findRun(p, 'half');
  assert.equal(half.status, 'stopped');
  assert.match(half.reason ?? '', /^import stopped after 1 of 3 snapshots; import the folder into this run again \(--into\) for the rest$/);
  assert.deepEqual(
    listCheckpoints(p, half.id).map((c) => c.imagesSeen),
    [0],
  );
  const rest = runCli(base, 'import-run', project, again, '--into', 'half', '--backend', 'cpu', '--json');
  assert.equal(rest.code, 0, rest.stderr);
  assert.deepEqual(
    listCheckpoints(p, half.id).map((c) => c.imagesSeen),
    [0, 4000, 8000],
  );

  // Trained elsewhere: not resumed or forked here, and says what to do instead.
  await assert.rejects(
    studio.runs.resume(run.id),
    /run "cluster" was trained elsewhere \(NVIDIA's train\.py, .*\) and cannot be resumed here: train it further on the cluster and import its folder into it again \(leporello import-run … --into \d+\)/,
  );
  assert.ok(existsSync(join(project, checkpoints[2]!.path)));
});

test('a conditional run comes in with its classes, which every drawing tool then asks for; a class dataset goes to the cluster with its labels', async (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  for (const args of [
    ['project', 'create', project],
    ['import', project, smallPortraits, '--collection', 'portraits'],
    ['label', project, '--images', '1-8', '--set', 'mood=calm'],
    ['label', project, '--images', '9-16', '--set', 'mood=grief'],
    ['label', project, '--images', '17-24', '--set', 'mood=rage'],
    ['dataset', 'create', project, '--collection', 'portraits', '--resolution', '64', '--class-key', 'mood', '--name', 'moods'],
    ['import-network', project, join(fixtures, 'sg2-cond-64.pkl'), '--name', 'cond'],
  ])
    assert.equal(runCli(base, ...args).code, 0, args.join(' '));
  const folder = join(base, 'cond-run');
  mkdirSync(folder);
  copyFileSync(join(fixtures, 'sg2-cond-64.pkl'), join(folder, 'network-snapshot-000000.pkl'));
  writeFileSync(
    join(folder, 'training_options.json'),
    JSON.stringify({ total_kimg: 1, batch_size: 8, training_set_kwargs: { resolution: 64, use_labels: true } }),
  );
  const imported = runCli(base, 'import-run', project, folder, '--name', 'cond-run', '--backend', 'cpu');
  assert.equal(imported.code, 0, imported.stderr);
  const draw = (out: string, ...source: string[]) => {
    const r = runCli(base, 'generate', project, ...source, '--seeds', '3', '--format', 'npy', '--backend', 'cpu', '--out', join(base, out), '--json');
    assert.equal(r.code, 0, r.stderr);
    return Array.from(decodeNpy(readFileSync(r.json().files[0]), out).data);
  };
  assert.deepEqual(draw('run', '--run', 'cond-run', '--class', '1'), draw('net', '--network', 'cond', '--class', '1'));
  assert.match(runCli(base, 'generate', project, '--run', 'cond-run', '--seeds', '3', '--out', join(base, 'x')).stderr, /conditional on 3 classes/);

  // To the cluster: the archive's dataset.json labels every picture with its class, and train.py is told to condition on them.
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  t.after(() => studio.closeProject());
  await studio.openProject(project);
  const p = studio.requireProject();
  const moods = listDatasets(p).find((d) => d.name === 'moods')!;
  const request = contract['cluster.prepare'].request.parse({ datasetId: moods.id, kimg: 100, checkpointEvery: 20, gpus: 2 });
  const prepared = await prepareClusterRun(p, request, join(base, 'to-copy'));
  assert.match(prepared.command, / --cond=1 /);
  const archive = readZip(readFileSync(join(base, 'to-copy', 'moods.zip')), 'moods.zip');
  const labels = (JSON.parse(archive.find((e) => e.name === 'dataset.json')!.data.toString()) as { labels: [string, number][] }).labels;
  assert.equal(labels.length, 24);
  assert.deepEqual(
    [0, 1, 2].map((k) => labels.filter(([, c]) => c === k).length),
    [8, 8, 8],
  );
});
