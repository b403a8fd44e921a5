// What a kind of job sees of its host: the project it reads and records into, an engine process to
// compute in, the cancel signal, progress to pass on — and, from the command line only, where the
// person asked the result to be written. One file per kind under kinds/ turns a request into
// engine work and records the answer; JobHost runs them.
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { JobKind, JobResult, ParsedJobRequest } from '../../../shared/contract';
import type { JobProgressMessage } from '../../engine/protocol';
import type { EngineClient } from '../engine-host/engine-client';
import type { Project } from '../projects/project';

export interface HostJobContext {
  project: Project;
  /** The studio's own folder (its downloads/ are shared by every project). */
  studioHome: string;
  engine: EngineClient;
  signal: AbortSignal;
  onProgress: (progress: JobProgressMessage) => void;
  /** `--out` on the command line: the file to write instead of one named under renders/. */
  out?: string;
}

export type HostJob<K extends JobKind> = (request: Extract<ParsedJobRequest, { kind: K }>, context: HostJobContext) => Promise<JobResult<K>>;

/** A file's path as the studio shows it: project-relative inside the project, absolute elsewhere. */
export function shownPath(project: Project, file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(project.dir, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split('\\').join('/');
}

/**
 * A file under the project's renders/ that no earlier render holds: "blend.mp4", then
 * "blend-2.mp4" — the studio never replaces a render the curator may still want. `siblings` are
 * extensions written beside it (a ProRes .mov) that must be free too.
 */
export function freeRenderFile(project: Project, folder: string, stem: string, ext: string, siblings: string[] = []): string {
  const dir = join(project.dir, 'renders', folder);
  for (let n = 1; ; n++) {
    const name = n === 1 ? stem : `${stem}-${n}`;
    if (![ext, ...siblings].some((e) => existsSync(join(dir, name + e)))) return join(dir, name + ext);
  }
}
