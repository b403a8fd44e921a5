// Starts, watches, stops and resumes the runs of one project. Each run trains in its own engine
// process; this side records what the engine reports (backend, witnesses, metrics, checkpoints)
// and what became of the process, so that a crash or a kill leaves a run that can be resumed.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Dataset, ParsedRequest, Run, RunEstimate, RunLimits, RunProgress, RunRequest } from '../../../shared/contract';
import { isStyleArch } from '../../../shared/contract';
import type { BackendAttempt } from '../../engine/backends';
import { estimateRun, limitsIn, limitsInEngine, probeInEngine } from './engine-queries';
import { AppError } from '../../../shared/errors';
import { checkpointAt, DEFAULT_EPOCHS, describeAt, progressUnit, trainingTarget } from '../../../shared/progress';
import type { EventBus } from '../../api/event-bus';
import type { TrainEvent, TrainJob } from '../../engine/protocol';
import type { Verdict } from '../../../shared/health';
import { hashFile } from '../../formats/dataset-file';
import { getDataset } from '../datasets/datasets';
import { atomicWrite } from '../../formats/atomic-write';
import { bestHealthBefore, trainJobFor } from './train-job';
import { dropResumePointBefore, recordResumePoint, resumePointOf } from './resume-point';
import { letWeightsGo, withoutWeights } from './kept-weights';
import { findNetwork } from '../networks/network-store';
import type { Project } from '../projects/project';
import type { EngineLauncher } from '../engine-host/engine-launcher';
import { EngineClient, EngineExitError } from '../engine-host/engine-client';
import { recordQuality } from '../quality/quality-store';
import {
  elsewhereMessage,
  progressElsewhere,
  releaseLease,
  renewLeases,
  RENEW_MS,
  requestControl,
  saveProgress,
  takeLease,
  trainedElsewhere,
} from './run-lease';
import {
  getRun,
  insertRun,
  listCheckpoints,
  parentCheckpoint,
  checkpointIdAt,
  recordCheckpoint,
  recordHealth,
  recordMetrics,
  recordWitnesses,
  setRunBackend,
  setRunParent,
  setRunStatus,
} from './run-store';

interface Active {
  engine: EngineClient;
  /** Aborted by a stop: the engine ends the run after its current step. */
  stop: AbortController;
  done: Promise<Run>;
}

export interface RunHandle {
  run: Run;
  /** Settles when the engine process has ended, with the run as it was left. */
  done: Promise<Run>;
  /** What resume had to skip (damaged checkpoints), for the person who asked. */
  notes: string[];
}

/**
 * A run brought in from NVIDIA's train.py has its snapshots' networks but not the optimiser state
 * or the architecture settings the studio trains from; it is looked at, measured and drawn from,
 * not trained on here.
 */
function refuseTrainingElsewhereRun(run: Run, what: string): void {
  if (run.origin)
    throw new AppError(
      'invalid_request',
      `run "${run.name}" was trained elsewhere (NVIDIA's train.py, ${run.origin.folder}) and cannot be ${what} here: train it further on the cluster and import its folder into it again (leporello import-run … --into ${run.id}), or export a snapshot for NVIDIA's tools`,
    );
}

