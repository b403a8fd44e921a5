// Adaptive discriminator augmentation (Karras et al. 2020, StyleGAN2-ADA) for small collections:
// every image D sees — real or generated — is augmented with probability p per transform, and p
// follows how sure D is of the reals: the mean sign of its real logits is pushed toward a target
// (0.6), p moving by the images seen over `adaKimg` thousand. Because the same augmentations
// apply to both, they do not leak into what G learns.
//
// The transforms are NVIDIA's 'bgc' set, with its distributions. Geometric: x-flip, 90°
// rotations, integer translation, isotropic scaling, arbitrary rotation (before and after an
// anisotropic scaling), fractional translation — composed into one matrix per image and applied
// by a single bilinear resampling with mirrored edges. Colour: brightness, contrast, luma flip, hue
// rotation, saturation — composed into one 4×4 matrix per image. Unlike NVIDIA, the resampling
// is not done at twice the resolution through a wavelet filter, so strong down-scaling aliases a
// little; D sees that in reals and fakes alike.
import * as tf from '../tf';
import type { Rng } from '../nn/rng';

export interface AdaSettings {
  target: number;
  /** Thousands of images over which p may move from 0 to 1. */
  adaKimg: number;
  /** Steps between adjustments of p (NVIDIA: 4). */
  interval: number;
}

export const ADA_DEFAULTS: AdaSettings = { target: 0.6, adaKimg: 500, interval: 4 };

/** A 2-D affine map as [a, b, c, d, e, f]: x' = a·x + b·y + c, y' = d·x + e·y + f. */
export type Affine = [number, number, number, number, number, number];
const IDENTITY: Affine = [1, 0, 0, 0, 1, 0];

/** m · n: apply n first, then m. */
function compose(m: Affine, n: Affine): Affine {
  return [
    m[0] * n[0] + m[1] * n[3],
    m[0] * n[1] + m[1] * n[4],
    m[0] * n[2] + m[1] * n[5] + m[2],
    m[3] * n[0] + m[4] * n[3],
    m[3] * n[1] + m[4] * n[4],
    m[3] * n[2] + m[4] * n[5] + m[5],
  ];
}
export const rotation = (a: number): Affine => [Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0];
export const scaling = (sx: number, sy: number): Affine => [sx, 0, 0, 0, sy, 0];
export const translation = (tx: number, ty: number): Affine => [1, 0, tx, 0, 1, ty];

/**
 * Per image, where each output pixel reads from, in pixels from the image centre. The
 * distributions are symmetric, so drawing the inverse map directly draws NVIDIA's forward one.
 */
function geometricMaps(n: number, size: number, p: number, rng: Rng): Affine[] {
  const maybe = (prob: number) => rng.next() < prob;
  // Rotation is applied twice; each with this probability makes one of them happen with p.
  const pRotate = 1 - Math.sqrt(1 - Math.min(p, 1));
  return Array.from({ length: n }, () => {
    let m = IDENTITY;
    if (maybe(p) && rng.next() < 0.5) m = compose(m, scaling(-1, 1));
    if (maybe(p)) m = compose(m, rotation((Math.PI / 2) * Math.floor(rng.next() * 4)));
    if (maybe(p)) m = compose(m, translation(Math.round((rng.next() * 2 - 1) * 0.125 * size), Math.round((rng.next() * 2 - 1) * 0.125 * size)));
    if (maybe(p)) {
      const s = 2 ** (0.2 * rng.normal());
      m = compose(m, scaling(s, s));
    }
    if (maybe(pRotate)) m = compose(m, rotation((rng.next() * 2 - 1) * Math.PI));
    if (maybe(p)) {
      const s = 2 ** (0.2 * rng.normal());
      m = compose(m, scaling(s, 1 / s));
    }
    if (maybe(pRotate)) m = compose(m, rotation((rng.next() * 2 - 1) * Math.PI));
    if (maybe(p)) m = compose(m, translation(0.125 * size * rng.normal(), 0.125 * size * rng.normal()));
    return m;
  });
}

const isIdentity = (m: Affine) => m.every((v, i) => Math.abs(v - IDENTITY[i]!) < 1e-9);

/** Torch's 'reflect' padding: −1 reads 1, size reads size − 2. */
function reflect(v: number, size: number): number {
  if (size === 1) return 0;
  const period = 2 * (size - 1);
  const m = ((v % period) + period) % period;
  return m > size - 1 ? period - m : m;
}

