// A job seen from a view: started through the API, followed by its progress events, cancellable,
// and ending with its kind's typed result or its error.
import type { JobFinished, JobKind, JobProgress, JobRequest, JobResult } from '../../shared/contract';
import { api } from './api';

export class JobState {
  jobId = $state<number | null>(null);
  progress = $state<JobProgress | null>(null);
  error = $state<string | null>(null);
  running = $state(false);

  /** Runs a job to its end; its result, or null when it failed or was cancelled (`error` says why). */
  async run<K extends JobKind>(request: Extract<JobRequest, { kind: K }>): Promise<JobResult<K> | null> {
    this.error = null;
    this.progress = null;
    this.running = true;
    let stopProgress = () => {};
    let stopFinished = () => {};
    try {
      // A quick job (arithmetic) can end before jobs.start has answered with its id: every end
      // heard meanwhile is kept, and the one with our id taken once the id is known.
      const heard = new Map<number, JobFinished>();
      let resolveEnd!: (f: JobFinished) => void;
      const ended = new Promise<JobFinished>((resolve) => (resolveEnd = resolve));
      stopProgress = api.on('job.progress', (p) => {
        if (p.jobId === this.jobId) this.progress = p;
      });
      stopFinished = api.on('job.finished', (f) => {
        if (f.jobId === this.jobId) resolveEnd(f);
        else if (this.jobId === null) heard.set(f.jobId, f);
      });
      this.jobId = (await api.call('jobs.start', request)).jobId;
      const early = heard.get(this.jobId);
      if (early) resolveEnd(early);
      const finished = await ended;
      if (!finished.ok) {
        this.error = finished.error;
        return null;
      }
      // The finished event of the job this view started: the kind it asked for.
      return finished.kind === request.kind ? (finished.result as JobResult<K>) : null;
    } catch (err) {
      this.error = (err as Error).message;
      return null;
    } finally {
      stopProgress();
      stopFinished();
      this.running = false;
      this.jobId = null;
    }
  }

  cancel(): void {
    if (this.jobId !== null) void api.call('jobs.cancel', { jobId: this.jobId });
  }
}
