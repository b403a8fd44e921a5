// The host's side of an engine process: start a typed job, follow its progress and events, cancel,
// pause or continue it, and get its result or its error back as a promise. The process starts with
// the first job and lives until close(), so that a generator or a face detector loaded by one job
// serves the next; a crash rejects every job not yet answered, with the last words it wrote.
import { ErrorCode } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { CANCELLED, type FromEngine, type JobEventOf, type JobKind, type JobProgressMessage, type JobRequestOf, type JobResultOf } from '../../engine/protocol';
import type { EngineHandle, EngineLauncher } from './engine-launcher';

export interface JobHooks<K extends JobKind> {
  onProgress?: (progress: JobProgressMessage) => void;
  onEvent?: (event: JobEventOf<K>) => void;
  onLog?: (message: string) => void;
  /** Aborting cancels the job; its promise then rejects with an EngineJobError named Cancelled. */
  signal?: AbortSignal;
}

/** A job's failure as the engine reported it (its name, message and stack), or the process's end. */
export class EngineJobError extends Error {
  constructor(
    name: string,
    message: string,
    readonly engineStack?: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = name;
  }

  get cancelled(): boolean {
    return this.name === CANCELLED || this.code === 'cancelled';
  }
}

/** The engine process ended before it answered: its exit code or signal, and its last words. */
export class EngineExitError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly signal: string | null,
  ) {
    super(message);
    this.name = 'EngineExit';
  }
}

interface Pending {
  hooks: JobHooks<JobKind>;
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
}

export class EngineClient {
  private engine: EngineHandle | null = null;
  private exited: Promise<void> | null = null;
  private nextSeq = 1;
  private readonly pending = new Map<number, Pending>();
  /** The promises of the jobs not yet answered, for close() to wait on. */
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly exitListeners: ((err: EngineExitError) => void)[] = [];

  constructor(private readonly launch: EngineLauncher) {}

  /** The operating system's id of the engine process, once it has started. */
  get pid(): number | undefined {
    return this.engine?.pid;
  }

  get started(): boolean {
    return this.engine !== null;
  }

  /** Runs one job in the engine process (starting it if need be). */
  run<K extends JobKind>(kind: K, request: JobRequestOf<K>, hooks: JobHooks<K> = {}): Promise<JobResultOf<K>> {
    const engine = this.ensure();
    const seq = this.nextSeq++;
    const job = new Promise<JobResultOf<K>>((resolve, reject) => {
      const onAbort = () => {
        if (this.pending.has(seq)) engine.send({ type: 'cancel', seq });
      };
      const settle = () => hooks.signal?.removeEventListener('abort', onAbort);
      this.pending.set(seq, {
        hooks: hooks as JobHooks<JobKind>,
        resolve: (r) => {
          settle();
          resolve(r as JobResultOf<K>);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      });
      hooks.signal?.addEventListener('abort', onAbort);
      engine.send({ type: 'start', seq, kind, request } as never);
      if (hooks.signal?.aborted) onAbort();
    });
    this.inflight.add(job);
    const forget = () => this.inflight.delete(job);
    job.then(forget, forget);
    return job;
  }

  /** Training only: holds the jobs running now between two steps, or lets them go on. */
  pause(): void {
    for (const seq of this.pending.keys()) this.engine?.send({ type: 'pause', seq });
  }

  continue(): void {
    for (const seq of this.pending.keys()) this.engine?.send({ type: 'continue', seq });
  }

  /** Called once if the process ends while jobs are still unanswered. */
  onUnexpectedExit(listener: (err: EngineExitError) => void): void {
    this.exitListeners.push(listener);
  }

  /** Ends the process once its jobs are answered (or at once, cancelling them, when `cancel`). */
  async close({ cancel = false } = {}): Promise<void> {
    const engine = this.engine;
    if (!engine) return;
    if (cancel) for (const seq of this.pending.keys()) engine.send({ type: 'cancel', seq });
    await Promise.allSettled(this.inflight);
    engine.send({ type: 'exit' });
    await this.exited;
  }

  /** Kills the process (a test's SIGKILL; a host that cannot wait). */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.engine?.kill(signal);
  }

  private ensure(): EngineHandle {
    if (this.engine) return this.engine;
    const engine = this.launch();
    this.engine = engine;
    engine.onMessage((m) => this.receive(m));
    this.exited = new Promise((resolve) =>
      engine.onExit((code, signal) => {
        const last = engine.stderrTail().trim().split('\n').filter(Boolean).at(-1);
        const err = new EngineExitError(
          `the engine process ended unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})${last ? `: ${last.slice(0, 300)}` : ''}`,
          code,
          signal,
        );
        const unanswered = [...this.pending.values()];
        this.pending.clear();
        this.engine = null;
        for (const p of unanswered) p.reject(err);
        if (unanswered.length) for (const l of this.exitListeners) l(err);
        resolve();
      }),
    );
    return engine;
  }

  private receive(m: FromEngine): void {
    const p = this.pending.get(m.seq);
    if (!p) return;
    switch (m.type) {
      case 'progress':
        p.hooks.onProgress?.(m.progress);
        break;
      case 'log':
        p.hooks.onLog?.(m.message);
        break;
      case 'event':
        p.hooks.onEvent?.(m.event as never);
        break;
      case 'result':
        this.pending.delete(m.seq);
        p.resolve(m.result);
        break;
      case 'error':
        this.pending.delete(m.seq);
        p.reject(new EngineJobError(m.error.name, m.error.message, m.error.stack, m.error.code));
        break;
    }
  }
}

/** An engine error as the studio's error: a cancel, something the request asked wrongly, or a crash. */
export function asAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof EngineJobError) {
    if (err.cancelled) return new AppError('cancelled', err.message);
    // The engine refused what it was given (a bad file, a network of the wrong kind): its own words.
    const code = ErrorCode.safeParse(err.code);
    return new AppError(code.success ? code.data : 'unavailable', err.message);
  }
  return new AppError('internal', err instanceof Error ? err.message : String(err));
}
