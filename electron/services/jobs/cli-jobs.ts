// Long work the studio asks of a generator — latents from seeds, drawings, projection, blend
// videos, feature analysis, leporello books — run one at a time by the CLI in its own process, the
// very commands the tests check, with TensorFlow.js out of the main process. The renderer's
// request is validated by the contract and turned into arguments here (outputs always inside the
// project); progress comes from the CLI's "N/M" lines on stderr, the result from its --json.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { isAbsolute, join, relative } from 'node:path';
import type { GeneratorRef, JobRequest } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { checkpointAt, progressUnit } from '../../../shared/progress';
import type { EventBus } from '../../api/event-bus';
import { appRoot } from '../../app-paths';
import { listCollections } from '../collections';
import type { Project } from '../projects/project';
import { listRenders } from '../renders/render-store';
import { getRun, listCheckpoints } from '../runs/run-store';

interface Job {
  id: number;
  request: JobRequest;
  args: string[];
  child: ChildProcess | null;
  cancelled: boolean;
}

/** The CLI's options naming a generator. */
function generatorArgs(project: Project, ref: GeneratorRef): string[] {
  if ('networkId' in ref) return ['--network', String(ref.networkId)];
  if (ref.checkpointId === undefined) return ['--run', String(ref.runId)];
  const run = getRun(project, ref.runId);
  const checkpoints = listCheckpoints(project, run.id);
  const c = checkpoints.find((x) => x.id === ref.checkpointId);
  if (!c) throw new AppError('not_found', `run "${run.name}" has no checkpoint #${ref.checkpointId}`);
  // The latest needs no --at, which names a checkpoint by its (rounded) epoch or kimg.
  if (c === checkpoints.at(-1)) return ['--run', String(run.id)];
  return ['--run', String(run.id), '--at', String(checkpointAt(progressUnit(run.options), c))];
}

const refKey = (ref: GeneratorRef) => ('networkId' in ref ? `network-${ref.networkId}` : `run-${ref.runId}-${ref.checkpointId ?? 'last'}`);

/**
 * A file name under the project's renders/ that no earlier render holds: "blend.mp4", then
 * "blend-2.mp4" — the studio never replaces a render the curator may still want.
 */
function freeName(dir: string, stem: string, ext: string, siblings: string[] = []): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? stem : `${stem}-${n}`;
    if (![ext, ...siblings].some((e) => existsSync(join(dir, name + e)))) return join(dir, name + ext);
  }
}

/** The command line for a request; every file it writes is under the project's renders/. */
export function jobArgs(project: Project, request: JobRequest): string[] {
  const out = (...parts: string[]) => join(project.dir, 'renders', ...parts);
  switch (request.kind) {
    case 'seeds':
      return ['latents', project.dir, ...generatorArgs(project, request.ref), 'seeds', request.seeds.join(',')];
    case 'draw': {
      const digest = createHash('sha256').update(request.ids.join(',')).digest('hex').slice(0, 12);
      return ['latents', project.dir, ...generatorArgs(project, request.ref), 'draw', request.ids.join(','), '--out', out('latents', `${refKey(request.ref)}-${digest}.png`)];
    }
    case 'arithmetic': {
      const operand =
        request.operation === 'centroid'
          ? [`${request.label?.key ?? ''}=${request.label?.value ?? ''}`]
          : request.operation === 'truncate'
            ? [String(request.ids?.[0] ?? ''), '--psi', String(request.psi ?? 0.7)]
            : [(request.ids ?? []).join(',')];
      return ['latents', project.dir, ...generatorArgs(project, request.ref), request.operation, ...operand, ...(request.name ? ['--name', request.name] : [])];
    }
    case 'project':
      return ['project-image', project.dir, ...generatorArgs(project, request.ref), '--image', String(request.imageId), '--steps', String(request.steps)];
    case 'video':
      return [
        'render', 'video', project.dir, ...generatorArgs(project, request.ref),
        '--path', request.anchors.join(','), '--seconds', String(request.seconds), '--fps', String(request.fps), '--easing', request.easing, '--hold', String(request.hold),
        ...(request.size ? ['--size', String(request.size)] : []), ...(request.loop ? ['--loop'] : []), ...(request.prores ? ['--prores'] : []),
        ...(request.title ? ['--title', request.title] : []), '--out', freeName(out('videos'), request.name, '.mp4', ['.mov']),
      ];
    case 'analyze':
      return ['analyze', project.dir, ...generatorArgs(project, request.ref), '--feature', request.feature, '--out', out('analysis', `${request.feature.replace(/[^\p{L}\p{N}_.-]+/gu, '-')}-${refKey(request.ref)}.json`)];
    case 'generate':
      return ['analyze', project.dir, ...generatorArgs(project, request.ref), '--feature', request.feature, '--generate', request.value, '--count', String(request.count), '--multiplier', String(request.multiplier), '--start-seed', String(100000 + Math.floor(Math.random() * 1e6))];
    case 'leporello': {
      const collection = listCollections(project).find((c) => c.id === request.collectionId);
      if (!collection) throw new AppError('not_found', `no collection #${request.collectionId} in this project`);
      let verso: string[];
      if ('runId' in request.verso) verso = ['--run', String(getRun(project, request.verso.runId).id)];
      else {
        const videoId = request.verso.videoRenderId;
        const video = listRenders(project).find((r) => r.id === videoId && r.kind === 'video');
        if (!video) throw new AppError('not_found', `no video render #${videoId}; render a blend video first`);
        verso = ['--verso-video', isAbsolute(video.path) ? video.path : join(project.dir, video.path)];
      }
      return [
        'export', 'leporello', project.dir, '--recto', collection.name, ...verso, '--panels', String(request.panels), '--panel-size', `${request.panelWidthMm}x${request.panelHeightMm}mm`,
        '--sheet', request.sheet, '--bleed', String(request.bleedMm), '--margin', String(request.marginMm), '--background', request.background, '--verso-grid', `${request.columns}x${request.rows}`,
        ...(request.title ? ['--title', request.title] : []), '--out', freeName(out('books'), request.name, '.pdf'),
      ];
    }
  }
}