/** The four neighbours and bilinear weights of every output pixel's source, as rows of the flattened batch. */
function bilinearTaps(maps: Affine[], h: number, w: number): { indices: Int32Array[]; weights: Float32Array[] } {
  const count = maps.length * h * w;
  const indices = Array.from({ length: 4 }, () => new Int32Array(count));
  const weights = Array.from({ length: 4 }, () => new Float32Array(count));
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  maps.forEach((m, img) => {
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const u = x - cx;
        const v = y - cy;
        const sx = m[0] * u + m[1] * v + m[2] + cx;
        const sy = m[3] * u + m[4] * v + m[5] + cy;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        const at = (img * h + y) * w + x;
        const taps: [number, number, number][] = [
          [x0, y0, (1 - fx) * (1 - fy)],
          [x0 + 1, y0, fx * (1 - fy)],
          [x0, y0 + 1, (1 - fx) * fy],
          [x0 + 1, y0 + 1, fx * fy],
        ];
        taps.forEach(([tx, ty, weight], k) => {
          indices[k]![at] = (img * h + reflect(ty, h)) * w + reflect(tx, w);
          weights[k]![at] = weight;
        });
      }
  });
  return { indices, weights };
}

/** Σ_k rows[index_k] · weight_k: a sparse linear map as gathers, over rows [count, c]. */
function gatherSum(rows: tf.Tensor2D, indices: Int32Array[], weights: Float32Array[]): tf.Tensor2D {
  const count = indices[0]!.length;
  let out: tf.Tensor = tf.zeros([count, rows.shape[1]]);
  for (const [k, idx] of indices.entries()) out = tf.add(out, tf.mul(tf.gather(rows, tf.tensor1d(idx, 'int32')), tf.tensor2d(weights[k]!, [count, 1])));
  return out as tf.Tensor2D;
}

/**
 * The adjoint of the taps, as taps too: for every source row, the output rows that read it and
 * with what weight, padded to the most any row has (a padding tap reads row `rows`, a zero row).
 */
function transposedTaps(indices: Int32Array[], weights: Float32Array[], rows: number): { indices: Int32Array[]; weights: Float32Array[] } {
  const readers = Array.from({ length: rows }, () => [] as [number, number][]);
  for (const [k, idx] of indices.entries()) idx.forEach((src, out) => weights[k]![out] !== 0 && readers[src]!.push([out, weights[k]![out]!]));
  const most = Math.max(1, ...readers.map((r) => r.length));
  const tIndices = Array.from({ length: most }, () => new Int32Array(rows).fill(rows));
  const tWeights = Array.from({ length: most }, () => new Float32Array(rows));
  readers.forEach((list, src) =>
    list.forEach(([out, weight], j) => {
      tIndices[j]![src] = out;
      tWeights[j]![src] = weight;
    }),
  );
  return { indices: tIndices, weights: tWeights };
}

/**
 * Each image resampled through its map (output pixel → source pixel, from the centre). Its
 * gradient is the transposed warp, also gathers: tfjs differentiates a gather with a segment sum,
 * which the wasm backend does not have, and G's step differentiates the fakes' augmentation.
 */
export function warp(x: tf.Tensor4D, maps: Affine[]): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const rows = n * h * w;
  const { indices, weights } = bilinearTaps(maps, h, w);
  const warpRows = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: gatherSum(args[0] as tf.Tensor2D, indices, weights),
    gradFunc: (dy: tf.Tensor) => {
      const t = transposedTaps(indices, weights, rows);
      return gatherSum(tf.concat([dy, tf.zeros([1, c])]) as tf.Tensor2D, t.indices, t.weights);
    },
  }));
  return (warpRows(x.reshape([rows, c])) as tf.Tensor).reshape([n, h, w, c]) as tf.Tensor4D;
}

