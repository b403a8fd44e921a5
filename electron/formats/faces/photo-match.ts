// Are two aligned face crops one photograph? A re-scan, a tighter crop or a recompressed copy of a
// picture aligns to nearly the same crop, but not exactly: landmarks found on a blurrier or
// smaller copy land a pixel or two away, the crop's edges reach outside a cropped picture
// differently, and a small source carries little detail. So the crops are compared
//
// - on their inner square only (the middle 60 %: the face, not the edges where pictures differ),
// - at the resolution the smaller face really has in its source (at most 128 px), both blurred
//   to it, so that one copy's extra detail or JPEG blocks count for nothing,
// - after registering the second onto the first (a shift search, then scale and rotation),
//
// and judged by two numbers: the registered correlation, and the residual — the largest local
// difference left (the 99th percentile of |a − b| over small blocks, in units of the face's
// contrast). A copy leaves only noise; the same sitter photographed again in the same session
// with another expression leaves a coherent difference around the mouth and eyes, which a single
// correlation over the face hides.
//
// Measured by bench/duplicates.ts (bench/RESULTS.md): planted re-scans, crops and recompressions
// of archival portraits against expressions204's same-session neutral/smiling pairs.

/** The side every crop is read at before blurring to the pair's own resolution. */
export const READ_SIDE = 128;
/** Half of the compared square's side, in crop units (the middle 60 %). */
const INNER = 0.3;
/** A registered correlation below this after the shift search cannot reach a duplicate's. */
const HOPELESS = 0.85;
/** The coarse signature's side: a cheap first look that rules out most pairs. */
const SIGNATURE = 16;

/** A separable Gaussian blur of a side×side grey image (edges clamped). */
export function blur(image: Float32Array, side: number, sigma: number): Float32Array {
  if (sigma < 0.3) return image;
  const radius = Math.ceil(sigma * 3);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  const pass = (src: Float32Array, horizontal: boolean) => {
    const out = new Float32Array(src.length);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        let v = 0;
        for (let k = -radius; k <= radius; k++) {
          const xx = horizontal ? Math.min(side - 1, Math.max(0, x + k)) : x;
          const yy = horizontal ? y : Math.min(side - 1, Math.max(0, y + k));
          v += src[yy * side + xx]! * kernel[k + radius]!;
        }
        out[y * side + x] = v / total;
      }
    }
    return out;
  };
  return pass(pass(image, true), false);
}

/** Bilinear value at (u, v) in crop units (0–1), edges clamped. */
function at(image: Float32Array, u: number, v: number): number {
  const side = READ_SIDE;
  const x = Math.min(side - 1.001, Math.max(0, u * side - 0.5));
  const y = Math.min(side - 1.001, Math.max(0, v * side - 0.5));
  const [x0, y0] = [Math.floor(x), Math.floor(y)];
  const [fx, fy] = [x - x0, y - y0];
  const i = y0 * side + x0;
  return (image[i]! * (1 - fx) + image[i + 1]! * fx) * (1 - fy) + (image[i + side]! * (1 - fx) + image[i + side + 1]! * fx) * fy;
}

interface Pose {
  scale: number;
  dx: number;
  dy: number;
  angle: number;
}

/** The inner square sampled n×n, after moving the crop by `pose` about its centre. */
function innerSquare(image: Float32Array, n: number, pose: Pose): Float32Array {
  const out = new Float32Array(n * n);
  const [c, s] = [Math.cos(pose.angle) * pose.scale, Math.sin(pose.angle) * pose.scale];
  for (let j = 0; j < n; j++) {
    const v = -INNER + (2 * INNER * (j + 0.5)) / n;
    for (let i = 0; i < n; i++) {
      const u = -INNER + (2 * INNER * (i + 0.5)) / n;
      out[j * n + i] = at(image, 0.5 + c * u - s * v + pose.dx, 0.5 + s * u + c * v + pose.dy);
    }
  }
  return out;
}

function centred(values: Float32Array): { values: Float32Array; norm: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const out = Float32Array.from(values, (v) => v - mean);
  return { values: out, norm: Math.sqrt(out.reduce((a, b) => a + b * b, 0)) || 1 };
}

/** A cheap signature of a crop (read at READ_SIDE): its inner square, blurred to 16 px, centred and normalised. */
export function signature(image: Float32Array): Float32Array {
  const blurred = blur(image, READ_SIDE, (0.5 * READ_SIDE) / SIGNATURE);
  const { values, norm } = centred(innerSquare(blurred, SIGNATURE, { scale: 1, dx: 0, dy: 0, angle: 0 }));
  return values.map((v) => v / norm);
}

