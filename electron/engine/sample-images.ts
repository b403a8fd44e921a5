// Pictures out of a StyleGAN2 sampler: one PNG per image, and NVIDIA's style-mixing figure
// (the columns' faces along the top, the rows' down the left, each mix where they meet). Both
// are written whole or not at all.
import { dirname } from 'node:path';
import sharp from 'sharp';
import { atomicWrite } from '../formats/atomic-write';
import type { StyleSampler } from './style-sampler';

export async function pngOf(image: Uint8Array, width: number, height: number, channels: number): Promise<Buffer> {
  const png = sharp(image, { raw: { width, height, channels: channels as 1 | 3 } });
  return (channels === 1 ? png.toColourspace('b-w') : png).png().toBuffer();
}

export async function writePng(file: string, image: Uint8Array, side: number, channels: number): Promise<void> {
  await atomicWrite(file, await pngOf(image, side, side, channels), dirname(file));
}

export interface Figure {
  width: number;
  height: number;
  png: Buffer;
}

/** Square pictures of side r laid out in rows; null leaves a white cell. */
export async function gridFigure(rows: (Uint8Array | null)[][], r: number, channels: number): Promise<Figure> {
  const width = Math.max(...rows.map((row) => row.length)) * r;
  const height = rows.length * r;
  const canvas = new Uint8Array(width * height * channels).fill(255);
  rows.forEach((row, i) =>
    row.forEach((img, j) => {
      if (img) for (let y = 0; y < r; y++) canvas.set(img.subarray(y * r * channels, (y + 1) * r * channels), ((i * r + y) * width + j * r) * channels);
    }),
  );
  return { width, height, png: await pngOf(canvas, width, height, channels) };
}

/** The style-mixing figure for these seeds' latents: rows take the listed style layers from the columns. */
export async function styleMixFigure(
  sampler: StyleSampler,
  rows: number[][],
  cols: number[][],
  styles: number[],
  options: { psi: number; label?: number[] },
): Promise<Figure> {
  const { resolution: r, channels } = sampler.config;
  const mix = await sampler.styleMix(rows, cols, styles, options);
  return gridFigure([[null, ...mix.cols.images], ...mix.rows.images.map((img, i) => [img, ...mix.mixed[i]!.images])], r, channels);
}
