// Measures of an aligned face crop that curation decides by: how sharp it is.
import sharp from 'sharp';
import { phashOf } from '../import/phash';

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

/** Perceptual hash and sharpness of an aligned crop (PNG bytes). */
export async function cropMeasures(png: Buffer): Promise<{ phash: string; sharpness: number }> {
  const grey = await sharp(png).greyscale().resize(SHARPNESS_SIDE, SHARPNESS_SIDE, { kernel: 'lanczos3' }).raw().toBuffer();
  return { phash: await phashOf(sharp(png)), sharpness: laplacianVariance(new Uint8Array(grey.buffer, grey.byteOffset, grey.length), SHARPNESS_SIDE, SHARPNESS_SIDE) };
}
