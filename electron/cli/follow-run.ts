// A run followed in the foreground, as `train`, `resume` and `fork` do: progress on a terminal,
// Ctrl-C stops it cleanly (after the current step, writing a resume point), the run as it ended.
import type { Run, RunProgress } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { verdictLabel } from '../../shared/health';
import { checkpointAt, describeAt, progressUnit, trainingTarget } from '../../shared/progress';
import type { RunHandle } from '../services/runs/run-manager';
import type { Studio } from '../services/studio';
import type { Out } from './command';
import { drawProgress, print } from './output';

export function describeRun(r: Run): string {
  const unit = progressUnit(r.options);
  const last = r.lastCheckpoint ? `${describeAt(unit, checkpointAt(unit, r.lastCheckpoint))}/${trainingTarget(r.options)}` : 'no checkpoint';
  const health = r.health ? verdictLabel(r.health, unit) : '—';
  return `${r.id}\t${r.name}\t${r.status}\t${health}\t${r.arch}\t${last}\t${r.backend ?? '—'}${r.reason ? `\t${r.reason}` : ''}`;
}

/** The run's health in sentences, for the end of a command that trained: why, and what to try. */
export function describeHealth(r: Run): string {
  if (!r.health) return '';
  const lines = [
    `health: ${verdictLabel(r.health, progressUnit(r.options))}`,
    ...r.health.reasons.map((x) => `  ${x}`),
    ...r.health.advice.map((a) => `  try: ${a}`),
  ];
  return `\n${lines.join('\n')}`;
}

export async function followRun(studio: Studio, handle: RunHandle, out: Out): Promise<void> {
  for (const note of handle.notes) process.stderr.write(`note: ${note}\n`);
  const showProgress = process.stderr.isTTY && !out.json;
  if (showProgress) {
    studio.events.subscribe((m) => {
      if (m.event !== 'run.progress') return;
      const p = m.payload as RunProgress;
      drawProgress({ done: p.imagesSeen, total: p.imagesTotal, etaSeconds: p.etaSeconds, imagesPerSecond: p.imagesPerSecond });
      const where = p.epochs !== null ? `epoch ${Math.min(p.epochs, p.epoch + 1)}/${p.epochs}` : `kimg ${(p.imagesSeen / 1000).toFixed(1)}/${p.kimgTotal}`;
      const stage = p.stage ? `  ${p.stage.resolution}px${p.stage.alpha < 1 ? ` fading in ${(p.stage.alpha * 100).toFixed(0)} %` : ''}` : '';
      const ada = p.augmentP !== null ? `  ADA p ${p.augmentP.toFixed(3)}` : '';
      process.stderr.write(`${where}${stage}  D ${p.dLoss.toFixed(3)}  G ${p.gLoss?.toFixed(3) ?? '—'}${ada} `);
    });
  }
  const stop = () => studio.runs.stop(handle.run.id);
  process.once('SIGINT', stop);
  const run = await handle.done;
  process.off('SIGINT', stop);
  if (showProgress) process.stderr.write('\n');
  await studio.closeProject();
  print(out, run, `${describeRun(run)}${describeHealth(run)}`);
  if (run.status === 'failed' || run.status === 'interrupted') throw new AppError('internal', `run "${run.name}" ${run.status}: ${run.reason}`);
}
