// FFHQ-style alignment: from a face's eye and mouth landmarks, the oriented square that frames
// it the way the progressive-GAN paper's recipe does, and that square resampled upright.
//
//   eye-to-eye e, eye-to-mouth m, centre c = mid-eyes + 0.1·m
//   the square's half-side axis x points along e, tilted by m's perpendicular, with length
//   max(2·|e|, 1.8·|m|): the side is max(4·|e|, 3.6·|m|)
//
// Parts of the square outside the picture are filled by reflecting the picture at its edge and
// fading, with distance from the edge, into a blurred copy, so no black corners reach a GAN.

export type Point = [number, number];

/** The square in source pixels: its corners top-left, top-right, bottom-right, bottom-left, and its side. */
export interface AlignQuad {
  topLeft: Point;
  topRight: Point;
  bottomLeft: Point;
  side: number;
}

export interface FaceLandmarks {
  leftEye: Point;
  rightEye: Point;
  mouthLeft: Point;
  mouthRight: Point;
}

const add = (a: Point, b: Point): Point => [a[0] + b[0], a[1] + b[1]];
const sub = (a: Point, b: Point): Point => [a[0] - b[0], a[1] - b[1]];
const scale = (a: Point, k: number): Point => [a[0] * k, a[1] * k];
const length = (a: Point) => Math.hypot(a[0], a[1]);
const mid = (a: Point, b: Point): Point => scale(add(a, b), 0.5);

/** Eye centres and mouth corners from the 68-point (iBUG) layout. */
export function landmarksFrom68(points: Point[]): FaceLandmarks {
  if (points.length !== 68) throw new Error(`expected 68 landmarks, got ${points.length}`);
  const mean = (from: number, to: number): Point => {
    const part = points.slice(from, to);
    return [part.reduce((s, p) => s + p[0], 0) / part.length, part.reduce((s, p) => s + p[1], 0) / part.length];
  };
  // In image terms "left" is the eye on the left of the picture (the person's right eye).
  return { leftEye: mean(36, 42), rightEye: mean(42, 48), mouthLeft: points[48]!, mouthRight: points[54]! };
}

export function alignQuad(f: FaceLandmarks): AlignQuad {
  const eyeToEye = sub(f.rightEye, f.leftEye);
  const eyeMid = mid(f.leftEye, f.rightEye);
  const eyeToMouth = sub(mid(f.mouthLeft, f.mouthRight), eyeMid);
  // The horizontal axis: along the eyes, corrected by the perpendicular of the eye-to-mouth line.
  let x = sub(eyeToEye, [-eyeToMouth[1], eyeToMouth[0]]);
  x = scale(x, 1 / length(x));
  x = scale(x, Math.max(length(eyeToEye) * 2, length(eyeToMouth) * 1.8));
  const y: Point = [-x[1], x[0]];
  const c = add(eyeMid, scale(eyeToMouth, 0.1));
  return { topLeft: sub(sub(c, x), y), topRight: sub(add(c, x), y), bottomLeft: add(sub(c, x), y), side: length(x) * 2 };
}

/** Where output pixel (u, v) of a size×size crop samples the source. */
export function quadPoint(q: AlignQuad, size: number, u: number, v: number): Point {
  const across = scale(sub(q.topRight, q.topLeft), u / size);
  const down = scale(sub(q.bottomLeft, q.topLeft), v / size);
  return add(add(q.topLeft, across), down);
}

/** Where source point p lands in a size×size crop (the inverse of quadPoint). */
export function cropPoint(q: AlignQuad, size: number, p: Point): Point {
  const ax = sub(q.topRight, q.topLeft);
  const ay = sub(q.bottomLeft, q.topLeft);
  const d = sub(p, q.topLeft);
  const side2 = q.side * q.side;
  return [((d[0] * ax[0] + d[1] * ax[1]) / side2) * size, ((d[0] * ay[0] + d[1] * ay[1]) / side2) * size];
}

/** Index into 0…n−1 reflecting at both ends (…2 1 0 1 2… n−2 n−1 n−2…). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - k;
}

/** Keys' cubic convolution weight (a = −0.5, Catmull-Rom). */
function cubic(t: number): number {
  const a = Math.abs(t);
  if (a < 1) return 1.5 * a * a * a - 2.5 * a * a + 1;
  if (a < 2) return -0.5 * a * a * a + 2.5 * a * a - 4 * a + 2;
  return 0;
}

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * The aligned crop, size×size RGB, sampled bicubically from `source` (which should already be
 * scaled so that the square's side is close to `size`: bicubic sampling does not low-pass).
 * Outside the source it reflects, blending towards `blurred` (the same picture, blurred) over
 * `fade` source pixels from the edge.
 */
export function renderAligned(source: RgbImage, blurred: RgbImage, q: AlignQuad, size: number, fade: number): Uint8Array {
  const out = new Uint8Array(size * size * 3);
  const { width: w, height: h } = source;
  const sample = (img: Uint8Array, x: number, y: number, channel: number) => {
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    let sum = 0;
    for (let j = -1; j <= 2; j++) {
      const wy = cubic(y - (y0 + j));
      const row = reflect(y0 + j, h) * w;
      for (let i = -1; i <= 2; i++) sum += wy * cubic(x - (x0 + i)) * img[(row + reflect(x0 + i, w)) * 3 + channel]!;
    }
    return sum;
  };
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      // Pixel centres: (u + ½, v + ½) in the crop, minus ½ for the source's pixel grid.
      const [x, y] = quadPoint(q, size, u + 0.5, v + 0.5).map((c) => c - 0.5) as Point;
      const outside = Math.max(0, -x, x - (w - 1), -y, y - (h - 1));
      const mix = fade > 0 ? Math.min(1, outside / fade) : outside > 0 ? 1 : 0;
      for (let ch = 0; ch < 3; ch++) {
        const sharpValue = sample(source.data, x, y, ch);
        const value = mix > 0 ? sharpValue + (sample(blurred.data, x, y, ch) - sharpValue) * mix : sharpValue;
        out[(v * size + u) * 3 + ch] = Math.max(0, Math.min(255, Math.round(value)));
      }
    }
  }
  return out;
}
