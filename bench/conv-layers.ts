// Every convolution path the models train and draw with, layer by layer, against the raw matrix
// product of the same shape on the same kernels: GMAC/s of the convolution (its useful
// multiply-adds: N·OH·OW·KH·KW·CI·CO; for a gradient through the FIR, the time of tf.grad, given
// the output's gradient (a random tensor, as the layer above would hand down), minus
// that of its forward pass) and of one plain GEMM with those M, N, K, and the ratio.
// Paths: DCGAN-64's transposed convolutions (the generator's forward pass), D's strided
// convolutions and both of their gradients; the progressive GAN's 3×3 convolutions; StyleGAN2's
// upsampling (transposed convolution + FIR), downsampling (FIR + strided convolution) and 3×3
// modulated convolutions, with their gradients.
//   node --import tsx bench/conv-layers.ts [--backend wasm] [--warmup 3] [--steps 20] [--repeats 3]
import { parseArgs } from 'node:util';
import * as tf from '../electron/engine/tf';
import { selectBackend, type BackendName } from '../electron/engine/backends';
import { conv2dResample, setupFilter } from '../electron/engine/nn/upfirdn';
import { mean, methodLine, rate } from './common';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    warmup: { type: 'string', default: '3' },
    steps: { type: 'string', default: '20' },
    repeats: { type: 'string', default: '3' },
  },
});
const warmup = Number(values.warmup);
const steps = Number(values.steps);
const repeats = Number(values.repeats);
const choice = await selectBackend(values.backend as BackendName, 'train');
const FIR = setupFilter([1, 3, 3, 1]);

interface Layer {
  name: string;
  /** Useful multiply-adds of one call. */
  macs: number;
  /** The plain product with the same M, N, K. */
  gemm: [number, number, number];
  run: () => tf.Tensor;
  /** For a gradient taken with tf.grad: its forward pass, whose time is taken off. */
  forward?: () => tf.Tensor;
}

/**
 * Layers whose inputs are made when they are measured and freed after: all of them at once would
 * not fit wasm's 4 GB heap.
 */
type LayerGroup = () => { layers: Layer[]; inputs: tf.Tensor[] };

type Shape4 = [number, number, number, number];
const normal = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

/** A stride-s convolution 'same' layer (k×k, ci→co) at input size h, and its two gradients. */
function convLayers(label: string, n: number, h: number, ci: number, co: number, k: number, s: number): LayerGroup {
  return () => {
    const oh = Math.ceil(h / s);
    const x = normal([n, h, h, ci], 1) as tf.Tensor4D;
    const w = normal([k, k, ci, co], 2) as tf.Tensor4D;
    const dy = normal([n, oh, oh, co], 3) as tf.Tensor4D;
    const macs = n * oh * oh * k * k * ci * co;
    const attrs = { strides: s, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };
    const layers: Layer[] = [
      { name: `${label} forward`, macs, gemm: [n * oh * oh, co, k * k * ci], run: () => tf.conv2d(x, w, s, 'same') },
      {
        name: `${label} input gradient`,
        macs,
        gemm: [n * h * h, ci, Math.round((k * k * co) / (s * s))],
        run: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape } as never) as tf.Tensor,
      },
      {
        name: `${label} filter gradient`,
        macs,
        gemm: [k * k * ci, co, n * oh * oh],
        run: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape } as never) as tf.Tensor,
      },
    ];
    return { layers, inputs: [x, w, dy] };
  };
}

/** A ×2 transposed convolution (k = 4, 'same'): how DCGAN's generator draws. */
function transposedLayer(label: string, n: number, h: number, ci: number, co: number): LayerGroup {
  return () => {
    const x = normal([n, h, h, ci], 4) as tf.Tensor4D;
    const w = normal([4, 4, co, ci], 5) as tf.Tensor4D;
    const out: Shape4 = [n, 2 * h, 2 * h, co];
    const layer: Layer = {
      name: `${label} (transposed)`,
      macs: n * h * h * 16 * ci * co,
      gemm: [n * 4 * h * h, co, 4 * ci],
      run: () => tf.conv2dTranspose(x, w, out, 2, 'same'),
    };
    return { layers: [layer], inputs: [x, w] };
  };
}

/** StyleGAN2's resampling convolutions (3×3, OIHW weights) through the FIR filter, and their input gradient. */
function resampleLayers(label: string, n: number, h: number, ci: number, co: number): LayerGroup {
  return () => {
    const w = normal([co, ci, 3, 3], 6) as tf.Tensor4D;
    const x = normal([n, h, h, ci], 7) as tf.Tensor4D;
    const xBig = normal([n, 2 * h, 2 * h, ci], 8) as tf.Tensor4D;
    const up = (v: tf.Tensor4D) => conv2dResample(v, w, FIR, { up: 2, padding: 1, flipWeight: false, transposed: true });
    const down = (v: tf.Tensor4D) => conv2dResample(v, w, FIR, { down: 2, padding: 1 });
    const flat = (v: tf.Tensor4D) => conv2dResample(v, w, FIR, { padding: 1 });
    const probeUp = normal([n, 2 * h, 2 * h, co], 9);
    const probeDown = normal([n, h, h, co], 10);
    const layers: Layer[] = [
      { name: `${label} up ×2: transposed conv + FIR`, macs: n * h * h * 9 * ci * co, gemm: [n * h * h, co, 9 * ci], run: () => up(x) },
      { name: `${label} down ÷2: FIR + strided conv`, macs: n * h * h * 9 * ci * co, gemm: [n * h * h, co, 9 * ci], run: () => down(xBig) },
      {
        name: `${label} down ÷2, input gradient (R1's first derivative)`,
        macs: n * h * h * 9 * ci * co,
        gemm: [n * h * h, co, 9 * ci],
        run: () => tf.grad((v: tf.Tensor) => down(v as tf.Tensor4D))(xBig, probeDown),
        forward: () => down(xBig),
      },
      { name: `${label} 3×3 at ${2 * h}²`, macs: n * 4 * h * h * 9 * ci * co, gemm: [n * 4 * h * h, co, 9 * ci], run: () => flat(xBig) },
      {
        name: `${label} up ×2, input gradient (G's backward pass)`,
        macs: n * h * h * 9 * ci * co,
        gemm: [n * h * h, co, 9 * ci],
        run: () => tf.grad((v: tf.Tensor) => up(v as tf.Tensor4D))(x, probeUp),
        forward: () => up(x),
      },
    ];
    return { layers, inputs: [w, x, xBig, probeUp, probeDown] };
  };
}

