// What a job of the engine sees of the process around it: its cancel signal, and three ways to
// speak — progress (with the time left at the pace so far), a log line, an event of its own kind.
// A job is a plain async function of its request; engine-main.ts is the thin adapter to messages.
import { CANCELLED, type JobEventOf, type JobKind, type JobRequestOf, type JobResultOf } from '../protocol';

export interface JobContext<K extends JobKind> {
  /** Aborted when the host cancels the job. */
  readonly signal: AbortSignal;
  /** Step, frame or picture `done` of `total`; the time left is estimated from the pace since the first call. */
  progress(done: number, total: number, message: string): void;
  log(message: string): void;
  emit(event: JobEventOf<K>): void;
  /** Training only: resolves at once, or once a paused job is continued or cancelled. */
  whilePaused(at: { step: number; imagesSeen: number }): Promise<void>;
}

export type EngineJob<K extends JobKind> = (request: JobRequestOf<K>, context: JobContext<K>) => Promise<JobResultOf<K>>;

/** The error a job throws when it stops for a cancel, having left nothing half-written. */
export function cancelled(what: string): Error {
  const err = new Error(`${what} was cancelled`);
  err.name = CANCELLED;
  return err;
}

/** Throws the cancel error when the host has cancelled. */
export function throwIfCancelled(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw cancelled(what);
}

/**
 * One turn of the event loop. On the cpu and wasm backends a computation resolves in microtasks
 * only: a long loop must let the loop turn now and then, or no cancel (a message, a signal) is
 * heard until it ends.
 */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
