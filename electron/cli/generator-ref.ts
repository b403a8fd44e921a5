// Which generator a command draws with: --network N (an imported network, by id or name), or
// --run R (a run, by id or name) at its last checkpoint or the one at --at (its epoch or kimg).
import type { GeneratorRef } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { checkpointAt, describeAt, progressUnit } from '../../shared/progress';
import { findNetwork } from '../services/networks/network-store';
import type { Project } from '../services/projects/project';
import { findRun, listCheckpoints } from '../services/runs/run-store';

export const GENERATOR_FLAGS = { network: { type: 'string' }, run: { type: 'string' }, at: { type: 'string' } } as const;
export const GENERATOR_USAGE = '(--network N | --run R [--at EPOCH|KIMG])';
export const GENERATOR_HELP = [
  '  --network N\n      An imported network, by its id or name.',
  '  --run R\n      A run, by its id or name: its last checkpoint, or with --at the one at that epoch or kimg.',
];

export function generatorRef(project: Project, values: { network?: unknown; run?: unknown; at?: unknown }, usage: string): GeneratorRef {
  if ((values.network === undefined) === (values.run === undefined)) throw new AppError('invalid_request', `give either --network or --run; ${usage}`);
  if (values.network !== undefined) return { networkId: findNetwork(project, String(values.network)).id };
  const run = findRun(project, String(values.run));
  if (values.at === undefined) return { runId: run.id };
  const unit = progressUnit(run.options);
  const checkpoints = listCheckpoints(project, run.id);
  const at = Number(values.at);
  const c = checkpoints.find((x) => checkpointAt(unit, x) === at);
  if (!c)
    throw new AppError(
      'not_found',
      `run "${run.name}" has no checkpoint at ${describeAt(unit, at)} (its checkpoints, in ${unit}: ${checkpoints.map((x) => checkpointAt(unit, x)).join(', ') || 'none'})`,
    );
  return { runId: run.id, checkpointId: c.id };
}
