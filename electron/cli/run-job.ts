// A long job from the command line, through the same host as the studio's: its engine computes,
// this process records; progress goes to stderr, Ctrl-C cancels it and leaves nothing half-written,
// and --out never replaces a file that is there unless --force says so.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { JobRequest, type JobKind, type JobResult, type ParsedJobRequest } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Studio } from '../services/studio';
import { validated } from './options';
import { progressLines } from './output';

export const OUT_FLAGS = { out: { type: 'string' }, force: { type: 'boolean' } } as const;
export const OUT_HELP = [
  '  --out FILE\n      Where to write it (refused when the file exists, unless --force).',
  '  --force\n      Replace the file --out names.',
];

/** Refuses to write over files that are there already, unless --force: --out never replaces a file silently. */
export function refuseExisting(files: string[], force: unknown): void {
  if (force === true) return;
  const there = files.filter((f) => existsSync(f));
  if (there.length)
    throw new AppError(
      'conflict',
      `${there[0]}${there.length > 1 ? ` (and ${there.length - 1} more)` : ''} exists already: give another --out, or --force to replace it`,
    );
}

export async function runJob<K extends JobKind>(
  studio: Studio,
  request: Extract<ParsedJobRequest, { kind: K }>,
  options: { out?: string; force?: boolean } = {},
): Promise<JobResult<K>> {
  const out = options.out === undefined ? undefined : resolve(options.out);
  if (out) refuseExisting([out], options.force);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    return await studio.jobs.run(request, { onProgress: progressLines(), signal: controller.signal, ...(out ? { out } : {}) });
  } finally {
    process.off('SIGINT', stop);
  }
}

/** The schema of one kind of job request (one member of the contract's union). */
export function jobSchema<K extends JobKind>(kind: K): z.ZodObject {
  return JobRequest.options.find((o) => o.shape.kind.value === kind)! as unknown as z.ZodObject;
}

/** A job request of one kind from the command line's fields, validated with the flag named in what is wrong. */
export function jobRequest<K extends JobKind>(kind: K, fields: Record<string, unknown>): Extract<ParsedJobRequest, { kind: K }> {
  return validated(jobSchema(kind), { ...fields, kind }) as Extract<ParsedJobRequest, { kind: K }>;
}
