// Measuring a generator's quality: which checkpoints, against which real portraits, with which
// settings; the engine draws and measures, this process records.
import { join } from 'node:path';
import type { ParsedJobRequest } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { checkpointAt, progressUnit } from '../../../shared/progress';
import type { JobProgressMessage } from '../../engine/protocol';
import { getDataset } from '../datasets/datasets';
import type { EngineClient } from '../engine-host/engine-client';
import { resolveGenerator } from '../networks/generator-sessions';
import { findNetwork } from '../networks/network-store';
import type { Project } from '../projects/project';
import { getRun } from '../runs/run-store';
import { checkpointsWithWeights, requireWeights } from '../runs/kept-weights';
import { DEFAULT_QUALITY_METRICS, INCEPTION_METRICS } from '../../../shared/quality';
import { readInceptionManifest } from '../../formats/inception-weights';
import { INCEPTION_MISSING, installedInception } from './inception-import';
import { recordQuality } from './quality-store';

type MetricsRequest = Extract<ParsedJobRequest, { kind: 'metrics' }>;

/** The seed that fixes SWD's neighbourhoods and directions and KID's subsets, for every measurement. */
export const QUALITY_SEED = 0x5d0;

export interface Measured {
  checkpointId: number | null;
  at: number | null;
  values: Record<string, number>;
}

export async function measureQuality(
  project: Project,
  engine: EngineClient,
  request: MetricsRequest,
  hooks: { signal: AbortSignal; onProgress: (p: JobProgressMessage) => void },
): Promise<{ measured: Measured[]; samples: number; reals: number; seconds: number; backend: string }> {
  const started = performance.now();
  const { source } = request;
  const targets: {
    checkpointId: number | null;
    networkId: number | null;
    at: number | null;
    label: string;
    generator: ReturnType<typeof resolveGenerator>['source'] | { kind: 'checkpoint'; file: string; sha256: string };
  }[] = [];
  let datasetId: number;
  if ('networkId' in source) {
    const network = findNetwork(project, source.networkId);
    datasetId = getDataset(project, source.datasetId).id;
    targets.push({
      checkpointId: null,
      networkId: network.id,
      at: null,
      label: network.name,
      generator: resolveGenerator(project, { networkId: network.id }).source,
    });
  } else {
    const run = getRun(project, source.runId);
    datasetId = run.datasetId;
    const unit = progressUnit(run.options);
    // Every checkpoint that still has its networks, or the one asked for (refused, with the ones
    // that can be measured, where its weights were let go).
    const chosen = source.every ? checkpointsWithWeights(project, run.id) : [requireWeights(project, run, source.checkpointId, 'measure')];
    for (const c of chosen)
      targets.push({
        checkpointId: c.id,
        networkId: null,
        at: checkpointAt(unit, c),
        label: `${run.name} at ${checkpointAt(unit, c)} ${unit}`,
        generator: { kind: 'checkpoint', file: join(project.dir, c.path), sha256: c.sha256 },
      });
  }
  const dataset = getDataset(project, datasetId);
  // True FID and KID wherever the Inception weights are installed; asked for without them, say how to get them.
  const inceptionDir = installedInception();
  const metrics = request.metrics ?? [...DEFAULT_QUALITY_METRICS, ...(inceptionDir ? INCEPTION_METRICS : [])];
  const wantsInception = metrics.some((m) => (INCEPTION_METRICS as readonly string[]).includes(m));
  if (wantsInception && !inceptionDir) throw new AppError('invalid_request', INCEPTION_MISSING);
  const inceptionSource = wantsInception ? (await readInceptionManifest(inceptionDir!)).source : null;
  const features = [
    ...(metrics.some((m) => m === 'kid' || m === 'fd' || m === 'pr') ? ['face-api recognition (128-d)'] : []),
    ...(inceptionSource ? [`Inception 2015-12-05 pool (2048-d, sha256 ${inceptionSource.sha256.slice(0, 12)})`] : []),
  ].join('; ');
  const measured: Measured[] = [];
  let last = { samples: 0, reals: 0, backend: '' };
  for (const [i, t] of targets.entries()) {
    const result = await engine.run(
      'measure-quality',
      {
        generator: t.generator,
        backend: request.backend,
        datasetDir: join(project.dir, dataset.path),
        metrics,
        samples: request.samples,
        reals: request.reals,
        seed: QUALITY_SEED,
        ...(wantsInception ? { inceptionDir: inceptionDir! } : {}),
      },
      {
        signal: hooks.signal,
        // One checkpoint after the other: the whole job's progress counts them.
        onProgress: (p) =>
          hooks.onProgress({
            ...p,
            done: i * p.total + p.done,
            total: targets.length * p.total,
            message: targets.length > 1 ? `${t.label} (${i + 1} of ${targets.length}): ${p.message}` : p.message,
            secondsLeft: null,
          }),
      },
    );
    const settings = { samples: result.samples, reals: result.reals, seed: QUALITY_SEED, features };
    recordQuality(project, t.checkpointId !== null ? { checkpointId: t.checkpointId } : { networkId: t.networkId! }, datasetId, result.values, settings, {
      detail: result.swdLevels ? { swd: { levels: result.swdLevels } } : {},
    });
    measured.push({ checkpointId: t.checkpointId, at: t.at, values: result.values });
    last = result;
  }
  return { measured, samples: last.samples, reals: last.reals, seconds: (performance.now() - started) / 1000, backend: last.backend };
}
