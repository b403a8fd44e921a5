// Speed never costs quality: DCGAN trained on the 600 archival portraits for the same number of
// images by Leporello (`leporello train`, its engine and kernels) and by the PyTorch DCGAN example
// (bench/dcgan_quality_torch.py, Debian's python3-torch), same data, same hyper-parameters (batch
// 64, Adam 2e-4 β 0.5/0.999, nz 100, ngf = ndf = 64, no flips), several seeds each; then every
// model's pictures scored against the real portraits with Leporello's metrics (SWD; KID, FD,
// precision and recall on face descriptors) in this one process, the same code for both.
// Leporello's models must be as good as PyTorch's within the seeds' spread.
//   node --import tsx bench/quality.ts [--resolution 32] [--kimg 20] [--seeds 3] [--first-seed 1] [--samples 256] [--backend wasm]
//     [--sides leporello,pytorch]   (one side alone: its scores, to try a change quickly; the comparison needs both)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { selectBackend, type BackendName } from '../electron/engine/backends';
import { loadFaceFeatures } from '../electron/engine/latent/face-features';
import { measure } from '../electron/engine/metrics/quality';
import * as tf from '../electron/engine/tf';
import { mean } from './common';
import { leporelloCli } from './leporello-cli';

const { values } = parseArgs({
  options: {
    resolution: { type: 'string', default: '32' },
    kimg: { type: 'string', default: '20' },
    seeds: { type: 'string', default: '3' },
    'first-seed': { type: 'string', default: '1' },
    samples: { type: 'string', default: '256' },
    backend: { type: 'string', default: 'wasm' },
    sides: { type: 'string', default: 'leporello,pytorch' },
  },
});
const sides = new Set(values.sides.split(','));
const r = Number(values.resolution);
const images = Number(values.kimg) * 1000;
const samples = Number(values.samples);
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i + Number(values['first-seed']));
const root = join(import.meta.dirname, '..');
const cli = leporelloCli('quality');

