// The feature space the health metrics compare images in: a 16×16 grey thumbnail, mean-removed
// and scaled to unit length, so that distances speak of composition and tone, not brightness.
export const FEATURE_SIDE = 16;

/** Features of NHWC uint8 images of side r with c channels. */
export function imageFeatures(images: Uint8Array[], r: number, c: number): Float32Array[] {
  const cell = r / FEATURE_SIDE;
  return images.map((img) => {
    const f = new Float32Array(FEATURE_SIDE * FEATURE_SIDE);
    for (let y = 0; y < r; y++)
      for (let x = 0; x < r; x++) {
        let grey = 0;
        for (let k = 0; k < c; k++) grey += img[(y * r + x) * c + k]!;
        f[Math.floor(y / cell) * FEATURE_SIDE + Math.floor(x / cell)]! += grey / c;
      }
    const mean = f.reduce((a, b) => a + b, 0) / f.length;
    let norm = 0;
    for (let i = 0; i < f.length; i++) {
      f[i] = f[i]! - mean;
      norm += f[i]! * f[i]!;
    }
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < f.length; i++) f[i] = f[i]! / norm;
    return f;
  });
}

export function distance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

export function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : Number.NaN;
}

export function meanPairwiseDistance(set: Float32Array[]): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < set.length; i++)
    for (let j = i + 1; j < set.length; j++) {
      sum += distance(set[i]!, set[j]!);
      n++;
    }
  return n ? sum / n : 0;
}
