// Reads one candidate file and decides whether it is an image the studio can keep: every check
// that can reject a file lives here, and each rejection says what is wrong and what to do.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { describeFsError } from './scan';
import { phashOf } from '../../formats/faces/phash';

export interface ImportLimits {
  /** Decoded pixels above which a file is refused as a decompression bomb or an unwieldy scan. */
  maxPixels: number;
  /** Bytes above which a file is refused without reading it. */
  maxBytes: number;
  thumbSize: number;
}

export const DEFAULT_LIMITS: ImportLimits = { maxPixels: 100_000_000, maxBytes: 512 * 1024 * 1024, thumbSize: 256 };

const FORMATS: Record<string, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', tiff: 'tif', gif: 'gif' };

export interface ReadFile {
  ok: true;
  sha256: string;
  bytes: number;
  data: Buffer;
}
export interface AcceptedFile extends ReadFile {
  format: string;
  ext: string;
  width: number;
  height: number;
  thumbnail: Buffer;
  phash: string;
}
export interface RejectedFile {
  ok: false;
  sha256: string | null;
  bytes: number | null;
  reason: string;
}

/** Reads a file's bytes and hashes them; cheap enough to run before deciding whether to decode. */
export async function readCandidate(path: string, limits: ImportLimits = DEFAULT_LIMITS): Promise<ReadFile | RejectedFile> {
  let data: Buffer;
  try {
    // Open first and stat the handle, so that what is checked is what is read. Non-blocking, so
    // that a named pipe in the folder is refused instead of waiting forever for a writer.
    const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      const s = await handle.stat();
      if (!s.isFile()) return reject(null, null, 'not a regular file (a device, pipe or socket); only image files are imported');
      if (s.size === 0) return reject(null, 0, 'empty file (0 bytes): the copy or download probably failed; copy it again from the source');
      if (s.size > limits.maxBytes) {
        return reject(null, s.size, `file is ${mb(s.size)}, over the ${mb(limits.maxBytes)} limit: save it at a lower resolution first`);
      }
      data = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (err) {
    return reject(null, null, describeFsError(err, 'file'));
  }
  return { ok: true, sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length, data };
}

/** Decodes a read file: format, size, pixel limit, integrity; makes its thumbnail and perceptual hash. */
export async function decodeCandidate(file: ReadFile, limits: ImportLimits = DEFAULT_LIMITS): Promise<AcceptedFile | RejectedFile> {
  const { sha256, data } = file;
  let meta: Metadata;
  try {
    meta = await sharp(data, { limitInputPixels: false }).metadata();
  } catch {
    return reject(sha256, data.length, 'not an image, or a format Leporello cannot read: JPEG, PNG, WebP, TIFF and GIF are supported');
  }
  const ext = meta.format ? FORMATS[meta.format] : undefined;
  if (!ext) {
    const hint = meta.format === 'svg' ? 'it is a vector drawing; export it as PNG' : 'convert it to PNG or JPEG';
    return reject(sha256, data.length, `${meta.format ?? 'unknown'} images are not supported (${hint})`);
  }
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  if (width * height > limits.maxPixels) {
    const mp = (width * height) / 1e6;
    return reject(
      sha256,
      data.length,
      `image is ${width}×${height} (${mp.toFixed(0)} megapixels), over the ${limits.maxPixels / 1e6} MP limit: it may be a decompression bomb; if it is a real scan, downscale it first`,
    );
  }

  try {
    // One decode (first frame of a GIF or TIFF, upright by its EXIF orientation) feeds both the
    // thumbnail and the perceptual hash.
    const decoded = sharp(data, { failOn: 'truncated', limitInputPixels: limits.maxPixels, pages: 1 })
      .rotate()
      .resize(limits.thumbSize, limits.thumbSize, { fit: 'inside', withoutEnlargement: true });
    const { data: raw, info } = await decoded.raw().toBuffer({ resolveWithObject: true });
    const rawInput = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
    const [thumbnail, phash] = await Promise.all([sharp(raw, rawInput).webp({ quality: 82 }).toBuffer(), phashOf(sharp(raw, rawInput))]);
    return { ...file, format: meta.format!, ext, width, height, thumbnail, phash };
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return reject(sha256, data.length, `damaged or truncated image data (${detail}): re-export or re-scan the original`);
  }
}

function reject(sha256: string | null, bytes: number | null, reason: string): RejectedFile {
  return { ok: false, sha256, bytes, reason };
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}
