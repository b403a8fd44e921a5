import { realpathSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { AppError } from '../../../shared/errors';

/** Where things live inside a project folder. Large binaries are files; everything else is in SQLite. */
export const DATABASE_FILE = 'leporello.sqlite';
export const PROJECT_DIRS = ['originals', 'thumbs', 'aligned', 'datasets', 'networks', 'runs', 'renders', 'tmp'] as const;
/** The folders whose files the renderer may load (through the custom protocol or the server). */
export const SERVED_DIRS = new Set(['originals', 'thumbs', 'aligned', 'datasets', 'runs', 'renders']);

export function originalRelPath(sha256: string, ext: string): string {
  return `originals/${sha256.slice(0, 2)}/${sha256}.${ext}`;
}

export function thumbRelPath(sha256: string): string {
  return `thumbs/${sha256.slice(0, 2)}/${sha256}.webp`;
}

/** A picture's aligned crops, one per face, by its position among them: `${stem}-N.png`. */
export function alignedStem(sha256: string): string {
  return `aligned/${sha256.slice(0, 2)}/${sha256}`;
}

export function alignedRelPath(sha256: string, position: number): string {
  return `${alignedStem(sha256)}-${position}.png`;
}

/**
 * Resolves a project-relative path requested by the renderer, refusing anything that would leave
 * the project folder (`..`, absolute paths, symlinks pointing out) or reach files it has no
 * business reading (the database, temporary files).
 */
export function resolveServedFile(projectDir: string, requested: string): string {
  const refuse = (why: string) => new AppError('not_found', `refused file path "${requested}": ${why}`);
  if (requested.includes('\0')) throw refuse('it contains a NUL byte');
  const decoded = requested.replace(/\\/g, '/');
  if (isAbsolute(decoded) || /^[a-zA-Z]:/.test(decoded)) throw refuse('absolute paths are not served');
  const clean = normalize(decoded);
  if (clean.split(/[\\/]/).includes('..')) throw refuse('it leaves the project folder');
  const top = clean.split(/[\\/]/)[0] ?? '';
  if (!SERVED_DIRS.has(top)) throw refuse(`only ${[...SERVED_DIRS].join(', ')} are served`);
  const root = realpathSync(projectDir);
  const target = resolve(root, clean);
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    throw new AppError('not_found', `no such file in the project: ${clean}`);
  }
  const rel = relative(root, real);
  if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep)[0] !== top) throw refuse('it resolves outside the project folder');
  return real;
}

export function projectPath(dir: string, rel: string): string {
  return join(dir, rel);
}
