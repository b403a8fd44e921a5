// The generators the latent tools offer in the studio: imported networks (W) and every run with a
// checkpoint at its latest one — StyleGAN2 in W, DCGAN and the progressive GAN in Z — each with the
// key its latents are stored under.
import { join } from 'node:path';
import type { GeneratorRef, LatentGenerator, Run } from '../../shared/contract';
import { isStyleArch } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { checkpointAt, describeAt, progressUnit } from '../../shared/progress';
import type { GeneratorSpec } from '../engine/jobs/generator-spec';
import { getDataset } from './datasets/datasets';
import { resolveGenerator } from './networks/generator-sessions';
import { findNetwork, listNetworks } from './networks/network-store';
import type { Project } from './projects/project';
import { getRun, listCheckpoints, listRuns } from './runs/run-store';
import { requireWeights } from './runs/kept-weights';

export function listLatentGenerators(project: Project, also?: { runId: number; checkpointId: number }): LatentGenerator[] {
  const networks = listNetworks(project).map((n): LatentGenerator => ({
    ref: { networkId: n.id },
    key: `network:${n.id}`,
    label: n.name,
    arch: n.arch,
    space: 'w',
    resolution: n.resolution,
    cDim: n.cDim,
  }));
  const runs = listRuns(project).flatMap((r): LatentGenerator[] => {
    const last = listCheckpoints(project, r.id).at(-1);
    if (!last) return [];
    return [
      {
        ref: { runId: r.id, checkpointId: last.id },
        key: `run:${r.id}:${last.id}`,
        label: `${r.name} at checkpoint #${last.id}`,
        arch: r.arch,
        space: isStyleArch(r.arch) ? 'w' : 'z',
        resolution: getDataset(project, r.datasetId).resolution,
        cDim: runClasses(project, r),
      },
    ];
  });
  const extra = also ? alsoGenerator(project, also) : [];
  return [...extra, ...networks, ...runs.filter((r) => !extra.some((e) => e.key === r.key))];
}

/** One checkpoint of a run as a generator (the quality panel's best one, which need not be the latest). */
function alsoGenerator(project: Project, { runId, checkpointId }: { runId: number; checkpointId: number }): LatentGenerator[] {
  const run = getRun(project, runId);
  const c = requireWeights(project, run, checkpointId, 'draw from');
  const unit = progressUnit(run.options);
  return [
    {
      ref: { runId: run.id, checkpointId: c.id },
      key: `run:${run.id}:${c.id}`,
      label: `${run.name} at ${describeAt(unit, checkpointAt(unit, c))}`,
      arch: run.arch,
      space: isStyleArch(run.arch) ? 'w' : 'z',
      resolution: getDataset(project, run.datasetId).resolution,
      cDim: runClasses(project, run),
    },
  ];
}

/** A run fine-tuned from a conditional network keeps its classes; one trained elsewhere has its snapshots'. */
function runClasses(project: Project, run: Run): number {
  const networkId = run.options.network;
  return networkId === undefined ? (run.origin?.cDim ?? 0) : (listNetworks(project).find((n) => n.id === networkId)?.cDim ?? 0);
}

/** The key a generator's latents are stored under (a run without a checkpoint named means its latest). */
export function generatorKeyOf(project: Project, ref: GeneratorRef): string {
  if ('networkId' in ref) return `network:${findNetwork(project, ref.networkId).id}`;
  const checkpoints = listCheckpoints(project, ref.runId);
  const c = ref.checkpointId === undefined ? checkpoints.at(-1) : checkpoints.find((x) => x.id === ref.checkpointId);
  if (!c) throw new AppError('not_found', `run #${ref.runId} has no ${ref.checkpointId === undefined ? 'checkpoint yet' : `checkpoint #${ref.checkpointId}`}`);
  return `run:${ref.runId}:${c.id}`;
}

/** A generator as a job draws with it: the key its latents are stored under, its name, and where its weights are. */
export interface JobGenerator {
  key: string;
  label: string;
  spec: GeneratorSpec;
}

export function jobGenerator(project: Project, ref: GeneratorRef): JobGenerator {
  if ('runId' in ref && !isStyleArch(getRun(project, ref.runId).arch)) {
    const run = getRun(project, ref.runId);
    const c = requireWeights(project, run, ref.checkpointId, 'draw from');
    return {
      key: `run:${run.id}:${c.id}`,
      label: `${run.name} (${run.arch}) at checkpoint #${c.id}`,
      spec: { kind: 'checkpoint', file: join(project.dir, c.path), sha256: c.sha256 },
    };
  }
  const target = resolveGenerator(project, ref);
  return { key: target.key, label: target.describe.label, spec: target.source };
}
