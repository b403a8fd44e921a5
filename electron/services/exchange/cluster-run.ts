// A run for NVIDIA's multi-GPU trainer, prepared here: the dataset as the archive train.py reads,
// the network to fine-tune as a pickle its loader converts, and train.sh with the command that
// trains them with the launcher's settings. Written into one folder, to copy to the cluster whole.
import { join } from 'node:path';
import sharp from 'sharp';
import type { ClusterRequest } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { isStyleGanV1 } from '../../formats/stylegan-layout';
import { ClusterCommandError, nvidiaTrainCommand, type ClusterTrainCommand, type ClusterTrainSettings } from '../../../shared/nvidia-train';
import { atomicWrite } from '../../formats/atomic-write';
import { DatasetFile } from '../../formats/dataset-file';
import { readNetworkManifest } from '../../formats/network-file';
import { getDataset } from '../datasets/datasets';
import { findNetwork } from '../networks/network-store';
import type { Project } from '../projects/project';
import { exportNetworkPickle } from './network-export';
import { writeZip } from './zip';

const slug = (s: string) => s.replace(/[^\p{L}\p{N}_.-]+/gu, '-');

/** Why train.py cannot train this run, when it cannot. */
export class ClusterRefusal extends AppError {
  constructor(message: string) {
    super('invalid_request', message);
  }
}

/** The command for an archive with these properties, resuming from the project's network `networkId` when given. */
export async function clusterCommand(
  project: Project,
  archive: { file: string; resolution: number; classes: number | null; mirror: boolean },
  settings: Omit<ClusterTrainSettings, 'archive' | 'resolution' | 'classes' | 'mirror' | 'resume'> & { networkId?: number },
): Promise<ClusterTrainCommand & { resumeFile: string | null }> {
  let resume: ClusterTrainSettings['resume'];
  if (settings.networkId !== undefined) {
    const network = findNetwork(project, settings.networkId);
    const { config } = await readNetworkManifest(join(project.dir, network.path));
    if (isStyleGanV1(config))
      throw new AppError(
        'invalid_request',
        `network "${network.name}" is a StyleGAN (v1) network; NVIDIA's stylegan2-ada train.py resumes StyleGAN2 networks only: fine-tune it in the studio, or train from scratch on the cluster`,
      );
    resume = { file: `${slug(network.name)}.pkl`, shape: config };
  }
  try {
    const command = nvidiaTrainCommand({
      ...settings,
      archive: archive.file,
      resolution: archive.resolution,
      classes: archive.classes,
      mirror: archive.mirror,
      resume,
    });
    return { ...command, resumeFile: resume?.file ?? null };
  } catch (err) {
    if (err instanceof ClusterCommandError) throw new ClusterRefusal(err.message);
    throw err;
  }
}

/** train.sh: what to copy where, then the command. */
export function trainScript(command: ClusterTrainCommand, files: string[]): string {
  return [
    '#!/bin/sh',
    "# Train on a cluster with NVIDIA's stylegan2-ada-pytorch (written by Leporello).",
    `# Copy ${files.join(', ')} and this file into a checkout of https://github.com/NVlabs/stylegan2-ada-pytorch`,
    '# on the cluster, and run it there: sh train.sh. Snapshots (network-snapshot-*.pkl) go to training-runs/.',
    ...command.notes.map((n) => `# ${n}`),
    'set -e',
    'cd "$(dirname "$0")"',
    command.command,
    '',
  ].join('\n');
}

/** A dataset's packed images as the archive train.py reads: PNGs at its size and colour mode, with its classes as labels when it has them. */
async function datasetArchive(project: Project, datasetId: number, file: string): Promise<number> {
  const dataset = getDataset(project, datasetId);
  const data = await DatasetFile.open(join(project.dir, dataset.path));
  try {
    const { count, resolution, channels, labels: classes } = data.meta;
    const entries = [];
    const labels: [string, number][] = [];
    for (let i = 0; i < count; i++) {
      const id = String(i).padStart(8, '0');
      const name = `${id.slice(0, 5)}/img${id}.png`;
      const raw = await data.readBatch([i]);
      entries.push({
        name,
        data: await sharp(raw, { raw: { width: resolution, height: resolution, channels } })
          .png()
          .toBuffer(),
      });
      if (classes) labels.push([name, classes[i]!]);
    }
    entries.push({ name: 'dataset.json', data: Buffer.from(JSON.stringify({ labels: classes ? labels : null })) });
    await atomicWrite(file, writeZip(entries), project.tmpDir);
    return count;
  } finally {
    await data.close();
  }
}

/** The command for a dataset of the project; with `dir`, the folder to copy to the cluster too. */
export async function prepareClusterRun(project: Project, req: ClusterRequest, dir: string | null): Promise<ClusterTrainCommand & { files: string[] }> {
  const dataset = getDataset(project, req.datasetId);
  const archive = `${slug(dataset.name)}.zip`;
  const command = await clusterCommand(
    project,
    { file: archive, resolution: dataset.resolution, classes: dataset.classes?.values.length ?? 0, mirror: dataset.xflip },
    {
      gpus: req.gpus,
      kimg: req.kimg,
      batch: req.batchSize,
      gamma: req.r1Gamma,
      augment: req.augment,
      adaTarget: req.adaTarget,
      freezeD: req.freezeD,
      seed: req.seed,
      snapshotKimg: req.checkpointEvery,
      networkId: req.network,
    },
  );
  if (!dir) return { ...command, files: [] };
  const files = [archive];
  await datasetArchive(project, dataset.id, join(dir, archive));
  if (req.network !== undefined && command.resumeFile) {
    await exportNetworkPickle(project, { networkId: req.network }, join(dir, command.resumeFile));
    files.push(command.resumeFile);
  }
  await atomicWrite(join(dir, 'train.sh'), trainScript(command, files), project.tmpDir);
  return { ...command, files: [...files, 'train.sh'] };
}
