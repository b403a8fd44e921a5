// The project's record of measured quality: one row per metric and measurement, with the settings
// it was taken with; a run's series reads, per checkpoint, the newest full measurement of each
// metric, else the quick one taken while it trained.
import { checkpointAt, progressUnit } from '../../../shared/progress';
import type { Project } from '../projects/project';
import { getRun, listCheckpoints } from '../runs/run-store';

export type QualityTarget = { checkpointId: number } | { networkId: number };

export interface QualitySettings {
  samples: number;
  reals: number;
  seed: number;
  features: string;
}

export function recordQuality(
  project: Project,
  target: QualityTarget,
  datasetId: number,
  values: Record<string, number>,
  settings: QualitySettings,
  options: { quick?: boolean; detail?: Record<string, unknown> } = {},
): void {
  const insert = project.db.prepare(
    'INSERT INTO quality (checkpoint_id, network_id, dataset_id, name, value, detail, settings, quick, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const now = new Date().toISOString();
  const [checkpoint, network] = 'checkpointId' in target ? [target.checkpointId, null] : [null, target.networkId];
  project.db.transaction(() => {
    for (const [name, value] of Object.entries(values)) {
      insert.run(
        checkpoint,
        network,
        datasetId,
        name,
        value,
        JSON.stringify(options.detail?.[name] ?? {}),
        JSON.stringify(settings),
        options.quick ? 1 : 0,
        now,
      );
    }
  })();
}

/** Per checkpoint of a run: each metric's newest full value, else its newest quick one (named in `quick`). */
export function qualityByCheckpoint(project: Project, runId: number): Map<number, { values: Record<string, number>; quick: string[] }> {
  const rows = project.db
    .prepare(
      `SELECT q.checkpoint_id AS checkpointId, q.name, q.value, q.quick FROM quality q JOIN checkpoints c ON c.id = q.checkpoint_id
        WHERE c.run_id = ? ORDER BY q.quick DESC, q.id`,
    )
    .all(runId) as { checkpointId: number; name: string; value: number; quick: number }[];
  const out = new Map<number, { values: Record<string, number>; quick: string[] }>();
  // Quick rows first, full ones after: a full value replaces a quick one, a newer one an older one.
  for (const r of rows) {
    const entry = out.get(r.checkpointId) ?? { values: {}, quick: [] };
    entry.values[r.name] = r.value;
    entry.quick = r.quick ? [...new Set([...entry.quick, r.name])] : entry.quick.filter((n) => n !== r.name);
    out.set(r.checkpointId, entry);
  }
  return out;
}

/** A run's quality over its checkpoints, for the run view's curves. */
export function runQuality(
  project: Project,
  runId: number,
): { unit: 'epochs' | 'kimg'; checkpoints: { checkpointId: number; at: number; values: Record<string, number>; quick: string[]; weightsKept: boolean }[] } {
  const run = getRun(project, runId);
  const unit = progressUnit(run.options);
  const byCheckpoint = qualityByCheckpoint(project, runId);
  return {
    unit,
    checkpoints: listCheckpoints(project, runId).flatMap((c) => {
      const q = byCheckpoint.get(c.id);
      return q ? [{ checkpointId: c.id, at: checkpointAt(unit, c), ...q, weightsKept: c.weightsKept }] : [];
    }),
  };
}