/** Correlation of two signatures, unregistered: pairs below a loose bound need no closer look. */
export function signatureCorrelation(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

export interface PhotoMatch {
  /** Correlation of the inner squares after registration. */
  correlation: number;
  /** The largest local difference left (see above), in units of the first face's contrast. */
  residual: number;
  /** The resolution compared at, px. */
  side: number;
}

/** The correlation of a centred reference with `image` moved by `pose`, sampled on the fly (no arrays: it runs hundreds of times a pair). */
function correlateAt(ref: { values: Float32Array; norm: number }, image: Float32Array, n: number, pose: Pose): number {
  const [c, s] = [Math.cos(pose.angle) * pose.scale, Math.sin(pose.angle) * pose.scale];
  let [sum, squares, dot] = [0, 0, 0];
  for (let j = 0; j < n; j++) {
    const v = -INNER + (2 * INNER * (j + 0.5)) / n;
    for (let i = 0; i < n; i++) {
      const u = -INNER + (2 * INNER * (i + 0.5)) / n;
      const b = at(image, 0.5 + c * u - s * v + pose.dx, 0.5 + s * u + c * v + pose.dy);
      sum += b;
      squares += b * b;
      dot += ref.values[j * n + i]! * b;
    }
  }
  const spread = Math.sqrt(Math.max(squares - (sum * sum) / (n * n), 1e-9));
  return dot / (ref.norm * spread);
}

/** The correlation and the residual of a registered pair. */
function compare(ref: { values: Float32Array; norm: number }, moved: Float32Array, n: number): PhotoMatch {
  const b = centred(moved);
  let dot = 0;
  for (let i = 0; i < moved.length; i++) dot += ref.values[i]! * b.values[i]!;
  const correlation = dot / (ref.norm * b.norm);
  // The residual after fitting b's gain to a (brightness and contrast differ between scans).
  const gain = dot / (b.norm * b.norm);
  const spread = ref.norm / Math.sqrt(moved.length);
  const diff = Float32Array.from(ref.values, (v, i) => Math.abs(v - gain * b.values[i]!) / spread);
  const k = Math.max(1, Math.round(n / 25));
  const blocks: number[] = [];
  for (let y = k; y < n - k; y++) {
    for (let x = k; x < n - k; x++) {
      let t = 0;
      for (let yy = -k; yy <= k; yy++) for (let xx = -k; xx <= k; xx++) t += diff[(y + yy) * n + x + xx]!;
      blocks.push(t / (2 * k + 1) ** 2);
    }
  }
  blocks.sort((p, q) => p - q);
  return { correlation, residual: blocks[Math.floor(0.99 * blocks.length)] ?? Infinity, side: 0 };
}

/**
 * How well crop `b` matches crop `a` (both read at READ_SIDE), compared at `side` px — the smaller
 * face's own resolution. `blurred` gives each crop blurred for a side (cached by the caller).
 */
export function matchPhotos(blurredA: Float32Array, blurredB: Float32Array, side: number): PhotoMatch {
  const n = Math.max(8, Math.round(side * 2 * INNER));
  const still: Pose = { scale: 1, dx: 0, dy: 0, angle: 0 };
  const ref = centred(innerSquare(blurredA, n, still));
  // The search runs at half the resolution, its last refinement at the full one.
  const coarse = { n: Math.max(8, Math.round(n / 2)), ref: centred(innerSquare(blurredA, Math.max(8, Math.round(n / 2)), still)) };
  let level = coarse;
  const step = 1 / side;
  let pose: Pose = still;
  let best = correlateAt(level.ref, blurredB, level.n, pose);
  const tryPose = (p: Pose) => {
    const c = correlateAt(level.ref, blurredB, level.n, p);
    if (c > best) [best, pose] = [c, p];
  };
  // Landmarks on two copies land within a few pixels of each other: shifts first, then scale and
  // rotation about the best shift, twice, each with half-pixel shifts around it.
  for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) tryPose({ scale: 1, dx: dx * step, dy: dy * step, angle: 0 });
  // Far from alike even at the best shift: scale and rotation will not make it one photograph.
  if (best < HOPELESS) return { ...compare(ref, innerSquare(blurredB, n, pose), n), side };
  for (const [scales, angles] of [
    [
      [0.95, 0.975, 1, 1.025, 1.05],
      [-0.04, -0.02, 0, 0.02, 0.04],
    ],
    [
      [0.985, 1, 1.015],
      [-0.01, 0, 0.01],
    ],
  ] as const) {
    if (scales.length === 3) {
      level = { n, ref };
      best = correlateAt(ref, blurredB, n, pose);
    }
    const base = pose;
    for (const scale of scales)
      for (const angle of angles)
        for (const ddx of [-0.5, 0, 0.5])
          for (const ddy of [-0.5, 0, 0.5])
            tryPose({ scale: base.scale * scale, dx: base.dx + ddx * step, dy: base.dy + ddy * step, angle: base.angle + angle });
  }
  return { ...compare(ref, innerSquare(blurredB, n, pose), n), side };
}

/** The blur that brings a READ_SIDE crop down to `side` px of real detail. */
export function blurFor(side: number): number {
  return (0.5 * READ_SIDE) / side;
}
