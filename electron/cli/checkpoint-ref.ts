// A run's checkpoint as a command line names it: by where it is (its epoch, or its kimg) or as the
// best one by a quality metric measured on the run ("best:swd", "best:recall-face").
import type { Checkpoint, Run } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { checkpointAt, describeAt, progressUnit } from '../../shared/progress';
import { bestCheckpoint, QUALITY_NAMES } from '../../shared/quality';
import type { Project } from '../services/projects/project';
import { runQuality } from '../services/quality/quality-store';
import { listCheckpoints } from '../services/runs/run-store';

export const CHECKPOINT_REF_HELP = 'AT (its epoch or kimg) or best:METRIC (by a quality measured on the run: ' + Object.keys(QUALITY_NAMES).join(', ') + ')';

export function checkpointByRef(project: Project, run: Run, ref: string): Checkpoint {
  const unit = progressUnit(run.options);
  const all = listCheckpoints(project, run.id);
  if (ref.startsWith('best:')) {
    const name = ref.slice('best:'.length);
    if (!QUALITY_NAMES[name]) throw new AppError('invalid_request', `"${name}" is not a quality metric: one of ${Object.keys(QUALITY_NAMES).join(', ')}`);
    const best = bestCheckpoint(runQuality(project, run.id).checkpoints, name);
    if (!best)
      throw new AppError(
        'not_found',
        `run "${run.name}" has no checkpoint measured for ${QUALITY_NAMES[name].label}: measure it first (leporello metrics --run ${run.id} --every)`,
      );
    return all.find((c) => c.id === best.checkpointId)!;
  }
  const c = all.find((x) => checkpointAt(unit, x) === Number(ref));
  if (!c)
    throw new AppError(
      'not_found',
      `run "${run.name}" has no checkpoint at ${describeAt(unit, Number(ref))} (its checkpoints, in ${unit}: ${all.map((x) => checkpointAt(unit, x)).join(', ') || 'none'})`,
    );
  return c;
}
