// The packed dataset file: every image of a dataset decoded once, resized, and laid end to end as
// uint8 NHWC (image, row, column, channel) in `images.u8`, described by `dataset.json` beside it.
// Training reads images by offset, so it never decodes a JPEG in its loop and never needs the
// whole file in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

export const DATA_FILE = 'images.u8';
export const META_FILE = 'dataset.json';

export interface DatasetMeta {
  format: 'leporello-dataset';
  version: 1;
  layout: 'NHWC';
  dtype: 'uint8';
  count: number;
  resolution: number;
  channels: 1 | 3;
  fit: 'crop' | 'pad';
  xflip: boolean;
  /** sha256 of images.u8 */
  sha256: string;
  /** The project image behind each position. */
  imageIds: number[];
  /** Conditional training: the class names, and each position's class (an index into them). */
  classes?: string[];
  labels?: number[];
}

export function imageBytes(meta: Pick<DatasetMeta, 'resolution' | 'channels'>): number {
  return meta.resolution * meta.resolution * meta.channels;
}

export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Random access to a dataset's images. */
export class DatasetFile {
  private constructor(
    readonly meta: DatasetMeta,
    private readonly handle: FileHandle,
    readonly dataPath: string,
  ) {}

  static async open(dir: string): Promise<DatasetFile> {
    const meta = JSON.parse(await readFile(join(dir, META_FILE), 'utf8')) as DatasetMeta;
    if (meta.format !== 'leporello-dataset' || meta.version !== 1) throw new Error(`${dir}: not a Leporello dataset (version 1)`);
    const dataPath = join(dir, DATA_FILE);
    const handle = await open(dataPath, 'r');
    const { size } = await handle.stat();
    if (size !== meta.count * imageBytes(meta)) {
      await handle.close();
      throw new Error(
        `${dataPath} holds ${size} bytes, expected ${meta.count * imageBytes(meta)}: the dataset is damaged; create it again from its collection`,
      );
    }
    return new DatasetFile(meta, handle, dataPath);
  }

  /** Reads the images at the given positions into one NHWC batch. */
  async readBatch(positions: number[], out = new Uint8Array(positions.length * imageBytes(this.meta))): Promise<Uint8Array> {
    const size = imageBytes(this.meta);
    for (const [i, p] of positions.entries()) {
      if (!Number.isInteger(p) || p < 0 || p >= this.meta.count) throw new RangeError(`no image ${p} in a dataset of ${this.meta.count}`);
      const { bytesRead } = await this.handle.read(out, i * size, size, p * size);
      if (bytesRead !== size) throw new Error(`${this.dataPath}: short read at image ${p}`);
    }
    return out;
  }

  /** True when the file's bytes still hash to what was recorded when it was made. */
  async verify(): Promise<boolean> {
    return (await hashFile(this.dataPath)) === this.meta.sha256;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** One image at the dataset's size and colour mode, as raw NHWC bytes. */
export async function packImage(file: string, req: { resolution: number; fit: 'crop' | 'pad'; channels: 1 | 3 }): Promise<Buffer> {
  let img = sharp(file, { failOn: 'truncated' })
    .rotate()
    .flatten({ background: '#000000' })
    .resize(req.resolution, req.resolution, { fit: req.fit === 'crop' ? 'cover' : 'contain', position: 'centre', background: '#000000', kernel: 'lanczos3' });
  img = req.channels === 1 ? img.greyscale() : img.toColourspace('srgb');
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== req.channels || info.width !== req.resolution || info.height !== req.resolution) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${req.resolution}×${req.resolution}×${req.channels}`);
  }
  return data;
}