/** A 4×4 colour matrix (row-major) acting on [r, g, b, 1]. */
export type Colour = number[];
function mul4(a: Colour, b: Colour): Colour {
  const out = new Array<number>(16).fill(0);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) out[i * 4 + j]! += a[i * 4 + k]! * b[k * 4 + j]!;
  return out;
}
const eye4 = (): Colour => [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
/** The luma axis NVIDIA rotates and flips around: equal parts of r, g, b. */
const LUMA = [1, 1, 1].map((v) => v / Math.sqrt(3));
/** α·I + β·v·vᵀ + γ·[v]× on the colour part. */
function aroundLuma(alpha: number, beta: number, gamma: number): Colour {
  const [x, y, z] = LUMA as [number, number, number];
  const cross = [0, -z, y, z, 0, -x, -y, x, 0];
  const m = eye4();
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) m[i * 4 + j] = (i === j ? alpha : 0) + beta * LUMA[i]! * LUMA[j]! + gamma * cross[i * 3 + j]!;
  return m;
}

export const lumaFlip = (): Colour => aroundLuma(1, -2, 0);
/** Rodrigues' rotation by θ around the luma axis: hue turns, luma stays. */
export const hueRotation = (theta: number): Colour => aroundLuma(Math.cos(theta), 1 - Math.cos(theta), Math.sin(theta));
/** Distance from the luma axis scaled by s. */
export const saturation = (s: number): Colour => aroundLuma(s, 1 - s, 0);

function colourMatrices(n: number, channels: number, p: number, rng: Rng): Colour[] {
  const maybe = () => rng.next() < p;
  return Array.from({ length: n }, () => {
    let m = eye4();
    if (maybe()) {
      const b = 0.2 * rng.normal();
      m = mul4([1, 0, 0, b, 0, 1, 0, b, 0, 0, 1, b, 0, 0, 0, 1], m);
    }
    if (maybe()) {
      const s = 2 ** (0.5 * rng.normal());
      m = mul4([s, 0, 0, 0, 0, s, 0, 0, 0, 0, s, 0, 0, 0, 0, 1], m);
    }
    if (channels === 3) {
      // Luma flip: a reflection through the plane orthogonal to the luma axis.
      if (maybe() && rng.next() < 0.5) m = mul4(lumaFlip(), m);
      if (maybe()) m = mul4(hueRotation((rng.next() * 2 - 1) * Math.PI), m);
      if (maybe()) m = mul4(saturation(2 ** rng.normal()), m);
    }
    return m;
  });
}

/** Each image's pixels through its colour matrix. */
export function recolour(x: tf.Tensor4D, matrices: Colour[]): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const pixels = x.reshape([n, h * w, c]);
  if (c === 3) {
    const linear = tf.tensor3d(
      matrices.flatMap((m) => [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => m[i * 4 + j]!))),
      [n, 3, 3],
    );
    const offset = tf.tensor3d(
      matrices.flatMap((m) => [m[3]!, m[7]!, m[11]!]),
      [n, 1, 3],
    );
    return tf.add(tf.matMul(pixels, linear, false, true), offset).reshape([n, h, w, c]) as tf.Tensor4D;
  }
  // One channel: the grey value scaled by a row's total and shifted by its offset (NVIDIA's reduction).
  const gain = tf.tensor3d(
    matrices.map((m) => (m[0]! + m[1]! + m[2]! + m[4]! + m[5]! + m[6]! + m[8]! + m[9]! + m[10]!) / 3),
    [n, 1, 1],
  );
  const offset = tf.tensor3d(
    matrices.map((m) => (m[3]! + m[7]! + m[11]!) / 3),
    [n, 1, 1],
  );
  return tf.add(tf.mul(pixels, gain), offset).reshape([n, h, w, c]) as tf.Tensor4D;
}

/** Augments images NHWC in [-1, 1]; differentiable with respect to them (G learns through it). */
export function augment(x: tf.Tensor4D, p: number, rng: Rng): tf.Tensor4D {
  if (p <= 0) return x;
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    let y = x;
    const maps = geometricMaps(n, Math.min(h, w), p, rng);
    if (!maps.every(isIdentity)) y = warp(y, maps);
    const colours = colourMatrices(n, c, p, rng);
    if (!colours.every((m) => m.every((v, i) => v === eye4()[i]))) y = recolour(y, colours);
    return y;
  });
}

/** The next p: toward more augmentation when D is too sure of the reals (mean sign above target). */
export function adjustP(p: number, realSignMean: number, imagesSinceLast: number, settings: AdaSettings = ADA_DEFAULTS): number {
  const step = (Math.sign(realSignMean - settings.target) * imagesSinceLast) / (settings.adaKimg * 1000);
  return Math.min(1, Math.max(0, p + step));
}
