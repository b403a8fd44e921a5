// Are two pictures one photograph? A re-scan (margins cut, turned a little, smaller, brighter), a
// tighter crop or a recompressed copy of a picture shows the same scene moved by a similarity
// (scale, rotation, shift) and changed in brightness, contrast and fine detail; a second exposure
// of one sitting (same sitter, clothes and backdrop) differs locally — the mouth, the eyes, a hand.
// The face finder's crops cannot always tell: a degraded copy may have no face found, or another
// one (a false face, a neighbour), so the whole pictures are compared, in two looks:
//
// - a coarse one at 12 px, cheap enough for every pair of a collection: integer shifts at a few
//   scales of the pictures' own frames (a crop or a margin cut moves and rescales the frame);
// - for the pairs that roughly agree, a fine one at 64 px: the best coarse pose refined (scale,
//   rotation, sub-pixel shift) and the pictures judged by their registered correlation and their
//   residual — the largest local difference left (the 99th percentile of |a − b| over 3×3 blocks,
//   in units of the pictures' contrast), away from the overlap's edges, where a turned scan's
//   corners and a cut margin differ;
// - and, since a second exposure of one sitting passes both (its backdrop, clothes and pose are the
//   copy's), a close one at the thumbnail's resolution over the face alone, registered again there:
//   a smile or a glance leaves a residual there that a recompression's noise does not.
//
// Measured by bench/duplicates.ts (bench/RESULTS.md).

/** The long side of a picture's coarse and fine sketches, px. */
const COARSE_SIDE = 12;
const FINE_SIDE = 64;
/** Scales of the coarse look: a crop of up to a fifth or a margin cut, either way round. */
const COARSE_SCALES = [0.83, 0.91, 1, 1.1, 1.2];
/** The unscaled pose first: a pair far apart there is far apart at every scale. */
const COARSE_ORDER = [2, 1, 3, 0, 4];
/** Coarse shifts, in coarse pixels either way. */
const COARSE_SHIFT = 2;
/** The share of the second picture that must overlap the first. */
const MIN_OVERLAP = 0.5;
/** The fine look ignores this share of the overlap at each edge (a turned scan's white corners). */
const EDGE = 0.06;

/** A grey picture, row-major. */
export interface Grey {
  width: number;
  height: number;
  pixels: Float32Array;
}

/** What a picture is compared by: its coarse sketch at every coarse scale, and its fine sketch. */
export interface PictureSketch {
  coarse: Grey;
  /** The coarse sketch resampled on a grid `scale` times as coarse, by scale. */
  scaled: Grey[];
  fine: Grey;
}

/** Bilinear value at (x, y) in pixels, or NaN outside the picture. */
function sample(g: Grey, x: number, y: number): number {
  if (!(x >= 0 && y >= 0 && x <= g.width - 1 && y <= g.height - 1)) return NaN;
  const x0 = Math.min(g.width - 2, Math.floor(x));
  const y0 = Math.min(g.height - 2, Math.floor(y));
  const [fx, fy] = [x - x0, y - y0];
  const i = y0 * g.width + x0;
  const p = g.pixels;
  return (p[i]! * (1 - fx) + p[i + 1]! * fx) * (1 - fy) + (p[i + g.width]! * (1 - fx) + p[i + g.width + 1]! * fx) * fy;
}

/** `g` shrunk to a long side of `long` pixels, each pixel the mean of the area it covers. */
function shrink(g: Grey, long: number): Grey {
  const k = Math.min(1, long / Math.max(g.width, g.height));
  const width = Math.max(3, Math.round(g.width * k));
  const height = Math.max(3, Math.round(g.height * k));
  const pixels = new Float32Array(width * height);
  const [sx, sy] = [g.width / width, g.height / height];
  for (let y = 0; y < height; y++) {
    const [y0, y1] = [y * sy, (y + 1) * sy];
    for (let x = 0; x < width; x++) {
      const [x0, x1] = [x * sx, (x + 1) * sx];
      let [total, weight] = [0, 0];
      for (let yy = Math.floor(y0); yy < Math.min(g.height, Math.ceil(y1)); yy++) {
        const wy = Math.min(yy + 1, y1) - Math.max(yy, y0);
        for (let xx = Math.floor(x0); xx < Math.min(g.width, Math.ceil(x1)); xx++) {
          const w = (Math.min(xx + 1, x1) - Math.max(xx, x0)) * wy;
          total += g.pixels[yy * g.width + xx]! * w;
          weight += w;
        }
      }
      pixels[y * width + x] = total / weight;
    }
  }
  return { width, height, pixels };
}