/** Absolute paths inside the project, as the project-relative paths the renderer shows files by. */
function withProjectPaths(project: Project, value: unknown): unknown {
  if (typeof value === 'string' && isAbsolute(value)) {
    const rel = relative(project.dir, value);
    return rel.startsWith('..') ? value : rel.split('\\').join('/');
  }
  if (Array.isArray(value)) return value.map((v) => withProjectPaths(project, v));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'vector' ? undefined : withProjectPaths(project, v)]));
  return value;
}

export class CliJobs {
  private nextId = 1;
  private readonly queue: Job[] = [];
  private current: Job | null = null;

  constructor(
    private readonly project: Project,
    private readonly events: EventBus,
    /** The built CLI; the tests and the app run the same bundle. */
    private readonly cliEntry = join(appRoot, 'out', 'cli.mjs'),
  ) {}

  start(request: JobRequest): { jobId: number } {
    const job: Job = { id: this.nextId++, request, args: jobArgs(this.project, request), child: null, cancelled: false };
    this.queue.push(job);
    if (this.current) this.events.emit('job.progress', { jobId: job.id, kind: request.kind, done: 0, total: 1, secondsLeft: null, message: 'waiting for the job before it' });
    this.pump();
    return { jobId: job.id };
  }

  cancel(jobId: number): boolean {
    const waiting = this.queue.findIndex((j) => j.id === jobId);
    if (waiting >= 0) {
      const [job] = this.queue.splice(waiting, 1);
      this.events.emit('job.finished', { jobId, kind: job!.request.kind, ok: false, result: null, error: 'cancelled before it began', cancelled: true });
      return true;
    }
    if (this.current?.id !== jobId) return false;
    this.current.cancelled = true;
    // The CLI stops on SIGINT: a video removes its partial file, other commands write nothing half-done.
    this.current.child?.kill('SIGINT');
    return true;
  }

  /** Ends the running job and forgets the waiting ones (the project is closing). */
  stop(): void {
    this.queue.length = 0;
    if (this.current) this.cancel(this.current.id);
  }

  private pump(): void {
    if (this.current || !this.queue.length) return;
    const job = this.queue.shift()!;
    this.current = job;
    const started = performance.now();
    // Under Electron, process.execPath is the app; ELECTRON_RUN_AS_NODE makes it plain Node.
    const child = spawn(process.execPath, [this.cliEntry, ...job.args, '--json'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    job.child = child;
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-20000);
      const lines = d.toString().trim().split('\n');
      for (const line of lines) {
        const m = /(step|frame) (\d+)\/(\d+)/.exec(line);
        if (!m) continue;
        const [done, total] = [Number(m[2]), Number(m[3])];
        const elapsed = (performance.now() - started) / 1000;
        this.events.emit('job.progress', { jobId: job.id, kind: job.request.kind, done, total, secondsLeft: done ? (elapsed / done) * (total - done) : null, message: `${m[1]} ${done} of ${total}` });
      }
    });
    child.once('close', (code) => {
      let result: unknown = null;
      let error: string | null = null;
      if (code === 0) {
        try {
          result = withProjectPaths(this.project, JSON.parse(stdout));
        } catch {
          error = 'the job ended without its answer';
        }
      } else {
        error = stderr.split('\n').reverse().find((l) => l.startsWith('leporello: '))?.slice('leporello: '.length) ?? (job.cancelled ? 'cancelled' : `the job stopped (exit ${code}): ${stderr.trim().split('\n').at(-1) ?? ''}`);
      }
      this.events.emit('job.finished', { jobId: job.id, kind: job.request.kind, ok: error === null, result, error, cancelled: job.cancelled });
      this.current = null;
      this.pump();
    });
  }
}
