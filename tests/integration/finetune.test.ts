// Fine-tuning NVIDIA's sg2-tiny-32 on 32 px portraits in a real engine process: the run starts
// from the imported weights (its first witnesses are the network's own images), ADA's p moves and
// is reported live, snapshots by kimg feed the timeline, and a run killed with SIGKILL resumes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import type { RunProgress, RunRequest } from '../../shared/contract';
import { contract } from '../../shared/contract';
import { readCheckpointFile } from '../../electron/formats/checkpoint-file';
import { importNetwork, loadNetwork } from '../../electron/services/networks/network-store';
import { listCheckpoints, witnessVectors } from '../../electron/services/runs/run-store';
import { runSeries } from '../../electron/services/runs/run-series';
import { buildTimeline } from '../../electron/services/runs/timeline';
import { decodeNpy } from '../../electron/formats/npy';
import { projectWithDataset, repoRoot, runCli, sharedData, smallPortraits, tempDir } from '../helpers';

const fixtures = join(sharedData, '..', 'fixtures', 'stylegan2');

test('fine-tune sg2-tiny-32 with ADA: starts from the network, p moves, snapshots, resume after SIGKILL', async (t) => {
  const { studio, project, dataset } = await projectWithDataset(t, 32);
  const network = await importNetwork(project, join(fixtures, 'sg2-tiny-32.pkl'));
  const request = (extra: object = {}): RunRequest =>
    contract['runs.start'].request.parse({
      datasetId: dataset.id,
      arch: 'stylegan2',
      network: network.id,
      kimg: 0.2,
      batchSize: 8,
      checkpointEvery: 0.1,
      backend: 'wasm',
      witnesses: 4,
      ...extra,
    });

  const progress: RunProgress[] = [];
  let runId = -1;
  let killed = false;
  studio.events.subscribe((m) => {
    if (m.event !== 'run.progress') return;
    const p = m.payload as RunProgress;
    progress.push(p);
    // Kill it once the first snapshot after the start is recorded, a step into the next stretch.
    if (p.runId === runId && !killed && p.imagesSeen === 112) {
      killed = true;
      process.kill(studio.runs.enginePid(runId)!, 'SIGKILL');
    }
  });
  const started = await studio.runs.start(request());
  runId = started.run.id;
  const interrupted = await started.done;
  assert.equal(interrupted.status, 'interrupted', interrupted.reason ?? '');
  assert.equal(interrupted.lastCheckpoint!.imagesSeen, 104);

  // The start is the network itself: the first witness grid is what its G_ema draws for those latents.
  const { config, weights } = await loadNetwork(project, network.id);
  const { StyleSampler } = await import('../../electron/engine/style-sampler');
  const { selectBackend } = await import('../../electron/engine/backends');
  await selectBackend('cpu');
  const sampler = new StyleSampler(config, weights.G_ema);
  const drawn = await sampler.generate(witnessVectors(project, runId).map((v) => Array.from(v)));
  sampler.dispose();
  const first = listCheckpoints(project, runId)[0]!;
  assert.equal(first.imagesSeen, 0);
  const grid = await sharp(join(project.dir, first.witnessGrid)).raw().toBuffer({ resolveWithObject: true });
  let diff = 0;
  for (let y = 0; y < 32; y++)
    for (let x = 0; x < 32; x++)
      for (let c = 0; c < 3; c++) diff += Math.abs(grid.data[(y * grid.info.width + x) * grid.info.channels + c]! - drawn.images[0]![(y * 32 + x) * 3 + c]!);
  assert.ok(diff / (32 * 32 * 3) < 2, `the first witness differs from the network's image by ${(diff / 3072).toFixed(2)} levels on average`);

  // ADA was on, and its probability is reported with every step.
  assert.ok(progress.every((p) => p.augmentP !== null));

  const resumed = await studio.runs.resume(runId);
  const finished = await resumed.done;
  assert.equal(finished.status, 'finished', finished.reason ?? '');
  // A snapshot where each 0.1 kimg is crossed (batch 8: at 104 images, then at the end), no step counted twice.
  assert.deepEqual(
    listCheckpoints(project, runId).map((c) => c.imagesSeen),
    [0, 104, 200],
  );
  assert.deepEqual(buildTimeline(project, [runId]).positions, [0, 0.1, 0.2]);
  const last = progress.filter((p) => p.runId === runId).at(-1)!;
  assert.equal(last.imagesSeen, 200);
  assert.ok(last.augmentP! > 0, `p stayed at ${last.augmentP}`);

  // Every statistic the steps report is stored per step and comes back as a series: ADA's p at
  // every step, R1's penalty on its 16th steps only, D's signs, the timings.
  const stored = (name: string) =>
    project.db.prepare('SELECT step, value FROM run_metrics WHERE run_id = ? AND name = ? ORDER BY step').all(runId, name) as { step: number; value: number }[];
  assert.equal(stored('ADA/p').length, 25, '200 images in batches of 8');
  assert.equal(stored('ADA/p').at(-1)!.value, last.augmentP);
  assert.deepEqual(
    stored('Loss/r1').map((r) => r.step),
    [1, 17],
    'R1 on the first and the 17th step (lazy, every 16)',
  );
  assert.ok(stored('Loss/r1').every((r) => r.value > 0));
  assert.ok(stored('D/signs').every((r) => r.value >= -1 && r.value <= 1));
  assert.ok(stored('Timing/step_s').every((r) => r.value > 0));
  // The quality measured at each checkpoint is timed there: once per checkpoint, never per step.
  assert.deepEqual(
    stored('Timing/quality_s').map((r) => r.step),
    listCheckpoints(project, runId).map((c) => c.step),
  );
  assert.ok(stored('Timing/quality_s').every((r) => r.value > 0));
  assert.deepEqual(Object.keys(last.stats).sort(), ['ADA/p', 'D/signs', 'Timing/data_s', 'Timing/step_s']);
  const series = runSeries(project, runId, 100);
  assert.deepEqual(
    series.stats.map((s) => s.name),
    ['ADA/p', 'D/signs', 'Loss/r1', 'Timing/data_s', 'Timing/quality_s', 'Timing/step_s'],
  );
  for (const s of series.stats) assert.equal(s.values.length, series.step.length, s.name);

  // The style tools draw from the run: at its first checkpoint it is the network itself; at its last it has moved.
  const sources = studio.generators.sources();
  assert.deepEqual(
    sources.map((s) => s.label),
    ['sg2-tiny-32', `${finished.name} at 0.2 kimg`],
  );
  const seeds = (source: object) => studio.generators.seeds(contract['generate.seeds'].request.parse({ source, seeds: [4], psi: 0.8 }));
  const fromNetwork = await seeds({ networkId: network.id });
  const atStart = await seeds({ runId, checkpointId: first.id });
  const atEnd = await seeds({ runId });
  const [n, s, e] = await Promise.all([fromNetwork, atStart, atEnd].map((r) => sharp(join(project.dir, r.images[0]!.path)).raw().toBuffer()));
  assert.ok(
    n!.every((v, i) => Math.abs(v - s![i]!) <= 1),
    'checkpoint 0 draws what the network draws',
  );
  assert.ok(
    n!.some((v, i) => Math.abs(v - e![i]!) > 8),
    'the fine-tuned generator draws something else',
  );
  assert.match(atEnd.images[0]!.path, /^renders\/generated\/.+-0\.2kimg\/psi0\.80-seed0004\.png$/);

  // The CLI draws from the run too: at kimg 0 the network's face, and a checkpoint that is not there is named.
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(repoRoot, 'bin', 'leporello.mjs'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, LEPORELLO_HOME: join(project.dir, 'tmp', 'cli-home') },
    });
  const out = join(project.dir, 'tmp', 'cli-generate');
  const drawnByCli = cli(
    'generate',
    project.dir,
    '--run',
    finished.name,
    '--at',
    '0',
    '--seeds',
    '4',
    '--trunc',
    '0.8',
    '--backend',
    'cpu',
    '--out',
    out,
    '--json',
  );
  assert.equal(drawnByCli.status, 0, drawnByCli.stderr);
  const c = await sharp(JSON.parse(drawnByCli.stdout).files[0]).raw().toBuffer();
  assert.ok(
    n!.every((v, i) => Math.abs(v - c[i]!) <= 1),
    'the CLI at kimg 0 draws the network',
  );
  const missing = cli('generate', project.dir, '--run', finished.name, '--at', '0.15', '--seeds', '4', '--out', out);
  assert.match(missing.stderr, /has no checkpoint at kimg 0\.15 \(its checkpoints, in kimg: 0, 0\.1, 0\.2\)/);

  // Exported for NVIDIA's tools at a checkpoint, it comes back in as that checkpoint's networks.
  const pkl = join(project.dir, 'tmp', 'at-0.1.pkl');
  const exported = cli('export-network', project.dir, '--run', finished.name, '--at', '0.1', '--format', 'pkl', '--out', pkl, '--json');
  assert.equal(exported.status, 0, exported.stderr);
  assert.equal(JSON.parse(exported.stdout).network, `${finished.name} at 0.1 kimg`);
  const back = await importNetwork(project, pkl);
  const { weights: imported } = await loadNetwork(project, back.id);
  const { tensors: atCheckpoint } = await readCheckpointFile(join(project.dir, listCheckpoints(project, runId)[1]!.path));
  for (const [role, prefix] of [
    ['G_ema', 'param:Gs/'],
    ['G', 'param:G/'],
    ['D', 'param:D/'],
  ] as const) {
    const names = [...atCheckpoint.keys()].filter((k) => k.startsWith(prefix));
    assert.equal(imported[role].size, names.length, role);
    for (const name of names) assert.deepEqual(imported[role].get(name.slice(prefix.length))!.data, atCheckpoint.get(name)!.data, name);
  }
});

