// An engine process: TensorFlow.js — its memory, a crash, an out-of-memory — kept out of the studio
// and the command line. It runs the jobs the host sends, one after another, each a plain function
// from jobs/ (registered below, one line each), and speaks protocol.ts over Electron's parentPort
// (utilityProcess) or Node's IPC channel (a forked child of the headless server or the CLI). It
// never opens a project: the host gives it paths and records what it answers.
import { CANCELLED, type FromEngine, type JobKind, type SerialisedError, type ToEngine } from './protocol';
import type { EngineJob, JobContext } from './jobs/job';
import { analysePictureJob } from './jobs/analyse-picture';
import { analyzeFeatureJob } from './jobs/analyze-feature';
import { contactSheet } from './jobs/contact-sheet';
import { drawLatentsJob } from './jobs/draw-latents';
import { generateFeatureJob } from './jobs/generate-feature';
import { inspectRun } from './jobs/inspect-run';
import { latentAverage } from './jobs/latent-average';
import { measureQuality } from './jobs/measure-quality';
import { releaseSnapshotReview, reviewSnapshot } from './jobs/review-snapshot';
import { latentSeeds } from './jobs/latent-seeds';
import { limits } from './jobs/limits';
import { probe } from './jobs/probe';
import { projectImage } from './jobs/project-image';
import { renderBook } from './jobs/render-book';
import { renderVideoJob } from './jobs/render-video';
import { sample } from './jobs/sample';
import { sampleCheckpoint } from './jobs/sample-checkpoint';
import { train } from './jobs/train';
import { warmup } from './jobs/warmup';

/** Every job kind's function: a kind without one is a compile error. */
const JOBS: { [K in JobKind]: EngineJob<K> } = {
  probe,
  train,
  warmup,
  limits,
  sample,
  'analyse-picture': analysePictureJob,
  'latent-seeds': latentSeeds,
  'latent-average': latentAverage,
  'draw-latents': drawLatentsJob,
  'project-image': projectImage,
  'render-video': renderVideoJob,
  'analyze-feature': analyzeFeatureJob,
  'generate-feature': generateFeatureJob,
  'render-book': renderBook,
  'contact-sheet': contactSheet,
  'inspect-run': inspectRun,
  'sample-checkpoint': sampleCheckpoint,
  'measure-quality': measureQuality,
  'review-snapshot': reviewSnapshot,
  'release-snapshot-review': releaseSnapshotReview,
};

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(message: FromEngine): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

function serialise(err: unknown): SerialisedError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}), ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(err) };
}

interface Running {
  controller: AbortController;
  paused: boolean;
  wake: (() => void) | null;
}

/** Jobs not yet finished, by sequence number; the first is running, the others wait their turn. */
const running = new Map<number, Running>();
let queue: Promise<void> = Promise.resolve();

function contextFor<K extends JobKind>(seq: number, state: Running): JobContext<K> {
  let started: number | null = null;
  return {
    signal: state.controller.signal,
    progress(done, total, message) {
      const now = performance.now();
      started ??= now;
      const secondsLeft = done > 0 && total > done ? ((now - started) / 1000 / done) * (total - done) : done >= total ? 0 : null;
      send({ type: 'progress', seq, progress: { done, total, secondsLeft, message } });
    },
    log: (message) => send({ type: 'log', seq, message }),
    emit: (event) => send({ type: 'event', seq, event }),
    whilePaused(at) {
      if (!state.paused || state.controller.signal.aborted) return Promise.resolve();
      send({ type: 'event', seq, event: { type: 'paused', ...at } });
      return new Promise((resolve) => (state.wake = resolve));
    },
  };
}

function start(seq: number, kind: JobKind, request: unknown): void {
  const state: Running = { controller: new AbortController(), paused: false, wake: null };
  running.set(seq, state);
  queue = queue.then(async () => {
    try {
      if (state.controller.signal.aborted) throw Object.assign(new Error(`the ${kind} job was cancelled before it began`), { name: CANCELLED });
      const job = JOBS[kind] as EngineJob<JobKind>;
      const result = await job(request as never, contextFor(seq, state));
      send({ type: 'result', seq, result });
    } catch (err) {
      send({ type: 'error', seq, error: serialise(err) });
    } finally {
      running.delete(seq);
    }
  });
}

function setPaused(seq: number, paused: boolean): void {
  const state = running.get(seq);
  if (!state) return;
  state.paused = paused;
  if (!paused) {
    state.wake?.();
    state.wake = null;
  }
}

function onMessage(message: ToEngine): void {
  switch (message.type) {
    case 'start':
      start(message.seq, message.kind, message.request);
      break;
    case 'cancel': {
      const state = running.get(message.seq);
      state?.controller.abort();
      state?.wake?.();
      break;
    }
    case 'pause':
      setPaused(message.seq, true);
      break;
    case 'continue':
      setPaused(message.seq, false);
      break;
    case 'exit':
      process.exit(0);
  }
}

if (parentPort) parentPort.on('message', (e) => onMessage(e.data as ToEngine));
else {
  process.on('message', (m) => onMessage(m as ToEngine));
  // The host is gone (killed, or crashed): nothing is left to answer to.
  process.on('disconnect', () => process.exit(0));
}

// A terminal's Ctrl-C reaches every process of its group, this one too: the engine leaves it to
// its host, which cancels its jobs as a stop from the studio does.
process.on('SIGINT', () => undefined);
