// Taking back what a curator no longer wants: pictures, a whole collection, or an import as one
// step. What uses them is said first and never broken: a dataset is frozen with its own copies (it
// keeps training and printing), a latent projected from a portrait keeps its vector. Records go in
// one transaction; the files only after it, and only those no remaining record points at (a
// duplicate's record shares its keeper's thumbnail), so a crash leaves at worst an unused file.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageUsage } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { ownerAlive } from '../formats/process-owner';
import { restorePrior } from './import/import-prior';
import { setLabel } from './labels';
import type { Project } from './projects/project';

/** Any number of ids as one parameter (SQLite caps bound parameters; a collection may hold 100 000 pictures). */
const IN_IDS = '(SELECT value FROM json_each(?))';
const idList = (ids: number[]) => JSON.stringify(ids);

/** What uses these pictures, to say before they are deleted. */
export function imageUsage(project: Project, ids: number[]): ImageUsage {
  if (ids.length === 0) return { datasets: [], projectedLatents: 0 };
  const datasets = project.db
    .prepare(`SELECT DISTINCT d.name FROM dataset_images di JOIN datasets d ON d.id = di.dataset_id WHERE di.image_id IN ${IN_IDS} ORDER BY d.name`)
    .all(idList(ids)) as { name: string }[];
  const latents = project.db.prepare(`SELECT count(*) AS n FROM latents WHERE image_id IN ${IN_IDS}`).get(idList(ids)) as { n: number };
  return { datasets: datasets.map((d) => d.name), projectedLatents: latents.n };
}

/** Files under the project a set of image records points at: originals, thumbnails, aligned faces. */
function filesOf(project: Project, ids: number[]): string[] {
  const images = project.db.prepare(`SELECT original_path, thumb_path FROM images WHERE id IN ${IN_IDS}`).all(idList(ids)) as {
    original_path: string | null;
    thumb_path: string | null;
  }[];
  const faces = project.db.prepare(`SELECT aligned_path FROM faces WHERE image_id IN ${IN_IDS}`).all(idList(ids)) as { aligned_path: string }[];
  return [...new Set([...images.flatMap((r) => [r.original_path, r.thumb_path]), ...faces.map((f) => f.aligned_path)].filter((p): p is string => !!p))];
}

function stillUsed(project: Project, path: string): boolean {
  return (
    project.db.prepare('SELECT 1 FROM images WHERE original_path = ? OR thumb_path = ? LIMIT 1').get(path, path) !== undefined ||
    project.db.prepare('SELECT 1 FROM faces WHERE aligned_path = ? LIMIT 1').get(path) !== undefined
  );
}

/**
 * Deletes these image records (and the duplicate records of any kept picture among them, which
 * only say "same bytes as" it) in the caller's transaction; returns what they used and the files
 * they pointed at, to remove once the transaction has committed.
 */
function deleteRecords(project: Project, ids: number[]): { deleted: number; usage: ImageUsage; files: string[] } {
  const unique = [...new Set(ids)];
  const found = (project.db.prepare(`SELECT id FROM images WHERE id IN ${IN_IDS}`).all(idList(unique)) as { id: number }[]).map((r) => r.id);
  const present = new Set(found);
  const missing = unique.filter((id) => !present.has(id));
  if (missing.length)
    throw new AppError(
      'not_found',
      `no image${missing.length > 1 ? 's' : ''} #${missing.slice(0, 20).join(', #')} in project "${project.name}" (deleted meanwhile?)`,
    );
  const duplicates = (project.db.prepare(`SELECT id FROM images WHERE duplicate_of IN ${IN_IDS}`).all(idList(found)) as { id: number }[]).map((r) => r.id);
  const all = [...new Set([...found, ...duplicates])];
  const usage = imageUsage(project, all);
  const files = all.length ? filesOf(project, all) : [];
  project.db.prepare(`DELETE FROM images WHERE id IN ${IN_IDS}`).run(idList(all));
  return { deleted: all.length, usage, files };
}

/** The files nothing points at any more, removed (after the records' transaction committed). */
async function removeUnused(project: Project, files: string[]): Promise<void> {
  for (const file of files) if (!stillUsed(project, file)) await rm(join(project.dir, file), { force: true });
}

/** Deletes these pictures (see deleteRecords), then the files nothing points at any more. */
export async function deleteImages(project: Project, ids: number[]): Promise<{ deleted: number; usage: ImageUsage }> {
  const { deleted, usage, files } = project.db.transaction(() => deleteRecords(project, ids))();
  await removeUnused(project, files);
  return { deleted, usage };
}

/** A collection with every picture in it, in one transaction: a picture another process adds meanwhile goes with it or waits. */
export async function deleteCollection(project: Project, collectionId: number): Promise<{ deleted: number; usage: ImageUsage }> {
  const { deleted, usage, files } = project.db.transaction(() => {
    const collection = project.db.prepare('SELECT name FROM collections WHERE id = ?').get(collectionId) as { name: string } | undefined;
    if (!collection) throw new AppError('not_found', `no collection #${collectionId} in project "${project.name}"`);
    const ids = (project.db.prepare('SELECT id FROM images WHERE collection_id = ?').all(collectionId) as { id: number }[]).map((r) => r.id);
    const result = deleteRecords(project, ids);
    project.db.prepare('DELETE FROM collections WHERE id = ?').run(collectionId);
    return result;
  })();
  await removeUnused(project, files);
  return { deleted, usage };
}

/** What an import would take back: the records it made, and whether its collection goes with them. */
function importRecord(project: Project, importId: string) {
  const row = project.db.prepare('SELECT collection_id, created_collection, owner, finished_at, undone_at FROM imports WHERE id = ?').get(importId) as
    { collection_id: number | null; created_collection: number; owner: string; finished_at: string | null; undone_at: string | null } | undefined;
  if (!row) throw new AppError('not_found', `no import ${importId} in project "${project.name}"`);
  if (row.undone_at) throw new AppError('conflict', `that import was already undone (${row.undone_at})`);
  // Still running in some process (one that crashed never finished, and may be undone).
  if (row.finished_at === null && ownerAlive(row.owner))
    throw new AppError('conflict', 'that import is still running: wait for it or cancel it where it runs, then undo it');
  return row;
}

/**
 * Takes an import back as one step: every record it made (kept pictures, duplicates, rejections)
 * with their files, the collection it created once nothing else is in it, and — for pictures that
 * were already in the project — the labels and catalogue fields they held before it.
 */
export async function undoImport(
  project: Project,
  importId: string,
): Promise<{ deleted: number; collectionRemoved: boolean; restored: number; usage: ImageUsage }> {
  const row = importRecord(project, importId);
  const ids = (project.db.prepare('SELECT id FROM images WHERE import_id = ?').all(importId) as { id: number }[]).map((r) => r.id);
  const { deleted, usage } = await deleteImages(project, ids);
  const restored = restorePrior(project, importId, (imageIds, key, value) => setLabel(project, imageIds, key, value));
  let collectionRemoved = false;
  project.db.transaction(() => {
    project.db.prepare('UPDATE imports SET undone_at = ? WHERE id = ?').run(new Date().toISOString(), importId);
    if (row.created_collection && row.collection_id !== null) {
      const left = project.db.prepare('SELECT 1 FROM images WHERE collection_id = ? LIMIT 1').get(row.collection_id);
      if (!left) collectionRemoved = project.db.prepare('DELETE FROM collections WHERE id = ?').run(row.collection_id).changes === 1;
    }
  })();
  return { deleted, collectionRemoved, restored, usage };
}
