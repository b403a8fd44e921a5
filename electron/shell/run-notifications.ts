// Desktop notifications for what a curator waits on: a run that finished, failed or was cut off,
// and a run whose samples began collapsing or turned to noise. One per change, never one per checkpoint.
import type { EventMessage, Run } from '../../shared/contract';
import { verdictWords } from '../../shared/health';

export interface RunNotice {
  title: string;
  body: string;
  runId: number;
}

const ENDINGS: Partial<Record<Run['status'], string>> = { finished: 'finished', failed: 'failed', interrupted: 'was interrupted' };

/** Follows the event stream; answers the notice a message deserves, if any. */
export function runNotifier(): (m: EventMessage) => RunNotice | null {
  const lastStatus = new Map<number, Run['status']>();
  return (m) => {
    if (m.event === 'run.health') {
      const { runId, name, health } = m.payload as EventMessage<'run.health'>['payload'];
      return { runId, title: `Run “${name}” ${verdictWords(health.verdict)}`, body: health.reasons[0] ?? '' };
    }
    if (m.event !== 'run.changed') return null;
    const run = m.payload as Run;
    const before = lastStatus.get(run.id);
    lastStatus.set(run.id, run.status);
    const ending = ENDINGS[run.status];
    if (!ending || before === run.status) return null;
    return {
      runId: run.id,
      title: `Run “${run.name}” ${ending}`,
      body: run.reason ?? (run.health?.verdict === 'collapsing' ? 'its samples are collapsing: see its health' : 'its timeline is ready'),
    };
  };
}