test('a network and a dataset of different resolutions are refused, saying which and what to do', async (t) => {
  const { studio, project, dataset } = await projectWithDataset(t, 16);
  const network = await importNetwork(project, join(fixtures, 'sg2-tiny-32.pkl'));
  await assert.rejects(
    studio.runs.start(contract['runs.start'].request.parse({ datasetId: dataset.id, arch: 'stylegan2', network: network.id, kimg: 1, batchSize: 8 })),
    /network "sg2-tiny-32" draws 32 px images but dataset ".*" is 16 px: the resolution differs\. Build a dataset of the same collection at 32 px/,
  );
  await assert.rejects(
    studio.runs.start(contract['runs.start'].request.parse({ datasetId: dataset.id, arch: 'dcgan', network: network.id, epochs: 1, batchSize: 8 })),
    /only a StyleGAN2 or StyleGAN \(v1\) run can start from a pretrained network, not a dcgan run/,
  );
});

test('a conditional network fine-tunes on a dataset whose classes are a label, keeps its classes, and draws each', (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  const cli = (...args: string[]) => runCli(base, ...args);
  for (const args of [
    ['project', 'create', project],
    ['import', project, smallPortraits, '--collection', 'portraits'],
    ['label', project, '--images', '1-12', '--set', 'mood=calm'],
    ['label', project, '--images', '13-18', '--set', 'mood=grief'],
    ['dataset', 'create', project, '--collection', 'portraits', '--resolution', '64', '--name', 'two'],
    ['label', project, '--images', '19-24', '--set', 'mood=rage'],
    ['dataset', 'create', project, '--collection', 'portraits', '--resolution', '64', '--class-key', 'mood', '--name', 'moods'],
    ['import-network', project, join(fixtures, 'sg2-cond-64.pkl'), '--name', 'cond'],
  ])
    assert.equal(cli(...args).code, 0, args.join(' '));
  // Images 19–24 had no mood when "two" was built: it was built without classes, so the network is refused on it, saying what to build.
  const train = (dataset: string, ...extra: string[]) =>
    cli(
      'train',
      project,
      '--dataset',
      dataset,
      '--arch',
      'stylegan2',
      '--network',
      'cond',
      '--kimg',
      '0.02',
      '--batch',
      '4',
      '--checkpoint-every',
      '0.01',
      '--backend',
      'wasm',
      ...extra,
    );
  const refused = train('two');
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /network "cond" is conditional on 3 classes but dataset "two" has none: build a dataset whose classes are a label with 3 values \(leporello dataset create --class-key KEY\)/,
  );
  const moods = cli('dataset', 'list', project, '--json')
    .json()
    .find((d: { name: string }) => d.name === 'moods');
  assert.deepEqual(moods.classes, { key: 'mood', values: ['calm', 'grief', 'rage'] });

  const run = train('moods', '--name', 'by-mood');
  assert.equal(run.code, 0, run.stderr);
  // At kimg 0 the run is the network, class for class; at its end it has moved, and its classes still differ.
  const draw = (out: string, ...source: string[]) => {
    const r = cli('generate', project, ...source, '--seeds', '1', '--format', 'npy', '--backend', 'cpu', '--out', join(base, out), '--json');
    assert.equal(r.code, 0, r.stderr);
    return decodeNpy(readFileSync(r.json().files[0]), out).data;
  };
  const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
  for (const k of ['0', '2']) {
    assert.equal(maxDiff(draw(`n${k}`, '--network', 'cond', '--class', k), draw(`r0-${k}`, '--run', 'by-mood', '--at', '0', '--class', k)), 0);
    assert.ok(maxDiff(draw(`n${k}b`, '--network', 'cond', '--class', k), draw(`r-${k}`, '--run', 'by-mood', '--class', k)) > 0.01, 'fine-tuned');
  }
  assert.ok(maxDiff(draw('c0', '--run', 'by-mood', '--class', '0'), draw('c2', '--run', 'by-mood', '--class', '2')) > 0.1, 'the classes differ');
  assert.match(
    cli('generate', project, '--run', 'by-mood', '--seeds', '1', '--out', join(base, 'none')).stderr,
    /conditional on 3 classes: give --class K or --c FILE/,
  );
  // The latent tools draw from it too: seeds of a chosen class, or each seed's own (N mod the classes), and a blend video between them.
  const seeds = (list: string, ...extra: string[]) => {
    const r = cli('latents', project, '--run', 'by-mood', 'seeds', list, ...extra, '--json');
    assert.equal(r.code, 0, r.stderr);
    return r.json() as { source: string; vector: number[] }[];
  };
  const ofClass1 = seeds('1,2', '--class', '1');
  assert.deepEqual(
    ofClass1.map((l) => l.source),
    ['seed 1 of class 1', 'seed 2 of class 1'],
  );
  const own = seeds('1,2');
  assert.deepEqual(own[0]!.vector, ofClass1[0]!.vector, "seed 1's own class is 1");
  assert.notDeepEqual(own[1]!.vector, ofClass1[1]!.vector, "seed 2's own class is 2");
  const video = cli('render', 'video', project, '--run', 'by-mood', '--path', 'seed:1,seed:2', '--seconds', '1', '--fps', '4', '--out', join(base, 'v.mp4'));
  assert.equal(video.code, 0, video.stderr);
});
