// A run trained elsewhere — a folder NVIDIA's train.py wrote (network-snapshot-NNNNNN.pkl,
// training_options.json, stats.jsonl, log.txt) — brought in as a Leporello run: one checkpoint
// per snapshot at its kimg, reviewed as training reviews a checkpoint (the witnesses drawn from
// the run's fixed latents, health, quick quality), the losses and ADA's p charted from
// stats.jsonl, and the trainer's own options kept with the run. Snapshots are read one at a time:
// each is converted, handed to the engine and let go before the next is opened.
import { readdir, rm } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { RunRequest, type RunOrigin } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { JobProgressMessage } from '../../engine/protocol';
import type { StyleGan2Config } from '../../formats/stylegan2-layout';
import { isStyleGanV1 } from '../../formats/stylegan-layout';
import { getDataset, listDatasets } from '../datasets/datasets';
import type { EngineClient } from '../engine-host/engine-client';
import { FILE_LIMITS, readUserFile } from '../fs/user-file';
import { convertNetworkPickle } from '../networks/network-store';
import type { Project } from '../projects/project';
import { recordQuality } from '../quality/quality-store';
import { releaseLease, renewLeases, RENEW_MS, takeLease } from '../runs/run-lease';
import {
  checkpointIdAt,
  getRun,
  insertRun,
  listCheckpoints,
  recordCheckpoint,
  recordHealth,
  recordMetrics,
  recordWitnesses,
  setRunBackend,
  setRunOrigin,
  setRunStatus,
} from '../runs/run-store';

const SNAPSHOT = /^network-snapshot-(\d{6})\.pkl$/;
const WITNESSES = 36;

type Json = Record<string, unknown>;

/** One line of stats.jsonl: the means over a tick of what train.py reports. */
interface Tick {
  kimg: number;
  values: Record<string, number>;
}

export interface TrainingFolder {
  folder: string;
  options: Json;
  snapshots: { file: string; kimg: number }[];
  ticks: Tick[];
  /** Lines of stats.jsonl that could not be read (a run killed mid-write leaves half a line). */
  skippedLines: number;
}

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** train.py's statistics, as Leporello names its own runs' (so both chart alike). */
const STAT_NAMES: Record<string, string> = {
  'Loss/D/loss': 'Loss/D',
  'Loss/G/loss': 'Loss/G',
  'Progress/augment': 'ADA/p',
  'Loss/r1_penalty': 'Loss/r1',
  'Loss/signs/real': 'D/signs',
  'Loss/pl_penalty': 'Loss/pl',
};

export async function readTrainingFolder(folder: string): Promise<TrainingFolder> {
  const dir = resolve(folder);
  const names = await readdir(dir).catch(() => {
    throw new AppError('not_found', `${dir} is not a folder Leporello can read; give the folder NVIDIA's train.py wrote (training-runs/00000-…)`);
  });
  const snapshots = names
    .map((n) => ({ n, m: SNAPSHOT.exec(n) }))
    .filter((x) => x.m)
    .map((x) => ({ file: join(dir, x.n), kimg: Number(x.m![1]) }))
    .sort((a, b) => a.kimg - b.kimg);
  if (!snapshots.length)
    throw new AppError(
      'invalid_request',
      `${dir} holds no network-snapshot-NNNNNN.pkl: it is not a folder NVIDIA's train.py wrote, or no snapshot was taken yet`,
    );
  if (!names.includes('training_options.json'))
    throw new AppError('invalid_request', `${dir} has snapshots but no training_options.json: copy the whole run folder train.py wrote`);
  let options: Json;
  try {
    options = obj(JSON.parse((await readUserFile(join(dir, 'training_options.json'), 'training options', FILE_LIMITS.small)).toString('utf8')));
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('invalid_request', `${join(dir, 'training_options.json')} is not valid JSON (${(err as Error).message})`);
  }
  const ticks: Tick[] = [];
  let skippedLines = 0;
  if (names.includes('stats.jsonl')) {
    const text = (await readUserFile(join(dir, 'stats.jsonl'), 'training statistics', FILE_LIMITS.small)).toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry = obj(JSON.parse(line));
        const mean = (name: string) => num(obj(entry[name]).mean);
        const kimg = mean('Progress/kimg');
        if (kimg === undefined) throw new Error('no Progress/kimg');
        const values: Record<string, number> = {};
        for (const [theirs, ours] of Object.entries(STAT_NAMES)) {
          const v = mean(theirs);
          if (v !== undefined) values[ours] = v;
        }
        const secPerKimg = mean('Timing/sec_per_kimg');
        if (secPerKimg) values['Speed/img_per_s'] = 1000 / secPerKimg;
        ticks.push({ kimg, values });
      } catch {
        skippedLines++;
      }
    }
  }
  return { folder: dir, options, snapshots, ticks, skippedLines };
}

