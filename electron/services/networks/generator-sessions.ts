// The style tools' generator: one engine process holding one StyleGAN2 generator (an imported
// network, or a fine-tuned run's moving average at a checkpoint) while the curator explores it,
// so that moving the truncation slider redraws in the time of a forward pass rather than a
// process start. Another generator replaces it; it ends after a while unused and with the project.
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';
import type { GenerateSeedsRequest, GeneratorRef, GeneratorSource, InterpolateRequest, StyleMixRequest } from '../../../shared/contract';
import { isStyleArch } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { SampleJob, SampleResult } from '../../engine/jobs/sample';
import type { GeneratorSpec } from '../../engine/jobs/generator-spec';
import type { Project } from '../projects/project';
import type { EngineLauncher } from '../engine-host/engine-launcher';
import { asAppError, EngineClient } from '../engine-host/engine-client';
import { getDataset } from '../datasets/datasets';
import { getRun, listRuns } from '../runs/run-store';
import { requireWeights } from '../runs/kept-weights';
import { findNetwork, listNetworks } from './network-store';

type SeedsRequest = z.output<typeof GenerateSeedsRequest>;
type MixRequest = z.output<typeof StyleMixRequest>;
type PathRequest = z.output<typeof InterpolateRequest>;

/** Style layers of a 'skip' synthesis network: two per resolution from 8 px, one at 4 px, and the last toRGB. */
export function styleLayers(resolution: number): number {
  return Math.log2(resolution) * 2 - 2;
}

/** The StyleGAN paper's coarse (4–8 px), middle (16–32 px) and fine (64 px and up) styles, as layers. */
export function namedStyles(range: 'coarse' | 'middle' | 'fine', numWs: number): number[] {
  const [from, to] = { coarse: [0, 3], middle: [4, 7], fine: [8, numWs - 1] }[range];
  const layers = Array.from({ length: Math.max(0, Math.min(to!, numWs - 1) - from! + 1) }, (_, i) => from! + i);
  if (!layers.length) throw new AppError('invalid_request', `this generator has no ${range} styles: its ${numWs} style layers are all coarser`);
  return layers;
}

interface Resolved {
  key: string;
  source: GeneratorSpec;
  describe: GeneratorSource;
  /** Where its pictures go, project-relative. */
  outDir: string;
}

const slug = (s: string) => s.replace(/[^\p{L}\p{N}_.-]+/gu, '-');

/** Where a generator's weights are, what to call it, and where its pictures go. */
export function resolveGenerator(project: Project, ref: GeneratorRef): Resolved {
  if ('networkId' in ref) {
    const n = findNetwork(project, ref.networkId);
    return {
      key: `network:${n.id}`,
      source: { kind: 'network', dir: join(project.dir, n.path) },
      describe: {
        ref,
        label: n.name,
        arch: n.arch,
        resolution: n.resolution,
        cDim: n.cDim,
        classNames: null,
        numWs: styleLayers(n.resolution),
        license: n.license,
      },
      outDir: `renders/generated/${slug(n.name)}`,
    };
  }
  const run = getRun(project, ref.runId);
  if (!isStyleArch(run.arch))
    throw new AppError('invalid_request', `run "${run.name}" is a ${run.arch}; the style tools draw from StyleGAN2 and StyleGAN (v1) networks and runs`);
  const c = requireWeights(project, run, ref.checkpointId, 'draw from');
  const network = run.options.network !== undefined ? listNetworks(project).find((n) => n.id === run.options.network) : undefined;
  const resolution = getDataset(project, run.datasetId).resolution;
  return {
    key: `run:${run.id}:${c.id}`,
    source: { kind: 'checkpoint', file: join(project.dir, c.path), sha256: c.sha256 },
    describe: {
      ref: { runId: run.id, checkpointId: c.id },
      label: `${run.name} at ${c.kimg.toFixed(1)} kimg`,
      arch: run.arch,
      resolution,
      // A fine-tuned conditional network keeps its classes, named by the dataset's label values.
      cDim: network?.cDim ?? run.origin?.cDim ?? 0,
      classNames: network?.cDim ? (getDataset(project, run.datasetId).classes?.values ?? null) : null,
      numWs: styleLayers(resolution),
      license: network?.license ?? null,
    },
    outDir: `renders/generated/${slug(run.name)}-${c.kimg.toFixed(1)}kimg`,
  };
}

function labelFor(cDim: number, classIndex: number | undefined, label: string): number[] | null {
  if (cDim === 0) return null;
  if (classIndex === undefined) throw new AppError('invalid_request', `${label} is conditional on ${cDim} classes: choose a class`);
  if (classIndex >= cDim) throw new AppError('invalid_request', `${label} has classes 0–${cDim - 1}`);
  return Array.from({ length: cDim }, (_, i) => (i === classIndex ? 1 : 0));
}

/** How long an unused generator stays loaded. */
const IDLE_MS = 120_000;

