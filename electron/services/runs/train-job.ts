// What an engine process is told to train, from a run's options: one place, so a run, its resume
// and the launcher's warm-up train exactly the same network on the same data.
import { join } from 'node:path';
import type { Dataset, RunRequest } from '../../../shared/contract';
import { DEFAULT_EPOCHS } from '../../../shared/progress';
import type { TrainJob } from '../../engine/protocol';
import { DIVERSE } from '../../../shared/health';
import type { StyleGan2Config } from '../../formats/stylegan2-layout';
import { findNetwork } from '../networks/network-store';
import type { Project } from '../projects/project';

/** Whether any checkpoint of these runs had diverse samples (health's "still learning" ends there). */
export function wasEverDiverse(project: Project, runIds: number[]): boolean {
  if (runIds.length === 0) return false;
  const row = project.db
    .prepare(`SELECT 1 FROM run_health WHERE run_id IN (${runIds.map(() => '?').join(',')}) AND json_extract(metrics, '$.diversity') >= ? LIMIT 1`)
    .get(...runIds, DIVERSE);
  return row !== undefined;
}

/** The pretrained network a StyleGAN2 run starts from: its architecture and its folder. */
export function startingNetwork(project: Project, o: RunRequest): { name: string; dir: string; config: StyleGan2Config } | null {
  if (o.network === undefined) return null;
  const network = findNetwork(project, o.network);
  return {
    name: network.name,
    dir: join(project.dir, network.path),
    config: JSON.parse((project.db.prepare('SELECT config FROM networks WHERE id = ?').get(network.id) as { config: string }).config) as StyleGan2Config,
  };
}

export function trainJobFor(project: Project, o: RunRequest, dataset: Dataset, runDir: string, from: TrainJob['from'], diverseBefore = false): TrainJob {
  const network = startingNetwork(project, o);
  return {
    diverseBefore,
    datasetDir: join(project.dir, dataset.path),
    runDir,
    tmpDir: project.tmpDir,
    backend: o.backend,
    model: {
      arch: o.arch,
      resolution: dataset.resolution,
      channels: dataset.channels,
      overrides: {
        width: o.width,
        zDim: o.zDim,
        phaseKimg: o.phaseKimg,
        emaHalfLifeKimg: o.emaHalfLifeKimg,
        batchSize: o.batchSize,
        r1Gamma: o.r1Gamma,
        plWeight: o.plWeight,
        augment: o.augment,
        adaTarget: o.adaTarget,
        freezeD: o.freezeD,
        ...(network ? { network: { ...network.config, initNetwork: network.name } } : {}),
      },
    },
    ...(network ? { initNetwork: network.dir } : {}),
    length: o.kimg !== undefined ? { unit: 'kimg', kimg: o.kimg } : { unit: 'epochs', epochs: o.epochs ?? DEFAULT_EPOCHS },
    batchSize: o.batchSize,
    dSteps: o.dSteps,
    learningRate: o.learningRate,
    beta1: o.beta1,
    beta2: o.beta2,
    seed: o.seed,
    witnesses: o.witnesses,
    checkpointEvery: o.checkpointEvery,
    from,
  };
}
