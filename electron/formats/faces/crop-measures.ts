// Measures of an aligned face crop, taken when the crop is made (by the engine for a detected
// face, by the studio for one placed by hand): its perceptual hash, how sharp and how colourful.
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

/** Perceptual hash, sharpness and colourfulness of an aligned crop (PNG bytes). */
export async function cropMeasures(png: Buffer): Promise<{ phash: string; sharpness: number; colourfulness: number }> {
  const small = sharp(png).resize(SHARPNESS_SIDE, SHARPNESS_SIDE, { kernel: 'lanczos3' });
  const grey = await small.clone().greyscale().raw().toBuffer();
  const rgb = await small.clone().toColourspace('srgb').raw().toBuffer();
  return {
    phash: await phashOf(sharp(png)),
    sharpness: laplacianVariance(new Uint8Array(grey.buffer, grey.byteOffset, grey.length), SHARPNESS_SIDE, SHARPNESS_SIDE),
    colourfulness: colourfulness(new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.length)),
  };
}
