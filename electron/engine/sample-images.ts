// Pictures out of a StyleGAN2 sampler: one PNG per image, and NVIDIA's style-mixing figure
// (the columns' faces along the top, the rows' down the left, each mix where they meet). Both
// are written whole or not at all.
import { dirname } from 'node:path';
import sharp from 'sharp';
import { atomicWrite } from '../services/fs/atomic-write';
import type { StyleGan2Sampler } from './stylegan2-sampler';

export async function pngOf(image: Uint8Array, width: number, height: number, channels: number): Promise<Buffer> {
  const png = sharp(image, { raw: { width, height, channels: channels as 1 | 3 } });
  return (channels === 1 ? png.toColourspace('b-w') : png).png().toBuffer();
}

export async function writePng(file: string, image: Uint8Array, side: number, channels: number): Promise<void> {
  await atomicWrite(file, await pngOf(image, side, side, channels), dirname(file));
}

export interface StyleMixFigure {
  width: number;
  height: number;
  png: Buffer;
}

/** The style-mixing figure for these seeds' latents: rows take the listed style layers from the columns. */
export async function styleMixFigure(sampler: StyleGan2Sampler, rows: number[][], cols: number[][], styles: number[], options: { psi: number; label?: number[] }): Promise<StyleMixFigure> {
  const { resolution: r, channels } = sampler.config;
  const mix = await sampler.styleMix(rows, cols, styles, options);
  const width = (cols.length + 1) * r;
  const height = (rows.length + 1) * r;
  const canvas = new Uint8Array(width * height * channels).fill(255);
  const place = (img: Uint8Array, col: number, row: number) => {
    for (let y = 0; y < r; y++) canvas.set(img.subarray(y * r * channels, (y + 1) * r * channels), ((row * r + y) * width + col * r) * channels);
  };
  mix.cols.images.forEach((img, j) => place(img, j + 1, 0));
  mix.rows.images.forEach((img, i) => place(img, 0, i + 1));
  mix.mixed.forEach((row, i) => row.images.forEach((img, j) => place(img, j + 1, i + 1)));
  return { width, height, png: await pngOf(canvas, width, height, channels) };
}
