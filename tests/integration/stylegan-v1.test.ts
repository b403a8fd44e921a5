// A StyleGAN (v1) network end to end through the CLI, as a curator with NVlabs/stylegan's pickles
// uses it: imported and listed with its license, drawn (the raw output against the NumPy
// reference of tests/fixtures/stylegan-v1, with the network's own truncation cutoff), its styles
// mixed, its latents taken from seeds, labelled and analysed, a blend video rendered from it and
// that video printed as a book's verso; a conditional one asks for its class. What it cannot do
// (NVIDIA's StyleGAN2 pickle, a cluster run resumed from it) is refused by name. Fine-tuned in a real
// engine process, it starts from the network's own images and its run draws in the style tools.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodeNpy } from '../../electron/formats/npy';
import { contract, GenerateSeedsRequest, type RunProgress, type RunRequest } from '../../shared/contract';
import { selectBackend } from '../../electron/engine/backends';
import { StyleSampler } from '../../electron/engine/style-sampler';
import { importNetwork, loadNetwork } from '../../electron/services/networks/network-store';
import { listCheckpoints, witnessVectors } from '../../electron/services/runs/run-store';
import { runSeries } from '../../electron/services/runs/run-series';
import { printVideoBook, projectWithDataset, repoRoot, runCli, smallPortraits, tempDir } from '../helpers';

const dir = join(repoRoot, 'tests', 'fixtures', 'stylegan-v1');
const portraits = readdirSync(smallPortraits)
  .filter((f) => f.endsWith('.jpg'))
  .map((f) => join(smallPortraits, f));
const reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Record<
  string,
  { seeds: number[]; classes: number[]; psi: number; truncated: { images: number[][] } }
>;

type Cli = (...args: string[]) => ReturnType<typeof runCli>;

/** The generator's raw output (NCHW floats) through `leporello generate --format npy`, written into `out`. */
function drawRaw(cli: Cli, project: string, out: string, ...args: string[]): { shape: number[]; data: Float64Array } {
  const r = cli('generate', project, '--network', '1', '--format', 'npy', '--backend', 'cpu', '--out', out, ...args);
  assert.equal(r.code, 0, r.stderr);
  const file = readdirSync(out).find((f) => f.endsWith('.npy'))!;
  return decodeNpy(readFileSync(join(out, file)), file);
}

