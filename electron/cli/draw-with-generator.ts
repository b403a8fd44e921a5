// Pictures from a StyleGAN2 network or fine-tuned run, drawn by an engine process into files the
// command line names: what generate, style-mix and interpolate share.
import { BackendPreference, type GeneratorRef } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { SampleJob, SampleResult } from '../engine/jobs/sample';
import { asAppError, EngineClient } from '../services/engine-host/engine-client';
import { resolveGenerator } from '../services/networks/generator-sessions';
import type { Project } from '../services/projects/project';
import type { Studio } from '../services/studio';

export const BACKEND_FLAG = { backend: { type: 'string' } } as const;

export function oneHot(k: number, classes: number): number[] {
  if (!Number.isInteger(k) || k < 0 || k >= classes) throw new AppError('invalid_request', `--class ${k}: this network has classes 0–${classes - 1}`);
  return Array.from({ length: classes }, (_, i) => (i === k ? 1 : 0));
}

/** The generator's name and number of classes, without loading it. */
export function describeGeneratorOf(project: Project, ref: GeneratorRef): { label: string; cDim: number; resolution: number } {
  const { describe } = resolveGenerator(project, ref);
  return { label: describe.label, cDim: describe.cDim, resolution: describe.resolution };
}

export async function drawWith(studio: Studio, ref: GeneratorRef, backend: unknown, job: SampleJob): Promise<SampleResult & { backend: string }> {
  const preference = backend === undefined ? 'auto' : BackendPreference.safeParse(backend);
  if (typeof preference !== 'string' && !preference.success)
    throw new AppError('invalid_request', `--backend is one of ${BackendPreference.options.join(', ')}`);
  const target = resolveGenerator(studio.requireProject(), ref);
  const engine = new EngineClient(studio.launchEngine);
  try {
    return await engine.run('sample', { generator: target.source, backend: typeof preference === 'string' ? preference : preference.data, job });
  } catch (err) {
    throw asAppError(err);
  } finally {
    await engine.close();
  }
}
