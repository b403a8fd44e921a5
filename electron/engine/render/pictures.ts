// Pictures for print, read as the host names them: an image file (a portrait, embedded at its own
// resolution: a plain JPEG as it is, anything else as an sRGB PNG), a witness cut out of a
// checkpoint's witness grid, or frames spread evenly over a video (decoded by ffmpeg).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { AppError } from '../../../shared/errors';
import { evenly } from '../../../shared/evenly';
import type { PanelPicture } from './leporello-pdf';

export type PictureSource =
  /** An image file; `label` names it in a warning when it cannot be read. */
  | { file: string; label: string }
  /** Witness `index` of a square witness grid of `perRow` columns of `side` px. */
  | { grid: string; index: number; perRow: number; side: number };

/** A picture's bytes for the PDF at its own resolution: a plain JPEG as it is (no recompression). */
export async function pictureFromBytes(bytes: Uint8Array, name: string): Promise<PanelPicture> {
  let meta;
  try {
    meta = await sharp(bytes).metadata();
  } catch (err) {
    throw new AppError('invalid_request', `${name} cannot be read as an image (${(err as Error).message}); re-import it or leave it out`);
  }
  if (meta.format === 'jpeg' && (meta.orientation ?? 1) === 1 && (meta.space === 'srgb' || meta.space === 'b-w') && meta.width && meta.height) {
    return { bytes, format: 'jpeg', width: meta.width, height: meta.height };
  }
  const { data, info } = await sharp(bytes).rotate().toColourspace('srgb').png().toBuffer({ resolveWithObject: true });
  return { bytes: data, format: 'png', width: info.width, height: info.height };
}

export async function readPicture(source: PictureSource): Promise<PanelPicture> {
  if ('file' in source) {
    let bytes: Buffer;
    try {
      bytes = await readFile(source.file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new AppError('not_found', `${source.label} ${code === 'ENOENT' ? 'is missing from the project' : `cannot be read (${(err as Error).message})`}`);
    }
    return pictureFromBytes(bytes, source.label);
  }
  const { side, perRow, index } = source;
  const { data, info } = await sharp(source.grid)
    .extract({ left: (index % perRow) * side, top: Math.floor(index / perRow) * side, width: side, height: side })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { bytes: data, format: 'png', width: info.width, height: info.height };
}

function run(ffmpeg: string, args: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

/** `count` frames of a video spread evenly over it, first and last included, as PNGs with their numbers (from 1). */
export async function videoFrames(ffmpeg: string, file: string, count: number): Promise<{ picture: PanelPicture; frame: number }[]> {
  const probe = await run(ffmpeg, ['-hide_banner', '-i', file]);
  const size = /Video: .*?(\d{2,5})x(\d{2,5})/.exec(probe.stderr);
  // Every frame decoded once at its own size; a verso or a sheet needs a few hundred at most.
  const decoded = size ? await run(ffmpeg, ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']) : null;
  if (!size || !decoded || decoded.code !== 0) {
    throw new AppError(
      'invalid_request',
      `${file} cannot be read as a video (${decoded?.stderr.trim() || 'no video stream'}); render it again or choose another`,
    );
  }
  const [width, height] = [Number(size[1]), Number(size[2])];
  const frameBytes = width * height * 3;
  const total = Math.floor(decoded.stdout.length / frameBytes);
  if (total < count) throw new AppError('invalid_request', `${file} has ${total} frames, fewer than the ${count} asked for; ask for fewer pictures`);
  const frames: { picture: PanelPicture; frame: number }[] = [];
  for (const i of evenly(total, count)) {
    const raw = decoded.stdout.subarray(i * frameBytes, (i + 1) * frameBytes);
    frames.push({
      frame: i + 1,
      picture: {
        bytes: await sharp(raw, { raw: { width, height, channels: 3 } })
          .png()
          .toBuffer(),
        format: 'png',
        width,
        height,
      },
    });
  }
  return frames;
}