export class GeneratorSessions {
  /** The engine process holding the generator last drawn with, and which one it is. */
  private session: { key: string; engine: EngineClient } | null = null;
  private idle: NodeJS.Timeout | null = null;

  constructor(
    private readonly project: Project,
    private readonly launch: EngineLauncher,
  ) {}

  sources(): GeneratorSource[] {
    const networks = listNetworks(this.project).map((n) => resolveGenerator(this.project, { networkId: n.id }).describe);
    const runs = listRuns(this.project)
      .filter((r) => isStyleArch(r.arch) && r.lastCheckpoint)
      .map((r) => resolveGenerator(this.project, { runId: r.id }).describe);
    return [...networks, ...runs];
  }

  async seeds(request: SeedsRequest): Promise<{ backend: string; seconds: number; images: { seed: number; path: string }[] }> {
    const target = resolveGenerator(this.project, request.source);
    const label = labelFor(target.describe.cDim, request.classIndex, target.describe.label);
    const prefix = `psi${request.psi.toFixed(2)}${request.cutoff !== null ? `-cut${request.cutoff}` : ''}${request.noise !== 'const' ? `-${request.noise}` : ''}${label ? `-class${request.classIndex}` : ''}-`;
    const outDir = join(this.project.dir, target.outDir);
    await mkdir(outDir, { recursive: true });
    const result = await this.run(target, {
      kind: 'seeds',
      latents: { seeds: request.seeds },
      psi: request.psi,
      cutoff: request.cutoff,
      noise: request.noise,
      labels: label ? { every: label } : null,
      outDir,
      prefix,
      format: 'png',
    });
    return {
      backend: result.backend,
      seconds: result.seconds,
      images: result.files.map((f, i) => ({ seed: request.seeds[i]!, path: relative(this.project.dir, f).split('\\').join('/') })),
    };
  }

  async styleMix(request: MixRequest) {
    const target = resolveGenerator(this.project, request.source);
    const label = labelFor(target.describe.cDim, request.classIndex, target.describe.label);
    const numWs = target.describe.numWs;
    const styles = typeof request.styles === 'string' ? namedStyles(request.styles, numWs) : request.styles;
    const bad = styles.find((s) => s >= numWs);
    if (bad !== undefined) throw new AppError('invalid_request', `style layer ${bad} does not exist: ${target.describe.label} has layers 0–${numWs - 1}`);
    const digest = createHash('sha1')
      .update(JSON.stringify([request.rowSeeds, request.colSeeds, styles, request.psi, label]))
      .digest('hex')
      .slice(0, 10);
    await mkdir(join(this.project.dir, target.outDir), { recursive: true });
    const rel = `${target.outDir}/style-mix-${digest}.png`;
    const result = await this.run(target, {
      kind: 'style-mix',
      rowSeeds: request.rowSeeds,
      colSeeds: request.colSeeds,
      styles,
      psi: request.psi,
      label,
      outFile: join(this.project.dir, rel),
    });
    const r = target.describe.resolution;
    return {
      backend: result.backend,
      seconds: result.seconds,
      path: rel,
      width: (request.colSeeds.length + 1) * r,
      height: (request.rowSeeds.length + 1) * r,
      resolution: r,
      styles,
    };
  }

  async interpolate(request: PathRequest) {
    const target = resolveGenerator(this.project, request.source);
    const label = labelFor(target.describe.cDim, request.classIndex, target.describe.label);
    await mkdir(join(this.project.dir, target.outDir), { recursive: true });
    const rel = `${target.outDir}/path-${request.fromSeed}-${request.toSeed}-${request.space}-${request.easing}-${request.steps}-psi${request.psi.toFixed(2)}${label ? `-class${request.classIndex}` : ''}.png`;
    const { fromSeed, toSeed, steps, space, easing, psi } = request;
    const result = await this.run(target, { kind: 'interpolate', fromSeed, toSeed, steps, space, easing, psi, label, outFile: join(this.project.dir, rel) });
    const r = target.describe.resolution;
    return { backend: result.backend, seconds: result.seconds, path: rel, width: steps * r, height: r, steps };
  }

  close(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const s = this.session;
    this.session = null;
    void s?.engine.close({ cancel: true });
  }

  /** Draws with the generator `target` names, in the engine that holds it (or a new one). */
  private async run(target: Resolved, job: SampleJob): Promise<SampleResult & { backend: string }> {
    if (this.session?.key !== target.key) {
      this.close();
      this.session = { key: target.key, engine: new EngineClient(this.launch) };
    }
    const session = this.session!;
    if (this.idle) clearTimeout(this.idle);
    try {
      return await session.engine.run('sample', { generator: target.source, backend: 'auto', job });
    } catch (err) {
      const e = asAppError(err);
      throw new AppError(e.code, `cannot draw from ${target.describe.label}: ${e.message}`);
    } finally {
      if (this.session === session) {
        this.idle = setTimeout(() => this.close(), IDLE_MS);
        this.idle.unref();
      }
    }
  }
}
