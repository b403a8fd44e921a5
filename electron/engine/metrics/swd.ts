// Sliced Wasserstein distance between two sets of images, as the progressive-growing paper measures
// it (Karras et al. 2018, appendix D): a Laplacian pyramid from the images' side down to 16 px,
// 128 random 7×7 neighbourhoods per image and level, each channel normalised over the set, and
// 128 random directions repeated 4 times. Distances are reported ×10³, per level and averaged.
// It needs no trained network, so it is the one quality metric that works fully offline.
import { Rng } from '../nn/rng';

export const SWD_SETTINGS = { neighbourhood: 7, perImage: 128, directions: 128, repeats: 4, smallest: 16 } as const;

export interface SwdResult {
  /** One distance ×10³ per pyramid level, from the images' own side down to 16 px. */
  levels: { resolution: number; value: number }[];
  average: number;
}

/** One channel of one image: side × side floats. */
type Plane = Float32Array;

// cv2.pyrDown's 5×5 binomial filter, separable: [1 4 6 4 1] / 16 in each direction.
const TAPS = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16];

/** scipy.ndimage's "mirror" edge: reflected about the edge pixel, which is not repeated (d c b | a b c d | c b a). */
function mirror(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

/** The 5×5 binomial filter times `gain`, with mirrored edges, on an n × n plane. */
function blur(p: Plane, n: number, gain: number): Plane {
  const rows = new Float32Array(n * n);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      let s = 0;
      for (let k = -2; k <= 2; k++) s += TAPS[k + 2]! * p[y * n + mirror(x + k, n)]!;
      rows[y * n + x] = s;
    }
  const out = new Float32Array(n * n);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      let s = 0;
      for (let k = -2; k <= 2; k++) s += TAPS[k + 2]! * rows[mirror(y + k, n) * n + x]!;
      out[y * n + x] = s * gain;
    }
  return out;
}

/** Blur, then keep every second pixel: n → n/2. */
export function pyrDown(p: Plane, n: number): Plane {
  const b = blur(p, n, 1);
  const h = n / 2;
  const out = new Float32Array(h * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < h; x++) out[y * h + x] = b[2 * y * n + 2 * x]!;
  return out;
}

/** Zeros between the pixels, then the filter ×4 (so that the mean is kept): n → 2n. */
export function pyrUp(p: Plane, n: number): Plane {
  const m = 2 * n;
  const z = new Float32Array(m * m);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) z[2 * y * m + 2 * x] = p[y * n + x]!;
  return blur(z, m, 4);
}

/** The Laplacian pyramid of one plane: band-pass levels, then the smallest Gaussian level. */
export function laplacianPyramid(p: Plane, n: number, levels: number): Plane[] {
  const gaussians = [p];
  for (let i = 1; i < levels; i++) gaussians.push(pyrDown(gaussians[i - 1]!, n >> (i - 1)));
  return gaussians.map((g, i) => {
    if (i === levels - 1) return g;
    const up = pyrUp(gaussians[i + 1]!, n >> (i + 1));
    return g.map((v, k) => v - up[k]!);
  });
}

/** The sides measured for images of side r: r, r/2, … down to 16. */
export function swdResolutions(r: number): number[] {
  const out: number[] = [];
  for (let s = r; s >= SWD_SETTINGS.smallest; s = Math.floor(s / 2)) out.push(s);
  return out;
}

/**
 * Per level, the normalised neighbourhood descriptors of a set of NHWC uint8 images (side r,
 * c channels), `perImage` per image at centres drawn from rng: rows of c·7·7 floats.
 */
export function swdDescriptors(images: Uint8Array[], r: number, c: number, rng: Rng, perImage: number = SWD_SETTINGS.perImage): Float32Array[] {
  const sides = swdResolutions(r);
  const k = SWD_SETTINGS.neighbourhood;
  const half = k >> 1;
  const dim = c * k * k;
  const n = images.length * perImage;
  const out = sides.map(() => new Float32Array(n * dim));
  images.forEach((img, i) => {
    const planes = Array.from({ length: c }, (_, ch) => {
      const p = new Float32Array(r * r);
      for (let q = 0; q < r * r; q++) p[q] = img[q * c + ch]!;
      return laplacianPyramid(p, r, sides.length);
    });
    sides.forEach((s, level) => {
      const desc = out[level]!;
      for (let j = 0; j < perImage; j++) {
        // Centres in [half, s - half), as the paper's code draws them.
        const cx = half + Math.floor(rng.next() * (s - 2 * half));
        const cy = half + Math.floor(rng.next() * (s - 2 * half));
        let o = (i * perImage + j) * dim;
        for (let ch = 0; ch < c; ch++) {
          const p = planes[ch]![level]!;
          for (let dy = -half; dy <= half; dy++) for (let dx = -half; dx <= half; dx++) desc[o++] = p[(cy + dy) * s + cx + dx]!;
        }
      }
    });
  });
  // Each channel to zero mean and unit deviation over the whole set (all neighbourhoods and pixels).
  for (const desc of out)
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      let sq = 0;
      for (let row = 0; row < n; row++) for (let q = 0; q < k * k; q++) sum += desc[row * dim + ch * k * k + q]!;
      const mean = sum / (n * k * k);
      for (let row = 0; row < n; row++) for (let q = 0; q < k * k; q++) sq += (desc[row * dim + ch * k * k + q]! - mean) ** 2;
      const std = Math.sqrt(sq / (n * k * k)) || 1;
      for (let row = 0; row < n; row++)
        for (let q = 0; q < k * k; q++) {
          const at = row * dim + ch * k * k + q;
          desc[at] = (desc[at]! - mean) / std;
        }
    }
  return out;
}

