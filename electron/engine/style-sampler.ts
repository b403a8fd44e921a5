// Drawing images from a style-based network (StyleGAN2 or StyleGAN v1): latents from seeds (NumPy-compatible) or given,
// optional labels, truncation, noise mode, style mixing; in batches, as 8-bit pictures and as the
// generator's raw float output. Used by the CLI and by the engine's generation jobs.
import * as tf from './tf';
import type { NoiseMode, Weights } from './models/stylegan2-networks';
import { styleFamily, type StyleFamily } from './models/style-family';
import type { StyleNetworkConfig } from '../formats/stylegan-layout';
import { NumpyRandomState } from './nn/numpy-random';
import { slerp } from '../../shared/latent/interpolate';

export interface GenerateOptions {
  psi?: number;
  cutoff?: number | null;
  noise?: NoiseMode;
  /** One label vector per latent (a one-hot class), for a conditional network. */
  labels?: number[][];
  /** Or one label for every latent. */
  label?: number[];
  batch?: number;
}

export interface Generated {
  /** NHWC, 0–255, as NVIDIA converts: (x · 127.5 + 128) clamped, truncated. */
  images: Uint8Array[];
  /** NCHW float32, the generator's own output (about −1…1). */
  raw: Float32Array[];
}

/** z for each seed exactly as NVIDIA's generate.py draws it: RandomState(seed).randn(1, z_dim). */
export function seedLatents(seeds: number[], zDim: number): number[][] {
  return seeds.map((s) => Array.from(new NumpyRandomState(s).randn(zDim)));
}

export class StyleSampler {
  private readonly tensors: Map<string, tf.Tensor>;
  readonly weights: Weights;
  readonly family: StyleFamily;

  constructor(
    readonly config: StyleNetworkConfig,
    source: Map<string, { shape: number[]; data: Float32Array }>,
  ) {
    this.family = styleFamily(config);
    this.tensors = new Map([...source].map(([name, t]) => [name, tf.tensor(t.data, t.shape)]));
    this.weights = (name) => {
      const t = this.tensors.get(name);
      if (!t) throw new Error(`the network has no ${name}`);
      return t;
    };
  }

  private labelsFor(count: number, given?: number[][], label?: number[]): tf.Tensor2D | null {
    if (this.config.cDim === 0) return null;
    const labels = given ?? (label ? Array.from({ length: count }, () => label) : undefined);
    if (!labels || labels.length !== count)
      throw new Error(`this network is conditional on ${this.config.cDim} classes: give a label for every latent (--class or --c)`);
    if (labels.some((l) => l.length !== this.config.cDim)) throw new Error(`labels must have ${this.config.cDim} values`);
    return tf.tensor2d(labels);
  }

  /** W for each latent [N, numWs, wDim], truncated as asked. */
  ws(z: number[][], options: GenerateOptions = {}): tf.Tensor3D {
    return tf.tidy(() => {
      if (z.some((v) => v.length !== this.config.zDim)) throw new Error(`latents must have ${this.config.zDim} values (the network's z_dim)`);
      return this.family.mapping(this.weights, tf.tensor2d(z), this.labelsFor(z.length, options.labels, options.label), {
        psi: options.psi ?? 1,
        cutoff: options.cutoff ?? null,
      });
    });
  }

  /** Images from W vectors [N, numWs, wDim]. */
  async fromWs(ws: tf.Tensor3D, options: GenerateOptions = {}): Promise<Generated> {
    const out: Generated = { images: [], raw: [] };
    const batch = options.batch ?? 8;
    const r = this.config.resolution;
    const c = this.config.channels;
    for (let start = 0; start < ws.shape[0]; start += batch) {
      const count = Math.min(batch, ws.shape[0] - start);
      const [nchw, bytes] = tf.tidy(() => {
        const part = ws.slice([start, 0, 0], [count, -1, -1]) as tf.Tensor3D;
        const img = this.family.synthesis(this.weights, part, { noise: options.noise ?? 'const', randomNormal: (shape) => tf.randomNormal(shape) });
        const u8 = tf.floor(tf.clipByValue(tf.add(tf.mul(img, 127.5), 128), 0, 255));
        return [img.transpose([0, 3, 1, 2]), u8];
      });
      const rawData = (await nchw.data()) as Float32Array;
      const byteData = await bytes.data();
      tf.dispose([nchw, bytes]);
      for (let i = 0; i < count; i++) {
        out.raw.push(rawData.slice(i * c * r * r, (i + 1) * c * r * r));
        out.images.push(Uint8Array.from(byteData.subarray(i * r * r * c, (i + 1) * r * r * c)));
      }
    }
    return out;
  }

  async generate(z: number[][], options: GenerateOptions = {}): Promise<Generated> {
    const ws = this.ws(z, options);
    try {
      return await this.fromWs(ws, options);
    } finally {
      ws.dispose();
    }
  }

  /**
   * The style-mixing figure: for each row latent and column latent, the row's W with the column's W
   * at the given style layers (coarse 0–3, middle 4–7, fine 8 and up at 1024 px).
   */
  async styleMix(
    rows: number[][],
    cols: number[][],
    styles: number[],
    options: GenerateOptions = {},
  ): Promise<{ rows: Generated; cols: Generated; mixed: Generated[] }> {
    const n = this.family.numWs;
    const bad = styles.find((s) => s < 0 || s >= n);
    if (bad !== undefined) throw new Error(`style layer ${bad} does not exist: this network has layers 0–${n - 1}`);
    const rowWs = this.ws(rows, options);
    const colWs = this.ws(cols, options);
    try {
      const mixed: Generated[] = [];
      const mask = tf.tensor1d(Array.from({ length: n }, (_, i) => (styles.includes(i) ? 1 : 0))).reshape([1, n, 1]);
      for (let i = 0; i < rows.length; i++) {
        const ws = tf.tidy(() => {
          const base = tf.tile(rowWs.slice([i, 0, 0], [1, -1, -1]), [cols.length, 1, 1]);
          return tf.add(tf.mul(base, tf.sub(1, mask)), tf.mul(colWs, mask)) as tf.Tensor3D;
        });
        mixed.push(await this.fromWs(ws, options));
        ws.dispose();
      }
      mask.dispose();
      return { rows: await this.fromWs(rowWs, options), cols: await this.fromWs(colWs, options), mixed };
    } finally {
      tf.dispose([rowWs, colWs]);
    }
  }

  /**
   * Faces along the path from latent a to latent b: a straight line between their (truncated) W,
   * or the great circle between their z, mapped at each step.
   */
  async interpolate(a: number[], b: number[], positions: number[], space: 'w' | 'z', options: GenerateOptions = {}): Promise<Generated> {
    if (space === 'z')
      return this.generate(
        positions.map((t) => Array.from(slerp(a, b, t))),
        options,
      );
    const ends = this.ws([a, b], options);
    const ws = tf.tidy(() => {
      const [wa, wb] = tf.unstack(ends) as [tf.Tensor2D, tf.Tensor2D];
      return tf.stack(positions.map((t) => tf.add(wa, tf.mul(tf.sub(wb, wa), t)))) as tf.Tensor3D;
    });
    try {
      return await this.fromWs(ws, options);
    } finally {
      tf.dispose([ends, ws]);
    }
  }

  dispose(): void {
    for (const t of this.tensors.values()) t.dispose();
  }
}