export class RunManager {
  private readonly active = new Map<number, Active>();
  /** The latest progress of each run training now, for a view that opens mid-run. */
  private readonly latest = new Map<number, RunProgress>();
  /** What was last seen of each run's record, to tell the studio when another process changed one. */
  private readonly seen = new Map<number, string>();
  private readonly seenProgress = new Map<number, number>();
  /** Callers waiting for a run another process trains to end (a resume asked of it). */
  private readonly waiting = new Map<number, ((run: Run) => void)[]>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly project: Project,
    private readonly events: EventBus,
    private readonly launchEngine: EngineLauncher,
  ) {
    this.interruptOrphans();
    for (const r of this.records()) this.seen.set(r.id, r.updated_at);
    this.heartbeat = setInterval(() => this.beat(), RENEW_MS);
    this.heartbeat.unref();
  }

  /**
   * A run marked running that no live process trains was cut off with the studio or command that
   * trained it (its lease ran out, or its process is gone). One another live process holds the
   * lease of is left alone.
   */
  private interruptOrphans(): void {
    for (const { id } of this.project.db.prepare("SELECT id FROM runs WHERE status IN ('running', 'paused')").all() as { id: number }[]) {
      if (this.active.has(id) || trainedElsewhere(this.project, id)) continue;
      setRunStatus(
        this.project,
        id,
        'interrupted',
        'the process that trained this run stopped (the studio closed, or its command was killed); resume it to continue from its last checkpoint',
      );
      this.project.db.prepare('UPDATE runs SET owner = NULL, lease_until = NULL, control = NULL, progress = NULL WHERE id = ?').run(id);
    }
  }

  private records(): { id: number; updated_at: string; status: Run['status'] }[] {
    return this.project.db.prepare('SELECT id, updated_at, status FROM runs').all() as { id: number; updated_at: string; status: Run['status'] }[];
  }

  /**
   * Every few seconds: renews the leases of the runs this process trains and carries out what
   * other processes asked of them; tells the studio what other processes' runs did.
   */
  private beat(): void {
    if (!this.project.db.open) return;
    for (const [id, control] of renewLeases(this.project, [...this.active.keys()])) {
      try {
        if (control === 'pause') this.pause(id);
        else if (control === 'continue') void this.resume(id);
        else this.stop(id);
      } catch {
        // Asked of a run that ended meanwhile.
      }
    }
    // A run whose process died while this one watched shows as interrupted within a lease.
    this.interruptOrphans();
    for (const p of progressElsewhere(this.project)) {
      if (this.seenProgress.get(p.runId) === p.imagesSeen) continue;
      this.seenProgress.set(p.runId, p.imagesSeen);
      this.events.emit('run.progress', p);
    }
    for (const r of this.records()) {
      if (this.active.has(r.id) || this.seen.get(r.id) === r.updated_at) continue;
      this.seen.set(r.id, r.updated_at);
      const run = getRun(this.project, r.id);
      this.events.emit('run.changed', run);
      if (r.status !== 'running' && r.status !== 'paused') for (const settle of this.waiting.get(r.id)?.splice(0) ?? []) settle(run);
    }
  }

  /** Stops watching (the project is closing); the runs it trains are stopped by stopAll. */
  close(): void {
    clearInterval(this.heartbeat);
  }

  /** Settles when a run another process trains ends. */
  private whenEndedElsewhere(runId: number): Promise<Run> {
    return new Promise((resolve) => this.waiting.set(runId, [...(this.waiting.get(runId) ?? []), resolve]));
  }

  isActive(runId: number): boolean {
    return this.active.has(runId);
  }

  /** The engine process training a run, if any (for the tests' SIGKILL and for diagnostics). */
  enginePid(runId: number): number | undefined {
    return this.active.get(runId)?.engine.pid;
  }

  /** Progress of every run training now (paused ones included), here or in another process. */
  live(): RunProgress[] {
    const here = [...this.latest.values()].filter((p) => this.active.has(p.runId));
    return [...here, ...progressElsewhere(this.project).filter((p) => !this.active.has(p.runId))];
  }

  /** How fast the run `request` describes would train here: a few real steps in an engine process. */
  async estimate(request: RunRequest): Promise<RunEstimate> {
    const dataset = getDataset(this.project, request.datasetId);
    request = familyFor(this.project, request);
    checkBatchFits(request, dataset);
    checkNetworkFits(this.project, request, dataset);
    return estimateRun(this.project, this.launchEngine, request, dataset);
  }

  /** What the run `request` describes would need of memory here, without training. */
  async limits(request: RunRequest): Promise<RunLimits> {
    const dataset = getDataset(this.project, request.datasetId);
    request = familyFor(this.project, request);
    try {
      checkNetworkFits(this.project, request, dataset);
    } catch {
      // A network that cannot start this run is refused on start with its own reason; the memory
      // asked about here is then the family's own at the dataset's resolution.
      request = { ...request, network: undefined };
    }
    return limitsInEngine(this.launchEngine, trainJobFor(this.project, request, dataset, this.project.tmpDir, undefined));
  }

  probeBackends(): Promise<BackendAttempt[]> {
    return probeInEngine(this.launchEngine);
  }

  /**
   * Removes a run that is not training: its rows (checkpoints, metrics, health and witnesses go
   * with it) and its folder. Forks of it keep their own checkpoints and lose only the link.
   */
  async delete(runId: number): Promise<{ deleted: string; filesRemoved: number }> {
    const run = getRun(this.project, runId);
    if (this.active.has(runId)) throw new AppError('conflict', `run "${run.name}" is training; stop it before deleting it`);
    const other = trainedElsewhere(this.project, runId);
    if (other) throw new AppError('conflict', elsewhereMessage(run.name, other, 'stop it before deleting it'));
    const dir = resolve(this.project.dir, run.path);
    const runsRoot = resolve(this.project.dir, 'runs');
    if (!dir.startsWith(runsRoot + sep))
      throw new AppError('internal', `run "${run.name}" points outside the project's runs folder (${run.path}); not deleting files there`);
    const filesRemoved = await countFiles(dir);
    this.project.db.transaction(() => {
      this.project.db
        .prepare('UPDATE runs SET parent_checkpoint_id = NULL WHERE parent_checkpoint_id IN (SELECT id FROM checkpoints WHERE run_id = ?)')
        .run(runId);
      this.project.db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
    })();
    // The rows are gone first: a folder left behind by a failed removal is only litter, never a run without files.
    await rm(dir, { recursive: true, force: true });
    this.latest.delete(runId);
    return { deleted: run.name, filesRemoved };
  }

  async start(request: RunRequest): Promise<RunHandle> {
    // The run's own engine answers the memory question first, so that a run too large for the
    // backend is refused before it is recorded, at the cost of no second process.
    const engine = new EngineClient(this.launchEngine);
    try {
      const id = await this.create(request, engine);
      return this.launch(id, undefined, [], engine);
    } catch (err) {
      await engine.close();
      throw err;
    }
  }

  /**
   * A new run that continues from a checkpoint of another with other settings (more epochs, a
   * lower learning rate). Its network, dataset and seed are the parent's; its lineage is recorded.
   */
  async fork(request: ParsedRequest<'runs.fork'>): Promise<RunHandle> {
    const parent = getRun(this.project, request.runId);
    refuseTrainingElsewhereRun(parent, 'forked');
    const unit = progressUnit(parent.options);
    const checkpoints = listCheckpoints(this.project, parent.id);
    const from = request.at === undefined ? checkpoints.filter((c) => c.weightsKept).at(-1) : checkpoints.find((c) => checkpointAt(unit, c) === request.at);
    if (from && !from.weightsKept)
      throw new AppError(
        'not_found',
        withoutWeights(
          parent,
          from,
          checkpoints.filter((c) => c.weightsKept),
          'fork from',
        ),
      );
    if (!from) {
      const available = checkpoints.map((c) => checkpointAt(unit, c)).join(', ') || 'none';
      throw new AppError(
        'not_found',
        `run "${parent.name}" has no checkpoint${request.at === undefined ? '' : ` at ${describeAt(unit, request.at)}`} to fork from (its checkpoints, in ${unit}: ${available})`,
      );
    }
    const fromAt = checkpointAt(unit, from);
    const other = unit === 'epochs' ? request.kimg : request.epochs;
    if (other !== undefined) throw new AppError('invalid_request', `run "${parent.name}" is measured in ${unit}; give the fork's length in ${unit} too`);
    const target = (unit === 'epochs' ? request.epochs : request.kimg) ?? trainingTarget(parent.options);
    if (target <= fromAt)
      throw new AppError('invalid_request', `the fork starts at ${describeAt(unit, fromAt)}; give it a length of more ${unit} than that (--${unit})`);
    const file = join(this.project.dir, from.path);
    if ((await hashFile(file).catch(() => null)) !== from.sha256)
      throw new AppError('conflict', `the checkpoint of ${describeAt(unit, fromAt)} of "${parent.name}" is damaged or missing; fork from another one`);
    const overrides = Object.fromEntries(
      Object.entries({
        [unit]: target,
        learningRate: request.learningRate,
        batchSize: request.batchSize,
        dSteps: request.dSteps,
        backend: request.backend,
      }).filter(([, v]) => v !== undefined),
    );
    const name = request.name ?? `${parent.name}-fork-${unit === 'epochs' ? 'e' : 'k'}${fromAt}`;
    const engine = new EngineClient(this.launchEngine);
    try {
      const id = await this.create({ ...parent.options, ...overrides, name }, engine);
      setRunParent(this.project, id, parent.id, from.id);
      return this.launch(id, { file, sha256: from.sha256 }, [], engine);
    } catch (err) {
      await engine.close();
      throw err;
    }
  }

  private async create(request: RunRequest, engine: EngineClient): Promise<number> {
    const dataset = getDataset(this.project, request.datasetId);
    // A run always records its length: 25 epochs where none was given.
    if (request.epochs === undefined && request.kimg === undefined) request = { ...request, epochs: DEFAULT_EPOCHS };
    request = familyFor(this.project, request);
    // Refused here, before a run exists, rather than by the engine after one was recorded.
    checkBatchFits(request, dataset);
    checkNetworkFits(this.project, request, dataset);
    const memory = await limitsIn(engine, trainJobFor(this.project, request, dataset, this.project.tmpDir, undefined));
    if (memory.batchProblem) throw new AppError('invalid_request', memory.batchProblem);
    const next = ((this.project.db.prepare('SELECT max(id) AS m FROM runs').get() as { m: number | null }).m ?? 0) + 1;
    const name = request.name ?? `${String(next).padStart(5, '0')}-${dataset.name}-${request.arch}`;
    const dirPath = `runs/${name.replace(/[^\p{L}\p{N}_.-]+/gu, '-')}`;
    const runDir = join(this.project.dir, dirPath);
    await mkdir(runDir, { recursive: true });
    // The options are on disk before the first step, beside what they produce.
    await atomicWrite(
      join(runDir, 'options.json'),
      JSON.stringify({ ...request, name, dataset: { id: dataset.id, name: dataset.name, sha256: dataset.sha256 } }, null, 2),
      this.project.tmpDir,
    );
    return insertRun(this.project, name, { ...request, name }, dirPath);
  }

  /**
   * Holds a training run between two steps. Its engine keeps everything in memory, so continuing
   * loses nothing; a paused run still holds its process (and GPU memory) until it is resumed or stopped.
   */
  pause(runId: number): Run {
    const a = this.active.get(runId);
    const run = getRun(this.project, runId);
    if (!a && trainedElsewhere(this.project, runId)) {
      // Its owner pauses it at its next renewal, and says so in the run's record.
      requestControl(this.project, runId, 'pause');
      return run;
    }
    if (!a || a.stop.signal.aborted) throw new AppError('conflict', `run "${run.name}" is not training, so it cannot pause`);
    if (run.status === 'paused') return run;
    a.engine.pause();
    setRunStatus(this.project, runId, 'paused', 'pausing after the current step');
    const paused = getRun(this.project, runId);
    this.events.emit('run.changed', paused);
    return paused;
  }

  /**
   * Continues a run: a paused one from the very step it paused at, one whose process ended from
   * its newest checkpoint whose bytes still match their recorded hash.
   */
  async resume(runId: number): Promise<RunHandle> {
    const run = getRun(this.project, runId);
    refuseTrainingElsewhereRun(run, 'resumed');
    const active = this.active.get(runId);
    if (active && run.status === 'paused') {
      active.engine.continue();
      setRunStatus(this.project, runId, 'running', null);
      const continued = getRun(this.project, runId);
      this.events.emit('run.changed', continued);
      return { run: continued, done: active.done, notes: [] };
    }
    if (active) throw new AppError('conflict', `run "${run.name}" is already training`);
    const other = trainedElsewhere(this.project, runId);
    if (other) {
      if (run.status !== 'paused') throw new AppError('conflict', elsewhereMessage(run.name, other, 'it is not paused, so there is nothing to resume'));
      requestControl(this.project, runId, 'continue');
      return { run, done: this.whenEndedElsewhere(runId), notes: [] };
    }
    if (run.status === 'finished')
      throw new AppError(
        'conflict',
        `run "${run.name}" has finished all ${trainingTarget(run.options)} ${progressUnit(run.options)}; fork it to train further`,
      );
    const unit = progressUnit(run.options);
    const notes: string[] = [];
    // A stop between checkpoints left a resume point; a fork killed before its first checkpoint
    // starts again from the one it was forked from.
    const checkpoints = listCheckpoints(this.project, runId).filter((c) => c.weightsKept);
    const point = resumePointOf(this.project, runId);
    const inherited = parentCheckpoint(this.project, runId);
    const candidates = [
      ...(point && point.imagesSeen > (checkpoints.at(-1)?.imagesSeen ?? -1) ? [{ ...point, what: `the resume point after ${point.imagesSeen} images` }] : []),
      ...[...checkpoints.reverse(), ...(inherited ? [inherited] : [])].map((c) => ({ ...c, what: `checkpoint of ${describeAt(unit, checkpointAt(unit, c))}` })),
    ];
    for (const c of candidates) {
      const file = join(this.project.dir, c.path);
      const actual = await hashFile(file).catch(() => null);
      if (actual === c.sha256) return this.launch(runId, { file, sha256: c.sha256 }, notes);
      notes.push(`${c.what} (${c.path}) is ${actual === null ? 'missing' : 'damaged (its hash no longer matches)'}; using the one before it`);
    }
    throw new AppError('not_found', `run "${run.name}" has no intact checkpoint to resume from${notes.length ? ` (${notes.join('; ')})` : ''}; start it again`);
  }

  stop(runId: number): Run {
    const a = this.active.get(runId);
    if (!a && trainedElsewhere(this.project, runId)) {
      requestControl(this.project, runId, 'stop');
      return getRun(this.project, runId);
    }
    if (!a) throw new AppError('conflict', `run #${runId} is not training`);
    a.stop.abort();
    return getRun(this.project, runId);
  }

  async stopAll(): Promise<void> {
    for (const [id] of this.active) this.stop(id);
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  private launch(runId: number, from: TrainJob['from'], notes: string[], engine = new EngineClient(this.launchEngine)): RunHandle {
    const run = getRun(this.project, runId);
    const rel = (p: string) => (isAbsolute(p) ? relative(this.project.dir, p) : p);
    const lineage = [runId, ...(run.parentRunId !== null ? [run.parentRunId] : [])];
    const job = trainJobFor(
      this.project,
      run.options,
      getDataset(this.project, run.datasetId),
      join(this.project.dir, run.path),
      from,
      bestHealthBefore(this.project, lineage),
    );
    // This process owns the run from now until its engine ends; no other may start it twice.
    takeLease(this.project, runId, run.name);
    setRunStatus(this.project, runId, 'running', notes.length ? notes.join('; ') : null);
    const stop = new AbortController();
    const changed = () => this.events.emit('run.changed', getRun(this.project, runId));

    const onEvent = (m: TrainEvent) => {
      switch (m.type) {
        case 'backend':
          setRunBackend(this.project, runId, m.choice.name, m.choice.summary);
          changed();
          break;
        case 'witnesses':
          recordWitnesses(this.project, runId, m.vectors);
          break;
        case 'tick': {
          const t = m.tick;
          recordMetrics(this.project, runId, t.step, t.epoch, { 'Loss/D': t.dLoss, 'Loss/G': t.gLoss, 'Speed/img_per_s': t.imagesPerSecond, ...t.stats });
          const progress = { runId, ...t, gLoss: Number.isNaN(t.gLoss) ? null : t.gLoss };
          this.latest.set(runId, progress);
          saveProgress(this.project, progress);
          this.events.emit('run.progress', progress);
          break;
        }
        case 'checkpoint':
          recordCheckpoint(this.project, runId, { ...m.checkpoint, path: rel(m.checkpoint.file), witnessGrid: rel(m.checkpoint.witnessGrid) });
          recordQuality(
            this.project,
            { checkpointId: checkpointIdAt(this.project, runId, m.checkpoint.imagesSeen) },
            run.datasetId,
            m.checkpoint.quality.values,
            m.checkpoint.quality.settings,
            {
              quick: true,
            },
          );
          recordMetrics(this.project, runId, m.checkpoint.step, m.checkpoint.epoch, { 'Timing/quality_s': m.checkpoint.quality.seconds });
          dropResumePointBefore(this.project, runId, m.checkpoint.imagesSeen);
          letWeightsGo(this.project, runId, run.options.keepWeightsEvery ?? 1);
          {
            const before = getRun(this.project, runId).health;
            recordHealth(this.project, runId, m.checkpoint, m.checkpoint.health);
            const after = getRun(this.project, runId);
            const alarming = (v: Verdict | undefined) => v === 'collapsing' || v === 'failed';
            if (after.health && alarming(after.health.verdict) && before?.verdict !== after.health.verdict) {
              this.events.emit('run.health', { runId, name: after.name, health: after.health });
            }
          }
          changed();
          break;
        case 'resume-point':
          recordResumePoint(this.project, runId, { ...m.point, path: rel(m.point.file) });
          break;
        case 'paused':
          // The engine holds now; unless the run was continued meanwhile, say where.
          if (getRun(this.project, runId).status === 'paused') {
            setRunStatus(this.project, runId, 'paused', `paused after step ${m.step} (${m.imagesSeen} images); resume continues from there`);
            changed();
          }
          break;
      }
    };

    const outcome = engine.run('train', job, { onEvent, signal: stop.signal }).then(
      (result): { status: Run['status']; reason: string | null } =>
        result.aborted
          ? {
              status: 'stopped',
              reason: `stopped after ${result.imagesSeen} images (epoch ${result.epoch + 1}, step ${result.step}); resume continues from there`,
            }
          : { status: 'finished', reason: null },
      (err: unknown): { status: Run['status']; reason: string | null } =>
        err instanceof EngineExitError
          ? { status: 'interrupted', reason: `${err.message}; resume continues from the last checkpoint` }
          : { status: 'failed', reason: err instanceof Error ? err.message : String(err) },
    );
    const done = outcome.then(async (final) => {
      await engine.close();
      this.active.delete(runId);
      if (!this.project.db.open) return { ...run, status: final.status, reason: final.reason };
      setRunStatus(this.project, runId, final.status, final.reason);
      releaseLease(this.project, runId);
      const result = getRun(this.project, runId);
      this.seen.set(runId, result.updatedAt);
      this.events.emit('run.changed', result);
      return result;
    });
    this.active.set(runId, { engine, stop, done });
    return { run: getRun(this.project, runId), done, notes };
  }
}