/** The run's settings as Leporello's launcher would have named them. */
function requestFor(t: TrainingFolder, datasetId: number, name: string): RunRequest {
  const o = t.options;
  const snapshotKimg = (num(o.network_snapshot_ticks) ?? 50) * (num(o.kimg_per_tick) ?? 4);
  const adaTarget = num(o.ada_target);
  return RunRequest.parse({
    datasetId,
    arch: 'stylegan2',
    name,
    kimg: Math.max(num(o.total_kimg) ?? t.snapshots.at(-1)!.kimg, t.snapshots.at(-1)!.kimg, 0.001),
    batchSize: Math.min(Math.max(num(o.batch_size) ?? 32, 1), 1024),
    checkpointEvery: Math.min(Math.max(snapshotKimg, 0.001), 10_000),
    seed: Math.min(Math.max(Math.round(num(o.random_seed) ?? 0), 0), 2 ** 31 - 1),
    witnesses: WITNESSES,
    augment: adaTarget !== undefined ? 'ada' : 'none',
    ...(adaTarget !== undefined ? { adaTarget } : {}),
    ...(num(obj(o.loss_kwargs).r1_gamma) !== undefined ? { r1Gamma: Math.min(num(obj(o.loss_kwargs).r1_gamma)!, 1000) } : {}),
    ...(num(obj(o.loss_kwargs).pl_weight) !== undefined ? { plWeight: Math.min(num(obj(o.loss_kwargs).pl_weight)!, 100) } : {}),
  });
}

/** The project's dataset to review the snapshots against: the one named, or the only one at the run's resolution. */
function datasetFor(project: Project, resolution: number | undefined, datasetId: number | undefined) {
  if (datasetId !== undefined) return getDataset(project, datasetId);
  const all = listDatasets(project);
  const fitting = resolution === undefined ? all : all.filter((d) => d.resolution === resolution);
  if (fitting.length === 1) return fitting[0]!;
  throw new AppError(
    'invalid_request',
    fitting.length === 0
      ? `the run trained at ${resolution ?? '?'} px and the project has no dataset at that size: build one from the collection it was trained on, then import again`
      : `the project has ${fitting.length} datasets at ${resolution} px (${fitting.map((d) => d.name).join(', ')}): say which one the run was trained on (--dataset)`,
  );
}

const stoppedReason = (done: number, total: number) =>
  `import stopped after ${done} of ${total} snapshots; import the folder into this run again (--into) for the rest`;

export interface ImportRunResult {
  runId: number;
  name: string;
  snapshots: number;
  skippedLines: number;
  seconds: number;
  backend: string;
}

