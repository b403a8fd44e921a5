// The engine process: hosts one training job in its own process, so that TensorFlow.js — its
// memory, a crash, an out-of-memory — never takes the studio or its database down. It speaks
// the protocol in protocol.ts over Electron's parentPort (utilityProcess) or Node's IPC channel
// (a forked child of the headless server or the CLI).
import { probeBackends, selectBackend } from './backends';
import type { FromEngine, ToEngine, TrainJob } from './protocol';
import { trainLoop } from './train/train-loop';
import { DatasetFile } from '../formats/dataset-file';
import type { BackendName } from './backends';
import { SamplerHost, type SampleJob, type SamplerSource } from './sampler-host';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(message: FromEngine): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

/** How long a utility process waits for the main process to acknowledge its last message. */
const EXIT_ACK_TIMEOUT_MS = 30_000;
let exitCode = 0;

/** Ends the process once everything sent has reached the main process. */
function exitAfterFlush(code: number): void {
  exitCode = code;
  if (parentPort) {
    send({ type: 'flush' });
    // The main process answers `exit`; should it never, do not linger.
    setTimeout(() => process.exit(code), EXIT_ACK_TIMEOUT_MS).unref();
  } else if (process.send) process.send({ type: 'flush' }, () => process.exit(code));
  else process.exit(code);
}

let stopRequested = false;
let paused = false;
let wake: (() => void) | null = null;

/** Resolves at once, or once a paused run is continued or stopped. */
function whilePaused(at: { step: number; imagesSeen: number }): Promise<void> {
  if (!paused || stopRequested) return Promise.resolve();
  send({ type: 'paused', ...at });
  return new Promise((resolve) => (wake = resolve));
}

function setPaused(value: boolean): void {
  paused = value;
  if (!paused || stopRequested) {
    wake?.();
    wake = null;
  }
}

async function train(job: TrainJob): Promise<void> {
  const choice = await selectBackend(job.backend, 'train');
  send({ type: 'backend', choice });
  const dataset = await DatasetFile.open(job.datasetDir);
  try {
    const result = await trainLoop(
      { ...job, runDir: job.runDir, tmpDir: job.tmpDir, dataset },
      {
        onWitnesses: (vectors) => send({ type: 'witnesses', vectors }),
        onTick: (tick) => send({ type: 'tick', tick }),
        onCheckpoint: (checkpoint) => send({ type: 'checkpoint', checkpoint }),
        onResumePoint: (point) => send({ type: 'resume-point', point }),
        shouldAbort: () => stopRequested,
        whilePaused,
      },
    );
    send({ type: 'done', result });
  } finally {
    await dataset.close();
  }
}

/**
 * Trains the job's first steps and reports the speed from the second step on: the first one
 * compiles kernels and is no guide. What it writes goes to the job's scratch folder.
 */
async function warmup(job: TrainJob, maxSteps: number, maxSeconds: number): Promise<void> {
  const choice = await selectBackend(job.backend, 'train');
  send({ type: 'backend', choice });
  const dataset = await DatasetFile.open(job.datasetDir);
  const ticks: { at: number; imagesSeen: number; stepsPerEpoch: number }[] = [];
  try {
    await trainLoop(
      { ...job, dataset },
      {
        onTick: (t) => ticks.push({ at: performance.now(), imagesSeen: t.imagesSeen, stepsPerEpoch: t.stepsPerEpoch }),
        shouldAbort: () =>
          stopRequested || ticks.length >= maxSteps || (ticks.length >= 2 && performance.now() - ticks[0]!.at > maxSeconds * 1000),
      },
    );
  } finally {
    await dataset.close();
  }
  if (ticks.length < 2) throw new Error('the warm-up was stopped before it could measure two steps');
  const first = ticks[0]!;
  const last = ticks.at(-1)!;
  const imagesPerSecond = (last.imagesSeen - first.imagesSeen) / ((last.at - first.at) / 1000);
  send({ type: 'measured', steps: ticks.length - 1, imagesPerSecond, stepsPerEpoch: first.stepsPerEpoch });
}

let samplerJobs: ((job: { id: number; job: SampleJob }) => void) | null = null;
/** Requests that came while the generator was still loading. */
const earlyJobs: { id: number; job: SampleJob }[] = [];

/** Serves `sample` requests one at a time until `stop`. */
async function sampler(source: SamplerSource, backend: BackendName | 'auto'): Promise<void> {
  const choice = await selectBackend(backend, 'sample');
  send({ type: 'backend', choice });
  const host = await SamplerHost.open(source);
  const { numWs } = await import('./models/stylegan2-networks');
  send({ type: 'sampler-ready', resolution: host.config.resolution, numWs: numWs(host.config), cDim: host.config.cDim });
  let chain = Promise.resolve();
  await new Promise<void>((finish) => {
    stopSampler = () => chain.then(finish);
    samplerJobs = ({ id, job }) => {
      chain = chain.then(() =>
        host.run(job).then(
          (result) => send({ type: 'sampled', id, result }),
          (err: unknown) => send({ type: 'sample-failed', id, message: err instanceof Error ? err.message : String(err) }),
        ),
      );
    };
    for (const early of earlyJobs.splice(0)) samplerJobs(early);
  });
  host.dispose();
}
let stopSampler: (() => void) | null = null;

function settle(work: Promise<void>): void {
  work.then(
    () => exitAfterFlush(0),
    (err: unknown) => {
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      exitAfterFlush(1);
    },
  );
}

function onMessage(message: ToEngine): void {
  if (message.type === 'stop') {
    stopRequested = true;
    setPaused(false);
    stopSampler?.();
  } else if (message.type === 'pause') setPaused(true);
  else if (message.type === 'continue') setPaused(false);
  else if (message.type === 'exit') process.exit(exitCode);
  else if (message.type === 'train') settle(train(message.job));
  else if (message.type === 'warmup') settle(warmup(message.job, message.maxSteps, message.maxSeconds));
  else if (message.type === 'sampler') settle(sampler(message.source, message.backend));
  else if (message.type === 'sample') {
    if (samplerJobs) samplerJobs(message);
    else earlyJobs.push(message);
  }
  else if (message.type === 'probe') settle(probeBackends('train').then((attempts) => send({ type: 'probed', attempts })));
}

if (parentPort) parentPort.on('message', (e) => onMessage(e.data as ToEngine));
else process.on('message', (m) => onMessage(m as ToEngine));

// A terminal's Ctrl-C reaches every process of its group, this one too: the engine leaves it to
// its host, which stops the run after the current step as a stop from the studio does.
process.on('SIGINT', () => undefined);
