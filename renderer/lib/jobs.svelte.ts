// A generator job seen from a view: started through the API, followed by its progress events,
// cancellable, and ending with the CLI's answer or its error.
import type { JobProgress, JobRequest } from '../../shared/contract';
import { api } from './api';

export class JobState {
  jobId = $state<number | null>(null);
  progress = $state<JobProgress | null>(null);
  error = $state<string | null>(null);
  running = $state(false);

  /** Runs a job to its end; the answer, or null when it failed or was cancelled (`error` says why). */
  async run<T>(request: JobRequest): Promise<T | null> {
    this.error = null;
    this.progress = null;
    this.running = true;
    let stopProgress = () => {};
    let stopFinished = () => {};
    try {
      const ended = new Promise<{ ok: boolean; result: unknown; error: string | null }>((resolve) => {
        stopProgress = api.on('job.progress', (p) => {
          if (p.jobId === this.jobId) this.progress = p;
        });
        stopFinished = api.on('job.finished', (f) => {
          if (f.jobId === this.jobId) resolve(f);
        });
      });
      this.jobId = (await api.call('jobs.start', request)).jobId;
      const finished = await ended;
      if (!finished.ok) this.error = finished.error;
      return finished.ok ? (finished.result as T) : null;
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
