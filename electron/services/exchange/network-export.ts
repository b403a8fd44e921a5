// A network, or a fine-tuned run at one of its checkpoints, written as a pickle NVIDIA's tools
// load (generate.py, projector.py, StyleGAN3's visualizer, Autolume): the TensorFlow layout their
// own loader converts, so nothing in the file is code. Weights are read from the studio's own
// files (the network folder, or the checkpoint without TensorFlow.js) one network at a time.
import { join } from 'node:path';
import type { GeneratorRef } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { isStyleGanV1 } from '../../formats/stylegan-layout';
import { atomicWriteChunks } from '../../formats/atomic-write';
import { readCheckpointFile } from '../../formats/checkpoint-file';
import { readNetworkFiles } from '../../formats/network-file';
import type { StyleGan2Config } from '../../formats/stylegan2-layout';
import { resolveGenerator } from '../networks/generator-sessions';
import type { Project } from '../projects/project';
import { PickleWriter } from './pickle/pickle-writer';
import { styleGan2TfPickle, type Tensors } from './pickle/stylegan2-tf-export';

interface Networks {
  config: StyleGan2Config;
  G: Tensors | null;
  D: Tensors | null;
  G_ema: Tensors;
}

async function fromCheckpoint(file: string, sha256: string, label: string): Promise<Networks> {
  const { header, tensors } = await readCheckpointFile<{
    arch: string;
    modelConfig: { config: StyleGan2Config };
    tensors: { name: string; shape: number[] }[];
  }>(file, sha256);
  if (header.arch !== 'stylegan2')
    throw new AppError('invalid_request', `${label} is a ${header.arch} checkpoint; NVIDIA's tools load StyleGAN2 networks only`);
  const role = (prefix: string): Tensors =>
    new Map([...tensors].filter(([name]) => name.startsWith(`param:${prefix}`)).map(([name, t]) => [name.slice(`param:${prefix}`.length), t]));
  return { config: header.modelConfig.config, G: role('G/'), D: role('D/'), G_ema: role('Gs/') };
}

async function fromNetwork(dir: string): Promise<Networks> {
  const { manifest, weights } = await readNetworkFiles(dir);
  if (isStyleGanV1(manifest.config))
    throw new AppError(
      'invalid_request',
      `${manifest.source.file} is a StyleGAN (v1) network: it came from NVIDIA's pickle and NVlabs/stylegan reads that file as it is; Leporello writes StyleGAN2 pickles only`,
    );
  return { config: manifest.config, G: weights.G.size ? weights.G : null, D: weights.D.size ? weights.D : null, G_ema: weights.G_ema };
}

export interface PickleExport {
  file: string;
  bytes: number;
  /** What was written: the network's name, or the run's at its checkpoint. */
  label: string;
  license: string | null;
}

/** Writes `ref`'s networks to `file` (whole, or not at all). */
export async function exportNetworkPickle(project: Project, ref: GeneratorRef, file: string): Promise<PickleExport> {
  const resolved = resolveGenerator(project, ref);
  const { source, describe } = resolved;
  const nets = source.kind === 'network' ? await fromNetwork(source.dir) : await fromCheckpoint(source.file, source.sha256, describe.label);
  if (!nets.D)
    throw new AppError(
      'invalid_request',
      `${describe.label} was imported without its discriminator, and NVIDIA's loader needs one: import the full snapshot (G, D and G_ema) to export it`,
    );
  const { chunks, bytes } = PickleWriter.dump(styleGan2TfPickle(nets.config, { G: nets.G, D: nets.D, G_ema: nets.G_ema }));
  await atomicWriteChunks(file, chunks);
  return { file, bytes, label: describe.label, license: describe.license };
}

/** Where the studio puts an export for NVIDIA's tools, project-relative. */
export function pickleExportPath(label: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return join('renders', 'networks', `${label.replace(/[^\p{L}\p{N}_.-]+/gu, '-')}-${stamp}.pkl`);
}
