// A blend video: frames from the generator, streamed as raw pixels into ffmpeg's stdin while the
// next batch is being drawn, encoded as H.264 MP4 (and, when asked, ProRes for editing) under a
// temporary name that replaces the final file only once ffmpeg has finished and the bytes are on
// disk. A cancelled or failed render leaves nothing behind.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { escapeXml } from './svg-text';
import sharp from 'sharp';
import { AppError } from '../../../shared/errors';
import { partialPath, removeDeadPartials } from '../../formats/atomic-write';

export interface VideoFormat {
  /** Side of the generator's square frames, in pixels. */
  frameSize: number;
  channels: 1 | 3;
  fps: number;
  /** Side of the video; larger than the frames upscales them (Lanczos). Must be even. */
  size: number;
  /** Also write a ProRes 422 HQ .mov next to the MP4, for editing. */
  prores: boolean;
  /** A title card before the path, off unless given. */
  title?: { text: string; seconds: number };
}

export interface VideoProgress {
  frame: number;
  total: number;
  /** Seconds left at the speed so far; null before the first batch. */
  secondsLeft: number | null;
}

export interface RenderedVideo {
  files: string[];
  frames: number;
  seconds: number;
  /** Wall time of the render, encoding included. */
  elapsed: number;
  framesPerSecond: number;
}

/** Frames in batches, each batch N frames of frameSize² × channels bytes, back to back. */
export type FrameBatches = AsyncIterable<Uint8Array>;

export function checkVideoFormat(format: VideoFormat): void {
  if (!Number.isFinite(format.fps) || format.fps < 1 || format.fps > 120)
    throw new AppError('invalid_request', `fps ${format.fps} is out of range: give 1 to 120 frames per second`);
  if (!Number.isInteger(format.size) || format.size % 2 || format.size < 16 || format.size > 4096) {
    throw new AppError(
      'invalid_request',
      `a video of ${format.size} px cannot be encoded: H.264 in yuv420p needs an even size; give an even number from 16 to 4096`,
    );
  }
  if (format.title && !(format.title.seconds > 0 && format.title.seconds <= 30))
    throw new AppError('invalid_request', 'a title card lasts from a fraction of a second to 30 s');
}