const groups: LayerGroup[] = [
  transposedLayer('DCGAN-64 G 4→8, 512→256, batch 64', 64, 4, 512, 256),
  transposedLayer('DCGAN-64 G 8→16, 256→128, batch 64', 64, 8, 256, 128),
  transposedLayer('DCGAN-64 G 16→32, 128→64, batch 64', 64, 16, 128, 64),
  transposedLayer('DCGAN-64 G 32→64, 64→3, batch 64', 64, 32, 64, 3),
  convLayers('DCGAN-64 D 64→32, 3→64, batch 64', 64, 64, 3, 64, 4, 2),
  convLayers('DCGAN-64 D 32→16, 64→128, batch 64', 64, 32, 64, 128, 4, 2),
  convLayers('DCGAN-64 D 16→8, 128→256, batch 64', 64, 16, 128, 256, 4, 2),
  convLayers('DCGAN-64 D 8→4, 256→512, batch 64', 64, 8, 256, 512, 4, 2),
  convLayers('ProGAN 3×3 at 32², 256→256, batch 16', 16, 32, 256, 256, 3, 1),
  convLayers('ProGAN 3×3 at 64², 128→128, batch 16', 16, 64, 128, 128, 3, 1),
  resampleLayers('StyleGAN2-256 64→128, 256→128, batch 8', 8, 64, 256, 128),
  resampleLayers('StyleGAN2-256 16→32, 512→512, batch 8', 8, 16, 512, 512),
];

/**
 * Waits for a result to be computed, without copying it out. On wasm and cpu every kernel has
 * finished when its call returns; on webgpu one value is read back. Reading the whole output
 * would time tfjs-wasm's copy of it out of its heap (about 190 ms for the 17 M floats of a
 * 128 px StyleGAN2 layer at batch 8, four times the GEMM's output), not the convolution.
 */
const settle: (out: tf.Tensor) => Promise<void> =
  choice.name === 'wasm' || choice.name === 'cpu'
    ? async () => {}
    : async (out) => {
        const one = tf.tidy(() => out.reshape([-1]).slice(0, 1));
        await one.data();
        one.dispose();
      };

/** Seconds per call of `run`, after the warm-up. */
async function seconds(run: () => tf.Tensor): Promise<number> {
  const call = async () => {
    const out = tf.tidy(run);
    await settle(out);
    out.dispose();
  };
  return 1 / (await rate(call, warmup, steps, 1));
}

/** GMAC/s of the layer: of its call, or of its backward pass alone (the call minus its forward). */
async function gmacs(macs: number, run: () => tf.Tensor, forward?: () => tf.Tensor): Promise<number> {
  const t = (await seconds(run)) - (forward ? await seconds(forward) : 0);
  return macs / t / 1e9;
}

console.log(
  `\nConvolutions against the raw GEMM of their shape on ${choice.name} (${choice.detail}); ${methodLine(warmup, steps, repeats)}; Node ${process.version}\n`,
);
console.log('| layer | GMAC per call | convolution GMAC/s | raw GEMM GMAC/s (M×N×K) | ratio | ≥ 70 % |');
console.log('|---|---:|---:|---:|---:|:-:|');
const ratios: number[] = [];
for (const group of groups) {
  const { layers, inputs } = group();
  for (const layer of layers) {
    const [m, n, k] = layer.gemm;
    const a = normal([m, k], 11);
    const b = normal([k, n], 12);
    const conv: number[] = [];
    const gemm: number[] = [];
    for (let r = 0; r < repeats; r++) {
      conv.push(await gmacs(layer.macs, layer.run, layer.forward));
      gemm.push(await gmacs(m * n * k, () => tf.matMul(a, b)));
    }
    tf.dispose([a, b]);
    const ratio = mean(conv) / mean(gemm);
    ratios.push(ratio);
    console.log(
      `| ${layer.name} | ${(layer.macs / 1e9).toFixed(2)} | ${mean(conv).toFixed(1)} (${Math.min(...conv).toFixed(1)}–${Math.max(...conv).toFixed(1)}) | ${mean(gemm).toFixed(1)} (${m}×${n}×${k}) | ${(ratio * 100).toFixed(0)} % | ${ratio >= 0.7 ? 'yes' : '**no**'} |`,
    );
  }
  tf.dispose(inputs);
}
console.log(`\n${ratios.filter((r) => r >= 0.7).length} of ${ratios.length} paths at ≥ 70 % of the raw GEMM.`);
