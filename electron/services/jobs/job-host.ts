// The host of long jobs for one open project: each runs in an engine process of its own (its
// TensorFlow.js, memory and crashes kept out of this process), which reports progress and answers
// a typed result; this process, the one that owns the project, records it. The studio queues them
// one at a time and hears of them as job events; the command line runs one and waits for it.
import type { JobFinished, JobKind, JobProgress, JobRequest, JobResult, ParsedJobRequest } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { EventBus } from '../../api/event-bus';
import type { JobProgressMessage } from '../../engine/protocol';
import { asAppError, EngineClient } from '../engine-host/engine-client';
import type { EngineLauncher } from '../engine-host/engine-launcher';
import type { Project } from '../projects/project';
import type { HostJob } from './job-context';
import { HOST_JOBS } from './kinds';

interface Queued {
  id: number;
  request: ParsedJobRequest;
  controller: AbortController;
}

export interface RunOptions {
  onProgress?: (progress: JobProgressMessage) => void;
  signal?: AbortSignal;
  /** The command line's --out: the file to write instead of one named under renders/. */
  out?: string;
}

export class JobHost {
  private nextId = 1;
  private readonly queue: Queued[] = [];
  private current: Queued | null = null;
  /** Settles when the queue has emptied. */
  private drained: Promise<void> = Promise.resolve();

  constructor(
    private readonly project: Project,
    private readonly events: EventBus,
    private readonly launch: EngineLauncher,
    private readonly studioHome: string,
  ) {}

  /** Runs one job to its end: its result, or its error (an AppError; code 'cancelled' for a cancel). */
  async run<K extends JobKind>(request: Extract<ParsedJobRequest, { kind: K }>, options: RunOptions = {}): Promise<JobResult<K>> {
    const engine = new EngineClient(this.launch);
    const controller = new AbortController();
    const forward = () => controller.abort();
    options.signal?.addEventListener('abort', forward);
    if (options.signal?.aborted) controller.abort();
    try {
      const job = HOST_JOBS[request.kind] as HostJob<K>;
      return await job(request, {
        project: this.project,
        studioHome: this.studioHome,
        engine,
        signal: controller.signal,
        onProgress: options.onProgress ?? (() => undefined),
        ...(options.out ? { out: options.out } : {}),
      });
    } catch (err) {
      const e = asAppError(err);
      throw controller.signal.aborted && e.code !== 'cancelled' ? new AppError('cancelled', `${describe(request)} was cancelled; nothing was written`) : e;
    } finally {
      options.signal?.removeEventListener('abort', forward);
      await engine.close({ cancel: true });
    }
  }

  /** Queues a job for the studio; it reports as job.progress and job.finished events. */
  start(request: ParsedJobRequest): { jobId: number } {
    const job: Queued = { id: this.nextId++, request, controller: new AbortController() };
    this.queue.push(job);
    if (this.current) this.progress(job, { done: 0, total: 1, secondsLeft: null, message: 'waiting for the job before it' });
    this.pump();
    return { jobId: job.id };
  }

  cancel(jobId: number): boolean {
    const waiting = this.queue.findIndex((j) => j.id === jobId);
    if (waiting >= 0) {
      const [job] = this.queue.splice(waiting, 1);
      this.finish({ jobId, kind: job!.request.kind, ok: false, result: null, error: 'cancelled before it began', cancelled: true });
      return true;
    }
    if (this.current?.id !== jobId) return false;
    this.current.controller.abort();
    return true;
  }

  /** Ends the running job and forgets the waiting ones (the project is closing). */
  async stop(): Promise<void> {
    this.queue.length = 0;
    this.current?.controller.abort();
    await this.drained;
  }

  private pump(): void {
    if (this.current) return;
    this.drained = (async () => {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) {
        this.current = job;
        try {
          const result = await this.run(job.request, { signal: job.controller.signal, onProgress: (p) => this.progress(job!, p) });
          this.finish({ jobId: job.id, kind: job.request.kind, ok: true, result, error: null, cancelled: false } as JobFinished);
        } catch (err) {
          const e = asAppError(err);
          this.finish({ jobId: job.id, kind: job.request.kind, ok: false, result: null, error: e.message, cancelled: e.code === 'cancelled' });
        }
      }
      this.current = null;
    })();
  }

  private progress(job: Queued, p: JobProgressMessage): void {
    this.events.emit('job.progress', { jobId: job.id, kind: job.request.kind, ...p } satisfies JobProgress);
  }

  private finish(finished: JobFinished): void {
    this.events.emit('job.finished', finished);
  }
}

/** What each kind of job makes, in a message. */
const WHAT: Record<JobKind, string> = {
  seeds: 'drawing latents from seeds',
  draw: 'the drawing',
  path: 'the path',
  arithmetic: 'the arithmetic',
  project: 'the projection',
  video: 'the video',
  analyze: 'the analysis',
  generate: 'the generation',
  leporello: 'the book',
  metrics: 'the measurement',
  'contact-sheet': 'the contact sheet',
  'import-run': 'the import of the run',
  'fetch-network': 'the download',
};

function describe(request: JobRequest): string {
  return WHAT[request.kind];
}