/** The title card as a PNG at the video's size: light text on black, lines centred. */
async function titleCard(text: string, size: number): Promise<Buffer> {
  const lines = text.split(/\r?\n/).slice(0, 6);
  // The longest line spans at most 80 % of the width (a glyph is about 0.6 em wide).
  const fontSize = Math.min(size / 10, (size * 0.8) / (Math.max(...lines.map((l) => l.length)) * 0.6));
  const top = size / 2 - ((lines.length - 1) * fontSize * 1.3) / 2;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="100%" height="100%" fill="#000"/>${lines
    .map(
      (l, i) =>
        `<text x="50%" y="${top + i * fontSize * 1.3}" font-family="DejaVu Sans, sans-serif" font-size="${fontSize}" fill="#eee" text-anchor="middle" dominant-baseline="middle">${escapeXml(l)}</text>`,
    )
    .join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Encodes `totalFrames` frames from `batches` into `file` (.mp4), and `file` with .mov when ProRes
 * is asked. Aborting `signal` stops ffmpeg and removes what it had written.
 */
export async function renderVideo(
  file: string,
  batches: FrameBatches,
  totalFrames: number,
  format: VideoFormat,
  /** `ffmpeg`: the program's path, as the host found it. */
  options: { ffmpeg: string; onProgress?: (p: VideoProgress) => void; signal?: AbortSignal },
): Promise<RenderedVideo> {
  checkVideoFormat(format);
  if (extname(file).toLowerCase() !== '.mp4') throw new AppError('invalid_request', `${file}: a blend video is written as .mp4; name the file so`);
  await mkdir(dirname(file), { recursive: true });
  // What a render killed earlier left beside its output (a SIGKILL leaves no time to clean up).
  await removeDeadPartials(dirname(file));
  const finals = format.prores ? [file, file.replace(/\.mp4$/i, '.mov')] : [file];
  const partials = finals.map((f) => partialPath(f));
  const titlePng = format.title ? partialPath(file.replace(/\.mp4$/i, '-title.png')) : null;
  const started = performance.now();
  const cleanup = () => Promise.all([...partials, ...(titlePng ? [titlePng] : [])].map((p) => rm(p, { force: true })));

  const frameBytes = format.frameSize * format.frameSize * format.channels;
  const inputs: string[] = [];
  const chains: string[] = [];
  if (titlePng) {
    await mkdir(dirname(titlePng), { recursive: true });
    const handle = await open(titlePng, 'w');
    await handle.writeFile(await titleCard(format.title!.text, format.size));
    await handle.close();
    inputs.push('-loop', '1', '-framerate', String(format.fps), '-t', String(format.title!.seconds), '-i', titlePng);
  }
  inputs.push(
    '-f',
    'rawvideo',
    '-pix_fmt',
    format.channels === 1 ? 'gray' : 'rgb24',
    '-s',
    `${format.frameSize}x${format.frameSize}`,
    '-framerate',
    String(format.fps),
    '-i',
    'pipe:0',
  );
  const path = titlePng ? '1:v' : '0:v';
  chains.push(`[${path}]scale=${format.size}:${format.size}:flags=lanczos,setsar=1,format=yuv444p[path]`);
  if (titlePng) chains.push('[0:v]setsar=1,format=yuv444p[title]', '[title][path]concat=n=2:v=1:a=0,split=2[v0][v1]');
  else chains.push('[path]split=2[v0][v1]');
  const outputs = [
    '-map',
    '[v0]',
    '-c:v',
    'libx264',
    '-preset',
    'medium',
    '-crf',
    '16',
    '-pix_fmt',
    'yuv420p',
    '-r',
    String(format.fps),
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    partials[0]!,
    ...(format.prores
      ? ['-map', '[v1]', '-c:v', 'prores_ks', '-profile:v', '3', '-pix_fmt', 'yuv422p10le', '-r', String(format.fps), '-f', 'mov', partials[1]!]
      : ['-map', '[v1]', '-f', 'null', '-']),
  ];
  // In a process group of its own, so that a terminal's Ctrl-C reaches only us: we stop ffmpeg
  // and say "cancelled", instead of writing into a pipe it closed (EPIPE). Should we die, its
  // stdin closes and it ends too.
  const child = spawn(options.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...inputs, '-filter_complex', chains.join(';'), ...outputs], {
    stdio: ['pipe', 'ignore', 'pipe'],
    detached: process.platform !== 'win32',
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  // A broken pipe surfaces as ffmpeg's exit; the write error itself says less.
  child.stdin.on('error', () => {});
  const abort = () => child.kill('SIGKILL');
  options.signal?.addEventListener('abort', abort, { once: true });

  let written = 0;
  try {
    let drained: Promise<unknown> | null = null;
    for await (const batch of batches) {
      // Generating this batch overlapped ffmpeg encoding the last; only now wait for its pipe.
      await drained;
      if (options.signal?.aborted || child.exitCode !== null) break;
      if (batch.length % frameBytes) throw new Error(`a batch of ${batch.length} bytes is not whole frames of ${frameBytes}`);
      drained = child.stdin.write(batch) ? null : once(child.stdin, 'drain');
      written += batch.length / frameBytes;
      // Drawing on the cpu backend resolves in microtasks only: without a turn of the event loop
      // the pipe would not be flushed, nor a cancel (a signal, a message) be heard, until the end.
      await new Promise((resolve) => setImmediate(resolve));
      const elapsed = (performance.now() - started) / 1000;
      options.onProgress?.({ frame: written, total: totalFrames, secondsLeft: (elapsed / written) * (totalFrames - written) });
    }
    await drained;
    child.stdin.end();
    const code = await exited;
    if (options.signal?.aborted) throw new AppError('cancelled', `the video ${file} was cancelled at frame ${written} of ${totalFrames}; nothing was written`);
    if (code !== 0) throw new AppError('internal', `ffmpeg could not encode ${file} (exit ${code}): ${stderr.trim() || 'no message'}`);
    if (written !== totalFrames) throw new AppError('internal', `the generator gave ${written} of ${totalFrames} frames for ${file}`);
    for (let i = 0; i < finals.length; i++) {
      await syncFile(partials[i]!);
      await rename(partials[i]!, finals[i]!);
    }
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    await cleanup();
    // Whatever broke while a cancel was under way (a pipe, a batch), the render was cancelled.
    if (options.signal?.aborted && !(err instanceof AppError && err.code === 'cancelled')) {
      throw new AppError('cancelled', `the video ${file} was cancelled at frame ${written} of ${totalFrames}; nothing was written`);
    }
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
  await cleanup();
  const elapsed = (performance.now() - started) / 1000;
  const titleFrames = format.title ? Math.round(format.title.seconds * format.fps) : 0;
  return {
    files: finals,
    frames: titleFrames + totalFrames,
    seconds: (titleFrames + totalFrames) / format.fps,
    elapsed,
    framesPerSecond: totalFrames / elapsed,
  };
}
