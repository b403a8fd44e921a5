// The bytes of a training checkpoint, read without TensorFlow.js: the engine turns them into
// tensors to resume or draw; the studio reads them to export a run's networks. The layout:
//   "LEPCKPT1" · u32 header length · header JSON · float32 data of each tensor, in header order
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export const CHECKPOINT_MAGIC = 'LEPCKPT1';

export interface CheckpointFile<Header> {
  header: Header;
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
}

/** Reads a checkpoint, refusing it when its bytes no longer hash to what was recorded. */
export async function readCheckpointFile<Header extends { tensors: { name: string; shape: number[] }[] }>(
  file: string,
  expectedSha256?: string,
): Promise<CheckpointFile<Header>> {
  const bytes = await readFile(file);
  if (expectedSha256) {
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== expectedSha256) throw new Error(`${file} is damaged: its sha256 is ${actual.slice(0, 12)}…, recorded ${expectedSha256.slice(0, 12)}…`);
  }
  if (bytes.subarray(0, 8).toString('latin1') !== CHECKPOINT_MAGIC) throw new Error(`${file} is not a Leporello checkpoint`);
  const headerLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8')) as Header;
  let offset = 12 + headerLength;
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const { name, shape } of header.tensors) {
    const count = shape.reduce((a, b) => a * b, 1);
    if (offset + count * 4 > bytes.length) throw new Error(`${file} is truncated at tensor ${name}`);
    // A copy: the file's buffer may not be 4-byte aligned at this offset.
    tensors.set(name, { shape, data: new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + count * 4)) });
    offset += count * 4;
  }
  return { header, tensors };
}
