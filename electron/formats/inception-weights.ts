// The Inception weights FID needs, once imported: inception.json (where they came from, a table of
// tensors) beside inception.bin (float32, little-endian, PyTorch's layout), in the studio's own
// folder, shared by every project. Loading is one read; nothing of the original file is parsed again.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite, atomicWriteChunks } from './atomic-write';
import { inceptionTensorShapes } from './inception-layout';

export interface InceptionManifest {
  format: 'leporello-inception';
  version: 1;
  source: { file: string; sha256: string };
  tensors: { name: string; shape: number[]; offset: number; length: number }[];
}

const MANIFEST = 'inception.json';
const WEIGHTS = 'inception.bin';

/** Where the imported weights live under the studio's home (see studio-paths). */
export const inceptionDir = (studioHome: string) => join(studioHome, 'inception-2015-12-05');
export const inceptionManifestPath = (dir: string) => join(dir, MANIFEST);

export async function writeInceptionWeights(
  dir: string,
  source: InceptionManifest['source'],
  tensors: Map<string, { shape: number[]; readonly data: Float32Array }>,
): Promise<void> {
  const table: InceptionManifest['tensors'] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    table.push({ name, shape: t.shape, offset, length: t.data.length });
    offset += t.data.length;
  }
  function* chunks(): Generator<Uint8Array> {
    for (const { name } of table) {
      const data = tensors.get(name)!.data;
      yield new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    }
  }
  // The weights first: a manifest is only ever beside the weights it describes.
  await atomicWriteChunks(join(dir, WEIGHTS), chunks());
  await atomicWrite(join(dir, MANIFEST), JSON.stringify({ format: 'leporello-inception', version: 1, source, tensors: table } satisfies InceptionManifest));
}

export async function readInceptionManifest(dir: string): Promise<InceptionManifest> {
  const manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as InceptionManifest;
  if (manifest.format !== 'leporello-inception' || manifest.version !== 1)
    throw new Error(`${join(dir, MANIFEST)}: not Leporello's Inception weights (version 1)`);
  return manifest;
}

export async function readInceptionWeights(dir: string): Promise<{ manifest: InceptionManifest; tensors: Map<string, Float32Array> }> {
  const manifest = await readInceptionManifest(dir);
  const raw = await readFile(join(dir, WEIGHTS));
  const aligned = raw.byteOffset % 4 === 0 ? raw : Uint8Array.from(raw);
  const floats = new Float32Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.byteLength / 4));
  const expected = inceptionTensorShapes();
  const tensors = new Map<string, Float32Array>();
  for (const t of manifest.tensors) {
    const shape = expected.get(t.name);
    if (!shape || shape.join() !== t.shape.join() || t.offset + t.length > floats.length)
      throw new Error(`${join(dir, WEIGHTS)} does not match its manifest at ${t.name}: import the Inception weights again (leporello inception FILE)`);
    tensors.set(t.name, floats.subarray(t.offset, t.offset + t.length));
  }
  return { manifest, tensors };
}