/** Unit-length random directions in `dim` dimensions. */
export function randomDirections(count: number, dim: number, rng: Rng): Float32Array[] {
  return Array.from({ length: count }, () => {
    const d = rng.normals(dim);
    const norm = Math.sqrt(d.reduce((s, v) => s + v * v, 0)) || 1;
    return d.map((v) => v / norm);
  });
}

/** Each descriptor's projection on a direction, sorted. */
function sortedProjection(desc: Float32Array, dim: number, dir: Float32Array): Float32Array {
  const n = desc.length / dim;
  const out = new Float32Array(n);
  for (let row = 0; row < n; row++) {
    let s = 0;
    for (let q = 0; q < dim; q++) s += desc[row * dim + q]! * dir[q]!;
    out[row] = s;
  }
  return out.sort();
}

/**
 * The 1-D Wasserstein-1 distance between two sorted samples: the mean gap between their quantile
 * functions at Q = max(size) evenly spaced points. For equal sizes that is the mean of |a_i − b_i|,
 * the paper's formula; unequal sizes (all real portraits against fewer generated ones) are allowed.
 */
export function wasserstein1(a: Float32Array, b: Float32Array): number {
  const q = Math.max(a.length, b.length);
  let s = 0;
  for (let j = 0; j < q; j++) {
    const t = (j + 0.5) / q;
    s += Math.abs(a[Math.floor(t * a.length)]! - b[Math.floor(t * b.length)]!);
  }
  return s / q;
}

/** Mean over directions of the 1-D distance between the two sets' projections. */
export function slicedWasserstein(a: Float32Array, b: Float32Array, dim: number, dirs: Float32Array[]): number {
  return dirs.reduce((s, d) => s + wasserstein1(sortedProjection(a, dim, d), sortedProjection(b, dim, d)), 0) / dirs.length;
}

/**
 * SWD between real and generated NHWC uint8 images of side r with c channels. The seed fixes the
 * neighbourhoods and directions, so that checkpoints measured with the same seed are comparable.
 */
export function swd(reals: Uint8Array[], fakes: Uint8Array[], r: number, c: number, seed = 0x5d0): SwdResult {
  const rng = new Rng(seed);
  const a = swdDescriptors(reals, r, c, rng);
  const b = swdDescriptors(fakes, r, c, rng);
  const dim = c * SWD_SETTINGS.neighbourhood ** 2;
  const levels = swdResolutions(r).map((resolution, level) => {
    let sum = 0;
    for (let rep = 0; rep < SWD_SETTINGS.repeats; rep++)
      sum += slicedWasserstein(a[level]!, b[level]!, dim, randomDirections(SWD_SETTINGS.directions, dim, rng));
    return { resolution, value: (sum / SWD_SETTINGS.repeats) * 1e3 };
  });
  return { levels, average: levels.reduce((s, l) => s + l.value, 0) / levels.length };
}

/**
 * SWD against one fixed set of real portraits whose side is prepared once — their neighbourhoods,
 * the directions and the real projections, sorted — so that each later set of generated pictures
 * costs only its own descriptors and projections: the quick measurement at every checkpoint.
 */
/** Rows of `desc` (each `dim` floats) projected on each direction, each projection sorted. */
export type Projector = (desc: Float32Array, dim: number, dirs: Float32Array[]) => Promise<Float32Array[]>;

const projectInJs: Projector = async (desc, dim, dirs) => dirs.map((d) => sortedProjection(desc, dim, d));

export class SwdReference {
  private readonly levels: { resolution: number; dirs: Float32Array[]; sorted: Float32Array[] }[];
  private readonly dim: number;

  private constructor(
    private readonly r: number,
    private readonly c: number,
    private readonly project: Projector,
  ) {
    this.dim = c * SWD_SETTINGS.neighbourhood ** 2;
    this.levels = [];
  }

  /** `project` may do the products on a faster path (a backend's matrix product); plain loops by default. */
  static async build(
    reals: Uint8Array[],
    r: number,
    c: number,
    { perImage = SWD_SETTINGS.perImage, seed = 0x5d0, project = projectInJs }: { perImage?: number; seed?: number; project?: Projector } = {},
  ): Promise<SwdReference> {
    const ref = new SwdReference(r, c, project);
    const rng = new Rng(seed);
    const desc = swdDescriptors(reals, r, c, rng, perImage);
    for (const [level, resolution] of swdResolutions(r).entries()) {
      const dirs = randomDirections(SWD_SETTINGS.directions * SWD_SETTINGS.repeats, ref.dim, rng);
      ref.levels.push({ resolution, dirs, sorted: await project(desc[level]!, ref.dim, dirs) });
    }
    return ref;
  }

  /** SWD of generated pictures against the reference, `perImage` neighbourhoods of each. */
  async distance(fakes: Uint8Array[], { seed = 0xfa4e, perImage = SWD_SETTINGS.perImage }: { seed?: number; perImage?: number } = {}): Promise<SwdResult> {
    const desc = swdDescriptors(fakes, this.r, this.c, new Rng(seed), perImage);
    const levels: SwdResult['levels'] = [];
    for (const [level, { resolution, dirs, sorted }] of this.levels.entries()) {
      const projected = await this.project(desc[level]!, this.dim, dirs);
      const sum = dirs.reduce((s, _, k) => s + wasserstein1(sorted[k]!, projected[k]!), 0);
      levels.push({ resolution, value: (sum / dirs.length) * 1e3 });
    }
    return { levels, average: levels.reduce((s, l) => s + l.value, 0) / levels.length };
  }
}
