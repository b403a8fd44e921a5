// `leporello project check`: every file the database points at, checked against its hash (or, for
// files without one, that it is there); files nothing points at (orphans: an import or a run
// killed between its file and its row); half-written files of processes that died; and the rows
// whose file is missing or damaged. `repair` removes what nothing references, never a file a row
// points at, and never touches a row: a damaged row is for a backup to restore.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ownerAlive, ownerPid } from '../../formats/process-owner';
import type { Project } from './project';

export interface ProjectCheck {
  /** Files the database references that were checked. */
  checked: number;
  /** Rows whose file is missing or does not match its hash. */
  damaged: { table: string; id: number; path: string; problem: 'missing' | 'damaged' }[];
  /** Files under the project's data folders that no row references. */
  orphans: string[];
  /** Half-written files of processes that are no longer running. */
  stalePartials: string[];
  /** What `repair` removed (empty without it). */
  removed: string[];
}

async function sha256Of(file: string): Promise<string | null> {
  try {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } catch {
    return null;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

interface Reference {
  table: string;
  id: number;
  /** Project-relative. */
  path: string;
  sha256: string | null;
  /** A folder that is referenced as a whole (a dataset, a network, a run). */
  folder?: boolean;
}

function references(project: Project): Reference[] {
  const db = project.db;
  const rows = <T>(sql: string) => db.prepare(sql).all() as T[];
  const refs: Reference[] = [];
  for (const r of rows<{ id: number; original_path: string | null; thumb_path: string | null; sha256: string | null }>(
    "SELECT id, original_path, thumb_path, sha256 FROM images WHERE status = 'ok'",
  )) {
    if (r.original_path) refs.push({ table: 'images', id: r.id, path: r.original_path, sha256: r.sha256 });
    if (r.thumb_path) refs.push({ table: 'images', id: r.id, path: r.thumb_path, sha256: null });
  }
  for (const r of rows<{ id: number; aligned_path: string }>('SELECT id, aligned_path FROM faces'))
    refs.push({ table: 'faces', id: r.id, path: r.aligned_path, sha256: null });
  for (const r of rows<{ id: number; dir_path: string; sha256: string }>('SELECT id, dir_path, sha256 FROM datasets')) {
    refs.push({ table: 'datasets', id: r.id, path: `${r.dir_path}/images.u8`, sha256: r.sha256 });
    refs.push({ table: 'datasets', id: r.id, path: r.dir_path, sha256: null, folder: true });
  }
  for (const r of rows<{ id: number; path: string; sha256: string; witness_grid: string; weights_kept: number }>(
    'SELECT id, path, sha256, witness_grid, weights_kept FROM checkpoints',
  )) {
    // A checkpoint whose weights the run let go (keepWeightsEvery) owns only its witnesses.
    if (r.weights_kept) refs.push({ table: 'checkpoints', id: r.id, path: r.path, sha256: r.sha256 });
    refs.push({ table: 'checkpoints', id: r.id, path: r.witness_grid, sha256: null });
  }
  for (const r of rows<{ run_id: number; path: string; sha256: string }>('SELECT run_id, path, sha256 FROM resume_points')) {
    refs.push({ table: 'resume_points', id: r.run_id, path: r.path, sha256: r.sha256 });
  }
  for (const r of rows<{ id: number; dir_path: string }>('SELECT id, dir_path FROM runs'))
    refs.push({ table: 'runs', id: r.id, path: r.dir_path, sha256: null, folder: true });
  for (const r of rows<{ id: number; dir_path: string }>('SELECT id, dir_path FROM networks'))
    refs.push({ table: 'networks', id: r.id, path: r.dir_path, sha256: null, folder: true });
  for (const r of rows<{ id: number; path: string; sha256: string }>('SELECT id, path, sha256 FROM renders')) {
    // Renders may be written outside the project (a CLI --out); only those inside are checked.
    if (!r.path.startsWith('/') && !/^[A-Za-z]:/.test(r.path)) refs.push({ table: 'renders', id: r.id, path: r.path, sha256: r.sha256 });
  }
  return refs;
}

/** Data folders whose every file should be referenced (runs and renders also hold files of their own). */
const CONTENT_FOLDERS = ['originals', 'thumbs', 'aligned'];
const PARTIAL = /(^|[\\/])\.[^\\/]*\.partial(\.[^\\/]*)?$/;

export async function checkProject(project: Project, options: { repair?: boolean } = {}): Promise<ProjectCheck> {
  const refs = references(project);
  const report: ProjectCheck = { checked: 0, damaged: [], orphans: [], stalePartials: [], removed: [] };
  const referenced = new Set<string>();
  for (const ref of refs) {
    const file = join(project.dir, ref.path);
    referenced.add(ref.path.split('/').join(sep));
    if (ref.folder) {
      if (!existsSync(file)) report.damaged.push({ table: ref.table, id: ref.id, path: ref.path, problem: 'missing' });
      continue;
    }
    report.checked++;
    if (ref.sha256 === null) {
      if (!existsSync(file)) report.damaged.push({ table: ref.table, id: ref.id, path: ref.path, problem: 'missing' });
      continue;
    }
    const actual = await sha256Of(file);
    if (actual !== ref.sha256) report.damaged.push({ table: ref.table, id: ref.id, path: ref.path, problem: actual === null ? 'missing' : 'damaged' });
  }
  for (const folder of CONTENT_FOLDERS) {
    for (const file of await filesUnder(join(project.dir, folder))) {
      const rel = relative(project.dir, file);
      if (!referenced.has(rel)) report.orphans.push(rel.split(sep).join('/'));
    }
  }
  // Half-written files: spaces under tmp/ of processes that died, and partial renders beside outputs.
  for (const entry of await readdir(join(project.dir, 'tmp')).catch(() => [])) {
    if (ownerPid(entry) !== null && !ownerAlive(entry)) report.stalePartials.push(`tmp/${entry}`);
  }
  for (const folder of ['renders', 'runs', 'datasets', 'networks']) {
    for (const file of await filesUnder(join(project.dir, folder))) {
      if (!PARTIAL.test(file)) continue;
      // A partial renamed within the last minute may be a live render's.
      const age = Date.now() - (await stat(file)).mtimeMs;
      if (age > 60_000) report.stalePartials.push(relative(project.dir, file).split(sep).join('/'));
    }
  }
  if (options.repair) {
    for (const rel of [...report.orphans, ...report.stalePartials]) {
      await rm(join(project.dir, rel), { recursive: true, force: true });
      report.removed.push(rel);
    }
  }
  return report;
}
