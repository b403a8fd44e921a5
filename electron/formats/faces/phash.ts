// 64-bit perceptual hash (DCT-based, as in pHash): the low frequencies of a 32×32 grey image,
// each bit telling whether a coefficient is above their median. Near-identical pictures (a
// re-scan, a recompressed copy) land within a few bits of each other.
import type { Sharp } from 'sharp';

const N = 32;
const K = 8;
const cosTable = (() => {
  const t = new Float64Array(N * N);
  for (let u = 0; u < N; u++) for (let x = 0; x < N; x++) t[u * N + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * N));
  return t;
})();

/** Hash of 32×32 grey pixels, as 16 hex digits. */
export function phashFromGrey32(pixels: Uint8Array): string {
  if (pixels.length !== N * N) throw new Error(`phash needs ${N * N} grey pixels, got ${pixels.length}`);
  // Separable DCT-II, keeping only the K×K lowest frequencies.
  const rows = new Float64Array(N * K);
  for (let y = 0; y < N; y++)
    for (let u = 0; u < K; u++) {
      let s = 0;
      for (let x = 0; x < N; x++) s += pixels[y * N + x]! * cosTable[u * N + x]!;
      rows[y * K + u] = s;
    }
  const coeffs: number[] = [];
  for (let v = 0; v < K; v++)
    for (let u = 0; u < K; u++) {
      let s = 0;
      for (let y = 0; y < N; y++) s += rows[y * K + u]! * cosTable[v * N + y]!;
      coeffs.push(s);
    }
  // The DC term says only how bright the picture is; leave it out of the median.
  const median = [...coeffs.slice(1)].sort((a, b) => a - b)[(coeffs.length - 1) >> 1]!;
  let hex = '';
  for (let i = 0; i < 64; i += 4) {
    let nibble = 0;
    for (let b = 0; b < 4; b++) nibble = (nibble << 1) | (coeffs[i + b]! > median ? 1 : 0);
    hex += nibble.toString(16);
  }
  return hex;
}

export async function phashOf(image: Sharp): Promise<string> {
  const grey = await image.greyscale().resize(N, N, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer();
  return phashFromGrey32(new Uint8Array(grey.buffer, grey.byteOffset, grey.byteLength));
}

export function hammingDistance(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    let x = parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16);
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}
