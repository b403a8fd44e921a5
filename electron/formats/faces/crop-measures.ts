// Measures of an aligned face crop, taken when the crop is made (by the engine for a detected
// face, by the studio for one placed by hand): its perceptual hash, how sharp, how colourful, and
// whether its colour is one tint (sepia, a green halftone) or many hues (a colour photograph).
import sharp from 'sharp';
import { phashOf } from './phash';

/** The side at which sharpness is measured, so that crops of any size compare. */
const SHARPNESS_SIDE = 128;

/** Variance of the 4-neighbour Laplacian of grey pixels: low for blurred pictures, high for sharp ones. */
export function laplacianVariance(grey: Uint8Array, width: number, height: number): number {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const l = grey[i - 1]! + grey[i + 1]! + grey[i - width]! + grey[i + width]! - 4 * grey[i]!;
      sum += l;
      sumSq += l * l;
      n++;
    }
  }
  return n ? sumSq / n - (sum / n) ** 2 : 0;
}

/** Mean distance of each pixel's colour from grey (max − min of R, G, B), 0…255. */
export function colourfulness(rgb: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < rgb.length; i += 3) sum += Math.max(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!) - Math.min(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!);
  return sum / (rgb.length / 3);
}

/**
 * How much the pixels' colours share one hue, 0…1: the length of the mean of their chroma vectors
 * (opponent axes R − G and (R + G)/2 − B) over the mean of their lengths. A toned print — sepia, a
 * green halftone, a blue cyanotype — has one hue everywhere, from shadows to highlights, and scores
 * near 1 however strong its tint; a colour photograph mixes skin, lips, eyes, hair and background
 * and scores lower. On aligned crops: the 600 archival portraits' toned faces 0.96–1.0 with three
 * exceptions, which are colour pictures (a painted portrait, two campaign buttons: 0.58–0.92);
 * expressions204's colour photographs 0.66–0.91 at the 5th–95th percentile. Grey has no hue: 1.
 */
export function hueCoherence(rgb: Uint8Array): number {
  let sumA = 0;
  let sumB = 0;
  let sumLength = 0;
  for (let i = 0; i < rgb.length; i += 3) {
    const a = rgb[i]! - rgb[i + 1]!;
    const b = (rgb[i]! + rgb[i + 1]!) / 2 - rgb[i + 2]!;
    sumA += a;
    sumB += b;
    sumLength += Math.hypot(a, b);
  }
  return sumLength > 0 ? Math.hypot(sumA, sumB) / sumLength : 1;
}

/** Perceptual hash, sharpness, colourfulness and hue coherence of an aligned crop (PNG bytes). */
export async function cropMeasures(png: Buffer): Promise<{ phash: string; sharpness: number; colourfulness: number; hueCoherence: number }> {
  const small = sharp(png).resize(SHARPNESS_SIDE, SHARPNESS_SIDE, { kernel: 'lanczos3' });
  const grey = await small.clone().greyscale().raw().toBuffer();
  const rgb = await small.clone().toColourspace('srgb').raw().toBuffer();
  return {
    phash: await phashOf(sharp(png)),
    sharpness: laplacianVariance(new Uint8Array(grey.buffer, grey.byteOffset, grey.length), SHARPNESS_SIDE, SHARPNESS_SIDE),
    colourfulness: colourfulness(new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.length)),
    hueCoherence: hueCoherence(new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.length)),
  };
}