/** `g` resampled about its centre on a grid `scale` times as coarse (a smaller picture for scale > 1). */
function rescaled(g: Grey, scale: number): Grey {
  const width = Math.max(2, Math.round(g.width / scale));
  const height = Math.max(2, Math.round(g.height / scale));
  const pixels = new Float32Array(width * height);
  const [cx, cy, ox, oy] = [(g.width - 1) / 2, (g.height - 1) / 2, (width - 1) / 2, (height - 1) / 2];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      // Edges clamped: a grid a little coarser than the picture reaches past it by a fraction of a pixel.
      const clamp = (v: number, top: number) => Math.min(top, Math.max(0, v));
      pixels[y * width + x] = sample(g, clamp(cx + (x - ox) * scale, g.width - 1), clamp(cy + (y - oy) * scale, g.height - 1));
    }
  return { width, height, pixels };
}

/** The sketches of a picture from its grey pixels (a thumbnail: a few hundred pixels a side is plenty). */
export function sketchPicture(grey: Grey): PictureSketch {
  const coarse = shrink(grey, COARSE_SIDE);
  return { coarse, scaled: COARSE_SCALES.map((s) => rescaled(coarse, s)), fine: shrink(grey, FINE_SIDE) };
}

/** Where the coarse look put the second picture on the first. */
export interface CoarsePose {
  correlation: number;
  /** b's pixel x (from its centre, in b's fine pixels) lies at a's centre + scale · x + shift (in a's fine pixels). */
  scale: number;
  shiftX: number;
  shiftY: number;
}

/**
 * The best correlation of b's coarse sketch with a's at any coarse scale and integer shift, over
 * their overlap; -1 when no pose overlaps enough. A pair under `hopeless` at the frames' own scale
 * is not tried at the others.
 */
export function coarseMatch(a: PictureSketch, b: PictureSketch, hopeless = -Infinity): CoarsePose {
  const pb = b.coarse;
  const need = MIN_OVERLAP * pb.width * pb.height;
  let best: CoarsePose = { correlation: -1, scale: 1, shiftX: 0, shiftY: 0 };
  for (const k of COARSE_ORDER) {
    if (k !== COARSE_ORDER[0] && best.correlation < hopeless) break;
    const pa = a.scaled[k]!;
    // b's centre on a's centre, then shifted.
    const baseX = Math.round((pa.width - pb.width) / 2);
    const baseY = Math.round((pa.height - pb.height) / 2);
    for (let dy = -COARSE_SHIFT; dy <= COARSE_SHIFT; dy++) {
      for (let dx = -COARSE_SHIFT; dx <= COARSE_SHIFT; dx++) {
        const [ox, oy] = [baseX + dx, baseY + dy];
        const x0 = Math.max(0, -ox);
        const x1 = Math.min(pb.width, pa.width - ox);
        const y0 = Math.max(0, -oy);
        const y1 = Math.min(pb.height, pa.height - oy);
        const n = (x1 - x0) * (y1 - y0);
        if (x1 <= x0 || y1 <= y0 || n < need) continue;
        let [sa, sb, saa, sbb, sab] = [0, 0, 0, 0, 0];
        for (let y = y0; y < y1; y++) {
          const rowB = y * pb.width;
          const rowA = (y + oy) * pa.width + ox;
          for (let x = x0; x < x1; x++) {
            const va = pa.pixels[rowA + x]!;
            const vb = pb.pixels[rowB + x]!;
            sa += va;
            sb += vb;
            saa += va * va;
            sbb += vb * vb;
            sab += va * vb;
          }
        }
        const c = (sab - (sa * sb) / n) / Math.sqrt(Math.max((saa - (sa * sa) / n) * (sbb - (sb * sb) / n), 1e-9));
        if (c > best.correlation) {
          // In fine pixels: a coarse pixel of a's rescaled grid is `scale` coarse pixels of a.
          const s = COARSE_SCALES[k]!;
          const toFineA = a.fine.width / a.coarse.width;
          const toFineB = b.fine.width / b.coarse.width;
          // b's coarse pixel x (from b's centre) sits at a's rescaled pixel x + offset − a's rescaled centre.
          const offX = ox + (pb.width - 1) / 2 - (pa.width - 1) / 2;
          const offY = oy + (pb.height - 1) / 2 - (pa.height - 1) / 2;
          best = { correlation: c, scale: (s * toFineA) / toFineB, shiftX: offX * s * toFineA, shiftY: offY * s * toFineA };
        }
      }
    }
  }
  return best;
}