export async function importRun(
  project: Project,
  engine: EngineClient,
  request: { folder: string; datasetId?: number; name?: string; into?: number; backend?: 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu' },
  hooks: { signal: AbortSignal; onProgress: (p: JobProgressMessage) => void },
): Promise<ImportRunResult> {
  const started = performance.now();
  const t = await readTrainingFolder(request.folder);
  const trainingSet = obj(t.options.training_set_kwargs);
  // Into a run imported before (the cluster trained on): only the snapshots and ticks past its last checkpoint.
  const into = request.into !== undefined ? getRun(project, request.into) : null;
  if (into && !into.origin)
    throw new AppError('invalid_request', `run "${into.name}" was trained here; only a run imported from NVIDIA's train.py takes more of its snapshots`);
  const dataset = into ? getDataset(project, into.datasetId) : datasetFor(project, num(trainingSet.resolution), request.datasetId);
  const name = into?.name ?? (request.name ?? basename(t.folder)).trim();
  if (!name || name.length > 120) throw new AppError('invalid_request', 'give the run a name of 1 to 120 characters (--name)');
  const runRequest = into
    ? { ...into.options, kimg: Math.max(into.options.kimg ?? 0, requestFor(t, dataset.id, name).kimg!) }
    : requestFor(t, dataset.id, name);
  const dirPath = into?.path ?? `runs/${name.replace(/[^\p{L}\p{N}_.-]+/gu, '-')}`;
  const seenBefore = into?.lastCheckpoint?.imagesSeen ?? -1;
  const snapshots = t.snapshots.filter((s) => s.kimg * 1000 > seenBefore);
  const ticks = t.ticks.filter((k) => k.kimg * 1000 > seenBefore);
  let runId: number;
  if (into) {
    runId = into.id;
    takeLease(project, runId, name);
    setRunStatus(project, runId, 'running', null);
  } else runId = insertRun(project, name, runRequest, dirPath);
  const origin: RunOrigin = { trainer: 'stylegan2-ada-pytorch', folder: t.folder, options: t.options, cDim: into?.origin?.cDim ?? 0 };
  setRunOrigin(project, runId, origin);
  const gpus = num(t.options.num_gpus);
  setRunBackend(project, runId, 'elsewhere', `trained elsewhere: NVIDIA's train.py${gpus ? ` on ${gpus} GPU${gpus > 1 ? 's' : ''}` : ''}, in ${t.folder}`);
  // The run is this process's while it is imported: no other process takes it for one left behind.
  const lease = setInterval(() => renewLeases(project, [runId]), RENEW_MS);
  const runDir = join(project.dir, dirPath);
  const rel = (file: string) => relative(project.dir, file).split('\\').join('/');
  let config: StyleGan2Config | null = null;
  let done = 0;
  let backend = '';
  try {
    // The charts first: every tick's means, at the step the run was at.
    const stepOf = (kimg: number) => Math.round((kimg * 1000) / runRequest.batchSize);
    const epochOf = (kimg: number) => Math.floor((kimg * 1000) / Math.max(dataset.imageCount, 1));
    project.db.transaction(() => {
      for (const tick of ticks) recordMetrics(project, runId, stepOf(tick.kimg), epochOf(tick.kimg), tick.values);
    })();
    let previousKimg = seenBefore / 1000;
    for (const [i, snapshot] of snapshots.entries()) {
      // Cancelled between snapshots (or by whoever watched this progress): stopped where it stands.
      const stopIfCancelled = () => {
        if (hooks.signal.aborted) throw new AppError('cancelled', stoppedReason(done, snapshots.length));
      };
      stopIfCancelled();
      const shown = basename(snapshot.file);
      hooks.onProgress({ done: i, total: snapshots.length, secondsLeft: null, message: `${shown} (${i + 1} of ${snapshots.length})` });
      stopIfCancelled();
      const networkDir = join(project.tmpDir, `snapshot-${runId}-${snapshot.kimg}`);
      await rm(networkDir, { recursive: true, force: true });
      const converted = await convertNetworkPickle(
        await readUserFile(snapshot.file, 'network snapshot', FILE_LIMITS.network),
        shown,
        networkDir,
        project.tmpDir,
      );
      try {
        if (isStyleGanV1(converted.config))
          throw new AppError(
            'invalid_request',
            `${shown} is a StyleGAN (v1) snapshot (NVlabs/stylegan); runs are imported from stylegan2-ada's train.py: import this snapshot as a network instead ("leporello import-network")`,
          );
        if (!config) {
          config = converted.config;
          // A conditional network's classes: every drawing tool asks for one.
          if (config.cDim > 0) setRunOrigin(project, runId, { ...origin, cDim: config.cDim });
          if (config.resolution !== dataset.resolution || config.channels !== dataset.channels)
            throw new AppError(
              'invalid_request',
              `${shown} draws ${config.resolution} px × ${config.channels} channels but dataset "${dataset.name}" is ${dataset.resolution} px × ${dataset.channels}: give the dataset the run was trained on (--dataset)`,
            );
        } else if (JSON.stringify(converted.config) !== JSON.stringify(config)) {
          throw new AppError('invalid_request', `${shown} is a network of other settings than the run's first snapshot; it is not a snapshot of the same run`);
        }
        const between = t.ticks.filter((k) => k.kimg > previousKimg && k.kimg <= snapshot.kimg);
        const p = [...t.ticks].reverse().find((k) => k.kimg <= snapshot.kimg)?.values['ADA/p'];
        const imagesSeen = Math.round(snapshot.kimg * 1000);
        const result = await engine.run(
          'review-snapshot',
          {
            runDir,
            tmpDir: project.tmpDir,
            datasetDir: join(project.dir, dataset.path),
            backend: request.backend ?? 'auto',
            model: {
              arch: 'stylegan2',
              resolution: dataset.resolution,
              channels: dataset.channels,
              overrides: {
                batchSize: runRequest.batchSize,
                r1Gamma: runRequest.r1Gamma,
                plWeight: runRequest.plWeight,
                augment: runRequest.augment,
                adaTarget: runRequest.adaTarget,
                network: { ...config, initNetwork: t.folder },
              },
            },
            seed: runRequest.seed,
            witnesses: runRequest.witnesses,
            networkDir,
            name: `kimg-${snapshot.kimg.toFixed(3).padStart(10, '0')}`,
            counters: { epoch: epochOf(snapshot.kimg), step: stepOf(snapshot.kimg), imagesSeen },
            totalImages: runRequest.kimg! * 1000,
            augmentP: runRequest.augment === 'ada' ? (p ?? 0) : null,
            losses: { d: between.map((k) => k.values['Loss/D']!).filter(Number.isFinite), g: between.map((k) => k.values['Loss/G']!).filter(Number.isFinite) },
            last: i === snapshots.length - 1,
          },
          { signal: hooks.signal },
        );
        backend = result.backend;
        const c = result.checkpoint;
        if (result.witnesses) recordWitnesses(project, runId, result.witnesses);
        recordCheckpoint(project, runId, { ...c, path: rel(c.file), witnessGrid: rel(c.witnessGrid) });
        recordQuality(project, { checkpointId: checkpointIdAt(project, runId, c.imagesSeen) }, dataset.id, c.quality.values, c.quality.settings, {
          quick: true,
        });
        recordHealth(project, runId, c, c.health);
      } finally {
        await rm(networkDir, { recursive: true, force: true });
      }
      previousKimg = snapshot.kimg;
      done++;
    }
    setRunStatus(
      project,
      runId,
      'finished',
      `trained elsewhere (NVIDIA's train.py); ${listCheckpoints(project, runId).length} snapshots imported from ${t.folder}`,
    );
  } catch (err) {
    // A cancel during a snapshot's review stops the import where it stood; anything else failed it.
    if (hooks.signal.aborted) setRunStatus(project, runId, 'stopped', stoppedReason(done, snapshots.length));
    else setRunStatus(project, runId, 'failed', `import failed after ${done} of ${snapshots.length} snapshots: ${(err as Error).message}`);
    throw err;
  } finally {
    clearInterval(lease);
    releaseLease(project, runId);
    // Stopped part way: the engine lets go of the model it kept for the next snapshot.
    if (done < snapshots.length) await engine.run('release-snapshot-review', { runDir }).catch(() => undefined);
  }
  hooks.onProgress({ done, total: snapshots.length, secondsLeft: 0, message: `${done} snapshots imported` });
  return { runId, name: getRun(project, runId).name, snapshots: done, skippedLines: t.skippedLines, seconds: (performance.now() - started) / 1000, backend };
}
