// StyleGAN (v1) in tfjs against a NumPy implementation of NVIDIA's published architecture
// (tests/fixtures/stylegan-v1/make_fixture.py, which also wrote the two fixture pickles in
// NVlabs/stylegan's TensorFlow layout): the imported generators must draw its images for the same
// seeds — with the stored noise, truncated with the network's own ψ and cutoff and untruncated — and
// the discriminators give its scores, on both fused (strided 4×4) and separate resampling, with labels.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import { discriminator } from '../../electron/engine/models/stylegan-networks';
import { StyleSampler, seedLatents } from '../../electron/engine/style-sampler';
import { fusedAt, isStyleGanV1, type StyleGanConfig } from '../../electron/formats/stylegan-layout';
import { readNetworkPickle, type ImportedNetwork } from '../../electron/services/exchange/pickle/stylegan2-pickle';
import { repoRoot } from '../helpers';

const dir = join(repoRoot, 'tests', 'fixtures', 'stylegan-v1');
type Outputs = { images: number[][]; scores: number[] };
const reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Record<
  string,
  { seeds: number[]; classes: number[]; psi: number; cutoff: number; truncated: Outputs; untruncated: Outputs }
>;

const read = (name: string) => readNetworkPickle(readFileSync(join(dir, `${name}.pkl`)), `${name}.pkl`);
const asMap = (net: ImportedNetwork) => new Map([...net.tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array }]));

function maxAbsError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

test('the v1 fixtures are read as StyleGAN (v1) with the settings their kwargs and shapes give', () => {
  const tiny = read('sg1-tiny-32-tf');
  assert.equal(tiny.format, 'stylegan-tensorflow');
  const config = (tiny as { config: StyleGanConfig }).config;
  assert.ok(isStyleGanV1(config));
  assert.deepEqual(
    {
      r: config.resolution,
      z: config.zDim,
      w: config.wDim,
      c: config.cDim,
      layers: config.mappingLayers,
      fused: config.fusedScale,
      psi: config.truncationPsi,
      cutoff: config.truncationCutoff,
    },
    { r: 32, z: 32, w: 32, c: 0, layers: 4, fused: true, psi: 0.7, cutoff: 4 },
  );
  // Only the finished network is kept: the lower levels' ToRGB layers and lod are left out.
  assert.ok(![...tiny.G_ema.tensors.keys()].some((n) => /ToRGB_lod[1-9]|lod$/.test(n)));
  const cond = read('sg1-cond-16-tf') as { config: StyleGanConfig };
  assert.equal(cond.config.cDim, 3);
  assert.equal(cond.config.fusedScale, 'auto');
  // 'auto' fuses from 128 px, as NVIDIA's code decides.
  assert.deepEqual([fusedAt('auto', 64), fusedAt('auto', 128), fusedAt('auto', 1024)], [false, true, true]);
});

for (const [name, backend] of [
  ['sg1-tiny-32-tf', 'cpu'],
  ['sg1-tiny-32-tf', 'wasm'],
  ['sg1-cond-16-tf', 'cpu'],
] as const) {
  test(`${name} on ${backend}: images (ψ ${reference[name]!.psi} on the first ${reference[name]!.cutoff} styles, and ψ 1) and D's scores match the NumPy reference`, async () => {
    await selectBackend(backend);
    const ref = reference[name]!;
    const net = read(name) as ReturnType<typeof read> & { config: StyleGanConfig };
    const sampler = new StyleSampler(net.config, asMap(net.G_ema));
    const dTensors = new Map([...net.D!.tensors].map(([n, t]) => [n, tf.tensor(t.data as Float32Array, t.shape)]));
    try {
      const z = seedLatents(ref.seeds, net.config.zDim);
      const labels = net.config.cDim ? ref.classes.map((k) => Array.from({ length: net.config.cDim }, (_, i) => (i === k ? 1 : 0))) : undefined;
      for (const [key, psi] of [
        ['truncated', ref.psi],
        ['untruncated', 1],
      ] as const) {
        // No cutoff given: the network's own (truncation_cutoff in its kwargs), as NVIDIA's Gs applies it.
        const out = await sampler.generate(z, { psi, noise: 'const', ...(labels ? { labels } : {}) });
        const expected = ref[key];
        for (const [i, raw] of out.raw.entries()) {
          const err = maxAbsError(raw, expected.images[i]!);
          assert.ok(err <= 1e-3, `${key} image ${i} differs by ${err}`);
        }
        const scores = tf.tidy(() => {
          const images = tf
            .stack(expected.images.map((im) => tf.tensor(im, [net.config.channels, net.config.resolution, net.config.resolution])))
            .transpose([0, 2, 3, 1]);
          return discriminator((n) => dTensors.get(n)!, net.config, images as tf.Tensor4D, labels ? tf.tensor2d(labels) : null);
        });
        const err = maxAbsError(await scores.data(), expected.scores);
        scores.dispose();
        assert.ok(err <= 1e-3, `${key}: D's scores differ by ${err}`);
      }
      // The comparison is not trivially passed: truncation changes the pictures.
      assert.ok(maxAbsError(ref.truncated.images[0]!, ref.untruncated.images[0]!) > 0.05);
    } finally {
      sampler.dispose();
      tf.dispose([...dTensors.values()]);
    }
  });
}

test('a v1 network still growing (lod ≠ 0) is refused by name', () => {
  assert.throws(
    () => readNetworkPickle(withLod(readFileSync(join(dir, 'sg1-tiny-32-tf.pkl')), 1.5), 'growing.pkl'),
    /still growing \(its level of detail is 1\.5/,
  );
});

/** The fixture with every 'lod' variable set to `value`: the only float32 scalars in it, each pickled as SHORT_BINBYTES of 4 zero bytes. */
function withLod(buf: Buffer, value: number): Buffer {
  const out = Buffer.from(buf);
  const scalarZero = Buffer.from([0x43, 4, 0, 0, 0, 0]);
  let changed = 0;
  for (let at = out.indexOf(scalarZero); at >= 0; at = out.indexOf(scalarZero, at + 6)) {
    out.writeFloatLE(value, at + 2);
    changed++;
  }
  assert.ok(changed > 0);
  return out;
}