/** A rectangle of b's pixels: [x0, y0, x1, y1), or the whole picture inside its edge margin. */
type Region = [number, number, number, number];

function inside(b: Grey): Region {
  const [mx, my] = [Math.ceil(EDGE * b.width), Math.ceil(EDGE * b.height)];
  return [mx, my, b.width - mx, b.height - my];
}

/** b's pixels in `region` and where they fall in a, for a pose. */
function pairsAt(a: Grey, b: Grey, pose: Pose, step: number, visit: (va: number, vb: number, x: number, y: number) => void, region = inside(b)): number {
  const [c, s] = [Math.cos(pose.angle) * pose.scale, Math.sin(pose.angle) * pose.scale];
  const [cax, cay, cbx, cby] = [(a.width - 1) / 2, (a.height - 1) / 2, (b.width - 1) / 2, (b.height - 1) / 2];
  let n = 0;
  for (let y = region[1]; y < region[3]; y += step) {
    for (let x = region[0]; x < region[2]; x += step) {
      const [u, v] = [x - cbx, y - cby];
      const va = sample(a, cax + c * u - s * v + pose.shiftX, cay + s * u + c * v + pose.shiftY);
      if (Number.isNaN(va)) continue;
      visit(va, b.pixels[y * b.width + x]!, x, y);
      n++;
    }
  }
  return n;
}

function correlationAt(a: Grey, b: Grey, pose: Pose, step: number, region: Region): number {
  let [sa, sb, saa, sbb, sab] = [0, 0, 0, 0, 0];
  const n = pairsAt(
    a,
    b,
    pose,
    step,
    (va, vb) => {
      sa += va;
      sb += vb;
      saa += va * va;
      sbb += vb * vb;
      sab += va * vb;
    },
    region,
  );
  const all = Math.ceil((region[2] - region[0]) / step) * Math.ceil((region[3] - region[1]) / step);
  if (n < MIN_OVERLAP * all) return -1;
  return (sab - (sa * sb) / n) / Math.sqrt(Math.max((saa - (sa * sa) / n) * (sbb - (sb * sb) / n), 1e-9));
}

export interface Pose {
  /** b's pixel (u, v) from its centre lies at a's centre + scale · R(angle) · (u, v) + shift, in pixels of a. */
  scale: number;
  angle: number;
  shiftX: number;
  shiftY: number;
}

/** Coordinate search for the pose of best correlation over `region`, at the given step sizes (pixels of a, relative scale, radians). */
function refine(
  a: Grey,
  b: Grey,
  pose: Pose,
  region: Region,
  levels: readonly (readonly [number, number, number])[],
  stride: number,
): { pose: Pose; correlation: number } {
  let best = correlationAt(a, b, pose, stride, region);
  for (const [shift, scale, angle] of levels) {
    for (let round = 0; round < 4; round++) {
      let moved = false;
      for (const change of [
        { shiftX: shift },
        { shiftX: -shift },
        { shiftY: shift },
        { shiftY: -shift },
        { scale },
        { scale: -scale },
        { angle },
        { angle: -angle },
      ]) {
        const p = {
          scale: pose.scale * (1 + (change.scale ?? 0)),
          angle: pose.angle + (change.angle ?? 0),
          shiftX: pose.shiftX + (change.shiftX ?? 0),
          shiftY: pose.shiftY + (change.shiftY ?? 0),
        };
        const c = correlationAt(a, b, p, stride, region);
        if (c > best) [best, pose, moved] = [c, p, true];
      }
      if (!moved) break;
    }
  }
  return { pose, correlation: best };
}

export interface PictureMatch {
  /** Correlation over the overlap after registration. */
  correlation: number;
  /** The largest local difference left (see above), in units of the pictures' contrast. */
  residual: number;
  pose: Pose;
}