/**
 * The family a run trains: a style run asked to start from a StyleGAN (v1) network fine-tunes it as
 * StyleGAN (v1) — the launcher and the CLI offer one "fine-tune" for both — and v1 is only fine-tuned.
 */
function familyFor(project: Project, request: RunRequest): RunRequest {
  if (request.network === undefined) {
    if (request.arch === 'stylegan')
      throw new AppError(
        'invalid_request',
        'a StyleGAN (v1) run fine-tunes an imported StyleGAN (v1) network: give one (--network N), or train StyleGAN2 from scratch',
      );
    return request;
  }
  const network = findNetwork(project, request.network);
  if (network.arch === 'stylegan2' && request.arch === 'stylegan')
    throw new AppError('invalid_request', `network "${network.name}" is a StyleGAN2 network: fine-tune it as a StyleGAN2 run`);
  if (network.arch !== 'stylegan' || !isStyleArch(request.arch)) return request;
  if ((request.plWeight ?? 0) > 0)
    throw new AppError(
      'invalid_request',
      `network "${network.name}" is a StyleGAN (v1) network, which trains without path-length regularisation: leave its weight at 0`,
    );
  return { ...request, arch: 'stylegan' };
}

/** A run from a pretrained network trains at its size, on its colours, on its classes when it has them. */
function checkNetworkFits(project: Project, request: RunRequest, dataset: Dataset): void {
  if (request.network === undefined) return;
  if (!isStyleArch(request.arch))
    throw new AppError('invalid_request', `only a StyleGAN2 or StyleGAN (v1) run can start from a pretrained network, not a ${request.arch} run`);
  const network = findNetwork(project, request.network);
  if (network.resolution !== dataset.resolution) {
    throw new AppError(
      'invalid_request',
      `network "${network.name}" draws ${network.resolution} px images but dataset "${dataset.name}" is ${dataset.resolution} px: the resolution differs. Build a dataset of the same collection at ${network.resolution} px and fine-tune on that`,
    );
  }
  if (network.channels !== dataset.channels)
    throw new AppError(
      'invalid_request',
      `network "${network.name}" has ${network.channels} colour channels but dataset "${dataset.name}" has ${dataset.channels}: build the dataset ${network.channels === 3 ? 'in colour' : 'in greyscale'}`,
    );
  // A conditional network keeps its classes: the dataset's label values take them, in order.
  if (network.cDim > 0 && dataset.classes?.values.length !== network.cDim)
    throw new AppError(
      'invalid_request',
      dataset.classes
        ? `network "${network.name}" is conditional on ${network.cDim} classes but dataset "${dataset.name}" has ${dataset.classes.values.length} (${dataset.classes.key}: ${dataset.classes.values.join(', ')}): build it from a label with ${network.cDim} values`
        : `network "${network.name}" is conditional on ${network.cDim} classes but dataset "${dataset.name}" has none: build a dataset whose classes are a label with ${network.cDim} values (leporello dataset create --class-key KEY)`,
    );
}

function checkBatchFits(request: RunRequest, dataset: Dataset): void {
  if (request.batchSize > dataset.imageCount) {
    throw new AppError(
      'invalid_request',
      `dataset "${dataset.name}" has ${dataset.imageCount} images, fewer than one batch of ${request.batchSize}: lower the batch size to at most ${dataset.imageCount}`,
    );
  }
}

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).length;
}
