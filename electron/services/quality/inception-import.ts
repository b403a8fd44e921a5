// True FID and KID need the Inception network of TensorFlow's 2015-12-05 graph, whose weights
// cannot be had offline. A curator who has them — PyTorch's port, pytorch-fid's
// pt_inception-2015-12-05-6726825d.pth, a torch.save state dict — imports the file once; it is
// read as data (torch-zip.ts), every tensor checked against the network's layout by name and
// shape, and kept in the studio's own format for every project.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { AppError } from '../../../shared/errors';
import { inceptionTensorShapes } from '../../formats/inception-layout';
import { inceptionDir, inceptionManifestPath, writeInceptionWeights } from '../../formats/inception-weights';
import { loadTorchZip } from '../exchange/pickle/torch-zip';
import { isTensor } from '../exchange/pickle/torch-data';
import { PickleError } from '../exchange/pickle/unpickle';
import { readUserFile } from '../fs/user-file';
import { studioPaths } from '../studio-paths';

export const INCEPTION_FILE_NAME = 'pt_inception-2015-12-05-6726825d.pth';
/** The port's 23.9 M parameters are 96 MB; a file several times that is not it. */
const MAX_BYTES = 512 * 2 ** 20;

/** Where the imported weights are, or null with what to do when there are none. */
export function installedInception(env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = inceptionDir(studioPaths(env).home);
  return existsSync(inceptionManifestPath(dir)) ? dir : null;
}

export const INCEPTION_MISSING = `true FID and KID need the Inception weights FID is defined on, which cannot be fetched here: get ${INCEPTION_FILE_NAME} (pytorch-fid's release of TensorFlow's 2015-12-05 Inception) and import it once with 'leporello inception FILE'`;

export async function importInception(file: string, env: NodeJS.ProcessEnv = process.env): Promise<{ dir: string; tensors: number; sha256: string }> {
  const bytes = await readUserFile(file, 'Inception weights file (.pth)', MAX_BYTES);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let state: unknown;
  try {
    state = loadTorchZip(bytes, file);
  } catch (err) {
    const why = err instanceof PickleError || err instanceof Error ? err.message : String(err);
    throw new AppError('invalid_request', `${file} is not a PyTorch weights file Leporello can read (${why}): give ${INCEPTION_FILE_NAME}`);
  }
  if (!(state instanceof Map)) throw new AppError('invalid_request', `${file} holds no state dict (a table of named tensors): give ${INCEPTION_FILE_NAME}`);
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, shape] of inceptionTensorShapes()) {
    const t = state.get(name);
    if (!isTensor(t)) throw new AppError('invalid_request', `${file} has no tensor ${name}: it is not the Inception network FID uses (${INCEPTION_FILE_NAME})`);
    if (t.shape.join() !== shape.join())
      throw new AppError('invalid_request', `${file}: ${name} is [${t.shape.join(', ')}] where FID's Inception has [${shape.join(', ')}]`);
    const data = t.data;
    if (!(data instanceof Float32Array)) throw new AppError('invalid_request', `${file}: ${name} holds ${t.dtype} numbers, not floating point`);
    if (!data.every(Number.isFinite)) throw new AppError('invalid_request', `${file}: ${name} holds numbers that are not finite: the file is damaged`);
    tensors.set(name, { shape, data });
  }
  const dir = inceptionDir(studioPaths(env).home);
  mkdirSync(dir, { recursive: true });
  await writeInceptionWeights(dir, { file, sha256 }, tensors);
  return { dir, tensors: tensors.size, sha256 };
}
