// The studio's own format for a network's weights: network.json (configuration, license, where it
// came from, and a table of tensors) beside weights.bin (float32, little-endian, each tensor
// row-major in PyTorch's layout, or for StyleGAN v1 TensorFlow's). Loading is one read, no parsing of Python data; the pair is
// also what Leporello exports instead of a pickle.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StyleNetworkConfig } from './stylegan-layout';
import { atomicWrite, atomicWriteChunks } from './atomic-write';

export type NetworkRole = 'G' | 'D' | 'G_ema';

export interface NetworkManifest {
  format: 'leporello-network';
  version: 1;
  /** StyleGAN2 (weights in PyTorch's names and layouts) or StyleGAN v1 (NVIDIA's TensorFlow names and layouts). */
  arch: 'stylegan2' | 'stylegan';
  config: StyleNetworkConfig;
  license: string;
  source: { file: string; sha256: string; format: string };
  tensors: { role: NetworkRole; name: string; shape: number[]; offset: number; length: number }[];
}

export interface LoadedTensor {
  shape: number[];
  data: Float32Array;
}

export type NetworkWeights = Record<NetworkRole, Map<string, LoadedTensor>>;

export const MANIFEST = 'network.json';
export const WEIGHTS = 'weights.bin';

/**
 * Writes both files into `dir` (each written whole under a temporary name, then renamed). The
 * weights are written a tensor at a time, each read (converted) only then: an imported FFHQ
 * network is never held twice in memory.
 */
export async function writeNetworkFiles(
  dir: string,
  tmpDir: string,
  manifest: Omit<NetworkManifest, 'tensors'>,
  weights: Partial<Record<NetworkRole, Map<string, { shape: number[]; readonly data: ArrayLike<number> }>>>,
): Promise<number> {
  const tensors: NetworkManifest['tensors'] = [];
  let length = 0;
  for (const role of ['G', 'D', 'G_ema'] as const)
    for (const [name, t] of weights[role] ?? []) {
      const count = t.shape.reduce((a, b) => a * b, 1);
      tensors.push({ role, name, shape: t.shape, offset: length, length: count });
      length += count;
    }
  function* chunks(): Generator<Uint8Array> {
    for (const entry of tensors) {
      const data = weights[entry.role]!.get(entry.name)!.data;
      if (data.length !== entry.length)
        throw new Error(`${entry.role} ${entry.name} holds ${data.length} numbers, its shape [${entry.shape.join(', ')}] ${entry.length}`);
      const floats = data instanceof Float32Array ? data : Float32Array.from(data);
      // Float32Array is the machine's byte order; every platform Electron ships on is little-endian.
      yield new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);
    }
  }
  await atomicWriteChunks(join(dir, WEIGHTS), chunks(), tmpDir);
  await atomicWrite(join(dir, MANIFEST), JSON.stringify({ ...manifest, tensors } satisfies NetworkManifest, null, 1), tmpDir);
  return length * 4;
}

/** The manifest alone: a network's settings without its weights. */
export async function readNetworkManifest(dir: string): Promise<NetworkManifest> {
  const manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as NetworkManifest;
  if (manifest.format !== 'leporello-network' || manifest.version !== 1) throw new Error(`${dir}: not a Leporello network (version 1)`);
  return manifest;
}

export async function readNetworkFiles(dir: string): Promise<{ manifest: NetworkManifest; weights: NetworkWeights }> {
  const manifest = await readNetworkManifest(dir);
  const raw = await readFile(join(dir, WEIGHTS));
  // A Float32Array view needs 4-byte alignment; copy in the rare case the buffer lacks it.
  const aligned = raw.byteOffset % 4 === 0 ? raw : Uint8Array.from(raw);
  const floats = new Float32Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.byteLength / 4));
  const weights: NetworkWeights = { G: new Map(), D: new Map(), G_ema: new Map() };
  for (const t of manifest.tensors) {
    if (t.offset + t.length > floats.length)
      throw new Error(`${join(dir, WEIGHTS)} is shorter than its manifest says: the network is damaged; import it again`);
    weights[t.role].set(t.name, { shape: t.shape, data: floats.subarray(t.offset, t.offset + t.length) });
  }
  return { manifest, weights };
}
