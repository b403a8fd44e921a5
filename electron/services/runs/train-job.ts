// What an engine process is told to train, from a run's options: one place, so a run, its resume
// and the launcher's warm-up train exactly the same network on the same data.
import { join } from 'node:path';
import type { Dataset, RunRequest } from '../../../shared/contract';
import { DEFAULT_EPOCHS } from '../../../shared/progress';
import type { TrainJob } from '../../engine/protocol';
import { DIVERSE, type HealthBest } from '../../../shared/health';
import type { StyleGan2Config } from '../../formats/stylegan2-layout';
import { findNetwork } from '../networks/network-store';
import type { Project } from '../projects/project';

/** The best diversity, precision and recall any checkpoint of these runs reached: health judges a resumed run against them. */
export function bestHealthBefore(project: Project, runIds: number[]): HealthBest {
  if (runIds.length === 0) return { diversity: 0, precision: 0, recall: 0 };
  const row = project.db
    .prepare(
      // As the engine keeps it (checkpoint-review.ts): only diverse samples' precision counts.
      `SELECT max(json_extract(metrics, '$.diversity')) AS diversity,
              max(CASE WHEN json_extract(metrics, '$.diversity') >= ? THEN json_extract(metrics, '$.precision') END) AS precision,
              max(json_extract(metrics, '$.recall')) AS recall
       FROM run_health WHERE run_id IN (${runIds.map(() => '?').join(',')}) AND verdict != 'untrained'`,
    )
    .get(DIVERSE, ...runIds) as Record<keyof HealthBest, number | null>;
  return { diversity: row.diversity ?? 0, precision: row.precision ?? 0, recall: row.recall ?? 0 };
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

export function trainJobFor(project: Project, o: RunRequest, dataset: Dataset, runDir: string, from: TrainJob['from'], healthBefore?: HealthBest): TrainJob {
  const network = startingNetwork(project, o);
  return {
    healthBefore,
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