/** Correlation and residual of a registered pair over `region` (b's pixels). */
function judge(a: Grey, b: Grey, pose: Pose, region: Region): PictureMatch {
  // Both sides standardised over the overlap, b's gain fitted to a's, then 3×3 block means of |a − b|.
  const va: number[] = [];
  const vb: number[] = [];
  const at: number[] = [];
  pairsAt(
    a,
    b,
    pose,
    1,
    (x, y, px, py) => {
      va.push(x);
      vb.push(y);
      at.push(py * b.width + px);
    },
    region,
  );
  if (va.length < 16) return { correlation: -1, residual: Infinity, pose };
  const mean = (xs: number[]) => xs.reduce((p, q) => p + q, 0) / xs.length;
  const [ma, mb] = [mean(va), mean(vb)];
  let [dot, na, nb] = [0, 0, 0];
  for (let i = 0; i < va.length; i++) {
    dot += (va[i]! - ma) * (vb[i]! - mb);
    na += (va[i]! - ma) ** 2;
    nb += (vb[i]! - mb) ** 2;
  }
  const correlation = dot / Math.sqrt(Math.max(na * nb, 1e-9));
  const gain = dot / Math.max(nb, 1e-9);
  const spread = Math.sqrt(na / va.length) || 1;
  const diff = new Float32Array(b.width * b.height).fill(NaN);
  for (let i = 0; i < va.length; i++) diff[at[i]!] = Math.abs(va[i]! - ma - gain * (vb[i]! - mb)) / spread;
  const blocks: number[] = [];
  for (let y = region[1] + 1; y < region[3] - 1; y++) {
    for (let x = region[0] + 1; x < region[2] - 1; x++) {
      let [t, n] = [0, 0];
      for (let yy = -1; yy <= 1; yy++)
        for (let xx = -1; xx <= 1; xx++) {
          const d = diff[(y + yy) * b.width + x + xx]!;
          if (!Number.isNaN(d)) [t, n] = [t + d, n + 1];
        }
      if (n === 9) blocks.push(t / 9);
    }
  }
  blocks.sort((p, q) => p - q);
  return { correlation, residual: blocks[Math.floor(0.99 * blocks.length)] ?? Infinity, pose };
}

/** A fine correlation below this after the first refinement cannot reach a copy's (copies: 0.76 and up). */
const HOPELESS = 0.7;

/** The fine look: the coarse pose refined at FINE_SIDE, then the correlation and residual there. */
export function fineMatch(a: PictureSketch, b: PictureSketch, start: CoarsePose): PictureMatch {
  const region = inside(b.fine);
  let pose: Pose = { scale: start.scale, angle: 0, shiftX: start.shiftX, shiftY: start.shiftY };
  const first = refine(a.fine, b.fine, pose, region, [[2, 0.03, 0.03]], 2);
  if (first.correlation < HOPELESS) return { correlation: first.correlation, residual: Infinity, pose: first.pose };
  pose = refine(
    a.fine,
    b.fine,
    first.pose,
    region,
    [
      [1, 0.015, 0.015],
      [0.5, 0.007, 0.007],
      [0.25, 0.004, 0.004],
    ],
    1,
  ).pose;
  return judge(a.fine, b.fine, pose, region);
}

/**
 * The same pair compared closer, over one region of b (a face, in b's pixels of `bigB`): the pose
 * found on the fine sketches carried to the larger pictures, refined on the region alone, judged there.
 */
export function regionMatch(bigA: Grey, bigB: Grey, sketchA: PictureSketch, sketchB: PictureSketch, pose: Pose, region: Region): PictureMatch {
  const ka = bigA.width / sketchA.fine.width;
  const kb = bigB.width / sketchB.fine.width;
  const carried: Pose = { scale: (pose.scale * ka) / kb, angle: pose.angle, shiftX: pose.shiftX * ka, shiftY: pose.shiftY * ka };
  const clipped: Region = [
    Math.max(0, Math.floor(region[0])),
    Math.max(0, Math.floor(region[1])),
    Math.min(bigB.width, Math.ceil(region[2])),
    Math.min(bigB.height, Math.ceil(region[3])),
  ];
  const refined = refine(
    bigA,
    bigB,
    carried,
    clipped,
    [
      [1, 0.01, 0.01],
      [0.5, 0.005, 0.005],
      [0.25, 0.0025, 0.0025],
    ],
    1,
  ).pose;
  return judge(bigA, bigB, refined, clipped);
}

/** Where a point of a's fine sketch (pixels) lies in b's, for a pose that puts b on a. */
export function pointInSecond(a: PictureSketch, b: PictureSketch, pose: Pose, x: number, y: number): { x: number; y: number } {
  const [u, v] = [x - (a.fine.width - 1) / 2 - pose.shiftX, y - (a.fine.height - 1) / 2 - pose.shiftY];
  const [c, s] = [Math.cos(-pose.angle) / pose.scale, Math.sin(-pose.angle) / pose.scale];
  return { x: c * u - s * v + (b.fine.width - 1) / 2, y: s * u + c * v + (b.fine.height - 1) / 2 };
}