/** The python3 that has torch: the one on PATH, else Debian's. */
function python(): string {
  for (const p of ['python3', '/usr/bin/python3']) if (spawnSync(p, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0) return p;
  throw new Error('no python3 with torch here (apt install python3-torch)');
}

const split = (all: Uint8Array, n: number) => Array.from({ length: n }, (_, i) => all.subarray((i * all.length) / n, ((i + 1) * all.length) / n));

interface Scored {
  side: 'Leporello' | 'PyTorch';
  seed: number;
  trainSeconds: number;
  values: Record<string, number>;
}

try {
  const { project, dataset } = cli.portraitProject(r);
  const datasetFile = join(project, dataset.path, 'images.u8');
  const reals = split(new Uint8Array(readFileSync(datasetFile)), dataset.imageCount);
  const py = python();

  const fakes: { side: Scored['side']; seed: number; trainSeconds: number; pictures: Uint8Array[] }[] = [];
  for (const seed of seeds) {
    if (sides.has('leporello')) await trainLeporello(seed);
    if (sides.has('pytorch')) trainPyTorch(seed);
  }

  async function trainLeporello(seed: number): Promise<void> {
    const name = `leporello-${seed}`;
    const kimg = String(images / 1000);
    const trained = cli.trainDcgan(
      project,
      dataset.name,
      '--kimg',
      kimg,
      '--checkpoint-every',
      kimg,
      '--witnesses',
      '16',
      '--seed',
      String(seed),
      '--backend',
      values.backend,
      '--name',
      name,
    );
    const dir = join(cli.base, name);
    cli.run('sample', project, '--run', name, '--count', String(samples), '--seed', '12345', '--out', dir);
    const pictures: Uint8Array[] = [];
    for (const f of readdirSync(dir).sort()) pictures.push(new Uint8Array(await sharp(join(dir, f)).removeAlpha().raw().toBuffer()));
    fakes.push({ side: 'Leporello', seed, trainSeconds: trained.seconds, pictures });
  }

  function trainPyTorch(seed: number): void {
    const out = join(cli.base, `torch-${seed}.u8`);
    const res = spawnSync(
      py,
      [
        join(root, 'bench', 'dcgan_quality_torch.py'),
        datasetFile,
        String(dataset.imageCount),
        String(r),
        String(images),
        '64',
        String(seed),
        String(samples),
        out,
        '2',
      ],
      { encoding: 'utf8' },
    );
    if (res.status !== 0) throw new Error(`dcgan_quality_torch.py: ${res.stderr.trim().split('\n').at(-1)}`);
    const torch = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as { seconds: number };
    fakes.push({ side: 'PyTorch', seed, trainSeconds: torch.seconds, pictures: split(new Uint8Array(readFileSync(out)), samples) });
  }

  // Scored in this process, the same metric code for both sides.
  const choice = await selectBackend(values.backend as BackendName, 'sample');
  const features = await loadFaceFeatures();
  const describe = async (pictures: Uint8Array[]) => {
    const out: Float32Array[] = [];
    for (let i = 0; i < pictures.length; i += 16) {
      const part = pictures.slice(i, i + 16);
      const flat = new Float32Array(part.length * r * r * 3);
      part.forEach((p, k) => flat.set(p, k * r * r * 3));
      const d = tf.tidy(() => features(tf.sub(tf.div(tf.tensor4d(flat, [part.length, r, r, 3]), 127.5), 1) as tf.Tensor4D));
      const data = (await d.data()) as Float32Array;
      d.dispose();
      for (let k = 0; k < part.length; k++) out.push(data.slice(k * 128, (k + 1) * 128));
    }
    return out;
  };
  const realFeatures = await describe(reals);
  const scored: Scored[] = [];
  for (const f of fakes) {
    const m = measure(['swd', 'kid', 'fd', 'pr'], {
      reals,
      fakes: f.pictures,
      resolution: r,
      channels: 3,
      realFeatures,
      fakeFeatures: await describe(f.pictures),
      seed: 0x5d0,
    });
    scored.push({ side: f.side, seed: f.seed, trainSeconds: f.trainSeconds, values: m.values });
  }

  const names = ['swd', 'kid-face', 'fd-face', 'precision-face', 'recall-face'];
  const lowerIsBetter = new Set(['swd', 'kid-face', 'fd-face']);
  console.log(
    `\nDCGAN at ${r} px on the 600 archival portraits, ${images} images (batch 64), ${seeds.length} seeds each; ${samples} pictures per model against all ${reals.length} real ones; scored on ${choice.name}; Node ${process.version}\n`,
  );
  console.log('| model | seed | train s | SWD ×10³ | KID (face) | FD (face) | precision (face) | recall (face) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of scored)
    console.log(`| ${s.side} | ${s.seed} | ${s.trainSeconds.toFixed(0)} | ${names.map((n) => s.values[n]!.toFixed(n === 'kid-face' ? 5 : 3)).join(' | ')} |`);
  console.log('\n| metric | Leporello mean (min–max) | PyTorch mean (min–max) | Leporello as good within the spread |');
  console.log('|---|---:|---:|:-:|');
  for (const n of names) {
    const side = (w: Scored['side']) => scored.filter((s) => s.side === w).map((s) => s.values[n]!);
    const [l, p] = [side('Leporello'), side('PyTorch')];
    if (l.length === 0 || p.length === 0) continue;
    const fmt = (xs: number[]) =>
      `${mean(xs).toFixed(n === 'kid-face' ? 5 : 3)} (${Math.min(...xs).toFixed(n === 'kid-face' ? 5 : 3)}–${Math.max(...xs).toFixed(n === 'kid-face' ? 5 : 3)})`;
    // As good: Leporello's mean no worse than PyTorch's worst seed.
    const ok = lowerIsBetter.has(n) ? mean(l) <= Math.max(...p) : mean(l) >= Math.min(...p);
    console.log(`| ${n} (${lowerIsBetter.has(n) ? 'lower' : 'higher'} is better) | ${fmt(l)} | ${fmt(p)} | ${ok ? 'yes' : '**no**'} |`);
  }
  // Unrounded, so that runs of other seeds can be combined with the same rule.
  console.log(`\nscores: ${JSON.stringify(scored.map(({ side, seed, values: v }) => ({ side, seed, ...Object.fromEntries(names.map((n) => [n, v[n]])) })))}`);
} finally {
  cli.remove();
}