test('a StyleGAN (v1) network: imported, drawn as the NumPy reference draws it, mixed, analysed, rendered to video and printed', async (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  const cli = (...args: string[]) => runCli(base, ...args);
  assert.equal(cli('project', 'create', project).code, 0);

  const imported = cli('import-network', project, join(dir, 'sg1-tiny-32-tf.pkl'), '--json');
  assert.equal(imported.code, 0, imported.stderr);
  const network = imported.json();
  assert.deepEqual([network.arch, network.resolution, network.zDim, network.wDim], ['stylegan', 32, 32, 32]);
  assert.match(network.architecture, /StyleGAN \(v1\): AdaIN, 4 mapping layers, feature maps 256\/16, truncation 0\.7 on the first 4 styles/);
  assert.match(network.license, /CC BY-NC 4\.0/);
  assert.deepEqual(
    cli('networks', project, '--json')
      .json()
      .map((n: { arch: string }) => n.arch),
    ['stylegan'],
  );

  // Raw output for the reference's seeds, truncated with ψ 0.7 and (not given) the network's own cutoff.
  const ref = reference['sg1-tiny-32-tf']!;
  const out = join(base, 'raw');
  const raw = drawRaw(cli, project, out, '--seeds', ref.seeds.join(','), '--psi', String(ref.psi));
  assert.deepEqual(raw.shape, [ref.seeds.length, 3, 32, 32]);
  let err = 0;
  ref.truncated.images.flat().forEach((v, i) => (err = Math.max(err, Math.abs(v - raw.data[i]!))));
  assert.ok(err <= 1e-3, `the CLI's images differ from the reference by ${err}`);
  // Given a cutoff of all 8 styles, the coarse-only truncation no longer holds: the images change.
  const allRaw = drawRaw(cli, project, join(base, 'all'), '--seeds', '0', '--psi', '0.7', '--cutoff', '8');
  assert.ok(Math.max(...ref.truncated.images[0]!.map((v, i) => Math.abs(v - allRaw.data[i]!))) > 0.01);

  const mix = join(base, 'mix.png');
  const mixed = cli('style-mix', project, '--network', '1', '--rows', '1,2', '--cols', '3,4', '--styles', '0-3', '--backend', 'cpu', '--out', mix);
  assert.equal(mixed.code, 0, mixed.stderr);
  const { info } = await sharp(mix).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [3 * 32, 3 * 32]);

  // Latents in W from seeds, labelled, analysed.
  const latents = (...args: string[]) => {
    const r = cli('latents', project, '--network', '1', '--backend', 'cpu', ...args, '--json');
    assert.equal(r.code, 0, r.stderr);
    return r.json();
  };
  const ids = latents('seeds', '1-12').map((l: { id: number; space: string; vector: number[] }) => {
    assert.equal(l.space, 'w');
    assert.equal(l.vector.length, 32);
    return l.id;
  });
  latents('label', ids.slice(0, 6).join(','), 'mood=calm');
  latents('label', ids.slice(6).join(','), 'mood=wild');
  const analysed = cli('analyze', project, '--network', '1', '--feature', 'mood', '--backend', 'cpu', '--json');
  assert.equal(analysed.code, 0, analysed.stderr);
  assert.equal(analysed.json().dimensions, 32);

  // A blend video from the network, and the video as a book's verso.
  const video = join(base, 'blend.mp4');
  const rendered = cli(
    'render',
    'video',
    project,
    '--network',
    '1',
    '--backend',
    'cpu',
    '--path',
    'seed:1,seed:2',
    '--seconds',
    '1',
    '--fps',
    '8',
    '--out',
    video,
  );
  assert.equal(rendered.code, 0, rendered.stderr);
  assert.equal(cli('import', project, ...portraits.slice(0, 4), '--collection', 'sitters').code, 0);
  const book = join(base, 'book.pdf');
  const printed = printVideoBook(base, project, 'sitters', video, book);
  assert.equal(printed.code, 0, printed.stderr);
  assert.equal(readFileSync(book).subarray(0, 5).toString(), '%PDF-');

  // What NVIDIA's StyleGAN2 tools cannot take is refused by name.
  const pkl = cli('export-network', project, '--network', '1', '--format', 'pkl', '--out', join(base, 'out.pkl'));
  assert.equal(pkl.code, 1);
  assert.match(pkl.stderr, /sg1-tiny-32-tf\.pkl is a StyleGAN \(v1\) network: .*Leporello writes StyleGAN2 pickles only/);
});

test('a conditional StyleGAN (v1) network asks for its class and draws each class as the reference does', (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  const cli = (...args: string[]) => runCli(base, ...args);
  assert.equal(cli('project', 'create', project).code, 0);
  assert.equal(cli('import-network', project, join(dir, 'sg1-cond-16-tf.pkl')).code, 0);
  const noClass = cli('generate', project, '--network', '1', '--seeds', '5', '--out', join(base, 'x'));
  assert.equal(noClass.code, 1);
  assert.match(noClass.stderr, /is conditional on 3 classes: give --class K or --c FILE/);
  const ref = reference['sg1-cond-16-tf']!;
  // The reference gave seed i of its list class i mod 3.
  for (const [i, seed] of ref.seeds.entries()) {
    const out = join(base, `c${i}`);
    const raw = drawRaw(cli, project, out, '--seeds', String(seed), '--class', String(ref.classes[i]), '--psi', String(ref.psi));
    const err = Math.max(...ref.truncated.images[i]!.map((v, k) => Math.abs(v - raw.data[k]!)));
    assert.ok(err <= 1e-3, `seed ${seed} class ${ref.classes[i]}: differs by ${err}`);
  }
});

