// A run may keep the networks of only every Nth checkpoint (RunRequest.keepWeightsEvery): a
// DCGAN-64 checkpoint is 76 MB, nearly all of it weights and optimiser state, while its witness
// grid — all the timeline and the book need — is a few kB. The latest checkpoint always keeps its
// weights (a stopped or killed run resumes from it), and so does one a fork started from.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Checkpoint, Run } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { checkpointAt, describeAt, progressUnit } from '../../../shared/progress';
import type { Project } from '../projects/project';
import { listCheckpoints } from './run-store';

/** Whether checkpoint number `index` (0 = the untrained start) of a run keeping every `every`th is on the grid. */
export function onWeightGrid(index: number, every: number): boolean {
  return index % every === 0;
}

/**
 * After a checkpoint is recorded: lets the weights of the run's earlier checkpoints off the grid
 * go. The row says so first, then the file goes, so a crash in between leaves a stray file, never
 * a row pointing at weights that are not there. Returns the bytes freed.
 */
export function letWeightsGo(project: Project, runId: number, every: number): number {
  if (every <= 1) return 0;
  const checkpoints = project.db
    .prepare(
      `SELECT c.id, c.path, c.bytes, c.weights_kept,
         EXISTS (SELECT 1 FROM runs r WHERE r.parent_checkpoint_id = c.id) AS forked
       FROM checkpoints c WHERE c.run_id = ? ORDER BY c.images_seen`,
    )
    .all(runId) as { id: number; path: string; bytes: number; weights_kept: number; forked: number }[];
  const mark = project.db.prepare('UPDATE checkpoints SET weights_kept = 0 WHERE id = ?');
  let freed = 0;
  for (const [i, c] of checkpoints.slice(0, -1).entries()) {
    if (!c.weights_kept || c.forked || onWeightGrid(i, every)) continue;
    mark.run(c.id);
    rmSync(join(project.dir, c.path), { force: true });
    freed += c.bytes;
  }
  return freed;
}

/** The checkpoints of a run that still hold their networks. */
export function checkpointsWithWeights(project: Project, runId: number): Checkpoint[] {
  return listCheckpoints(project, runId).filter((c) => c.weightsKept);
}

/**
 * The checkpoint `checkpointId` of `run` (its latest with weights when not given), refused with
 * the ones that can be used instead when its weights were let go.
 */
export function requireWeights(project: Project, run: Run, checkpointId: number | undefined, use: string): Checkpoint {
  const all = listCheckpoints(project, run.id);
  const kept = all.filter((c) => c.weightsKept);
  const chosen = checkpointId === undefined ? kept.at(-1) : all.find((c) => c.id === checkpointId);
  if (!chosen)
    throw new AppError('not_found', `run "${run.name}" has no ${checkpointId === undefined ? 'checkpoint yet' : `checkpoint #${checkpointId}`} to ${use}`);
  if (!chosen.weightsKept) throw new AppError('not_found', withoutWeights(run, chosen, kept, use));
  return chosen;
}

/** "the checkpoint of epoch 4 of "r" kept only its witnesses (…): sample epoch 3 or 6 instead". */
export function withoutWeights(run: Run, chosen: Checkpoint, kept: Checkpoint[], use: string): string {
  const unit = progressUnit(run.options);
  const at = checkpointAt(unit, chosen);
  const nearest = [...kept].sort((a, b) => Math.abs(checkpointAt(unit, a) - at) - Math.abs(checkpointAt(unit, b) - at)).slice(0, 2);
  return (
    `the checkpoint of ${describeAt(unit, at)} of "${run.name}" kept only its witnesses (the run keeps the networks of one checkpoint in ${run.options.keepWeightsEvery ?? 1}), so there is nothing to ${use}` +
    (nearest.length ? `: use ${nearest.map((c) => describeAt(unit, checkpointAt(unit, c))).join(' or ')} instead` : '')
  );
}