test('fine-tuning a StyleGAN (v1) network: the run starts from it, trains with ADA, and its checkpoints draw in the style tools', async (t) => {
  const { studio, project, dataset } = await projectWithDataset(t, 32);
  const network = await importNetwork(project, join(dir, 'sg1-tiny-32-tf.pkl'));
  const request = (extra: object = {}): RunRequest =>
    contract['runs.start'].request.parse({
      datasetId: dataset.id,
      arch: 'stylegan2',
      network: network.id,
      kimg: 0.048,
      batchSize: 8,
      checkpointEvery: 0.024,
      backend: 'wasm',
      witnesses: 4,
      ...extra,
    });

  // What v1 cannot do is refused before a run exists.
  await assert.rejects(studio.runs.start(request({ plWeight: 2 })), /StyleGAN \(v1\) network, which trains without path-length regularisation/);
  await assert.rejects(
    studio.runs.start(contract['runs.start'].request.parse({ datasetId: dataset.id, arch: 'stylegan', kimg: 0.1, batchSize: 8 })),
    /a StyleGAN \(v1\) run fine-tunes an imported StyleGAN \(v1\) network: give one/,
  );

  const progress: RunProgress[] = [];
  studio.events.subscribe((m) => m.event === 'run.progress' && progress.push(m.payload as RunProgress));
  const started = await studio.runs.start(request());
  assert.equal(started.run.arch, 'stylegan', 'a StyleGAN2 fine-tune of a v1 network trains it as v1');
  const finished = await started.done;
  assert.equal(finished.status, 'finished', finished.reason ?? '');
  const checkpoints = listCheckpoints(project, finished.id);
  assert.deepEqual(
    checkpoints.map((c) => c.imagesSeen),
    [0, 24, 48],
  );
  assert.ok(
    progress.some((p) => p.runId === finished.id && p.augmentP !== null),
    "ADA's p is reported",
  );
  const series = runSeries(project, finished.id, 100);
  assert.ok(series.gLoss.length > 0 && series.gLoss.every((v) => v === null || Number.isFinite(v)), "G's loss is charted and finite");

  // The first witnesses are the network's own images for those latents (its G_ema, the stored noise).
  const { config, weights } = await loadNetwork(project, network.id);
  await selectBackend('cpu');
  const sampler = new StyleSampler(config, weights.G_ema);
  const drawn = await sampler.generate(witnessVectors(project, finished.id).map((v) => Array.from(v)));
  sampler.dispose();
  const grid = await sharp(join(project.dir, checkpoints[0]!.witnessGrid)).raw().toBuffer({ resolveWithObject: true });
  let diff = 0;
  for (let y = 0; y < 32; y++)
    for (let x = 0; x < 32; x++)
      for (let c = 0; c < 3; c++) diff += Math.abs(grid.data[(y * grid.info.width + x) * grid.info.channels + c]! - drawn.images[0]![(y * 32 + x) * 3 + c]!);
  assert.ok(diff / 3072 < 2, `the first witness differs from the network's image by ${(diff / 3072).toFixed(2)} levels on average`);
  // Training changed the network: the last witnesses are not the first.
  const last = await sharp(join(project.dir, checkpoints.at(-1)!.witnessGrid))
    .raw()
    .toBuffer();
  assert.notDeepEqual(last, grid.data);

  // The run is a generator for the style tools, drawing from its last checkpoint.
  const source = studio.generators.sources().find((s) => 'runId' in s.ref && s.ref.runId === finished.id);
  assert.ok(source, 'the fine-tuned run is offered in Styles');
  const seeds = await studio.generators.seeds(GenerateSeedsRequest.parse({ source: { runId: finished.id }, seeds: [1, 2], psi: 0.7 }));
  assert.equal(seeds.images.length, 2);
  const png = await sharp(join(project.dir, seeds.images[0]!.path)).metadata();
  assert.deepEqual([png.width, png.height], [32, 32]);
});
