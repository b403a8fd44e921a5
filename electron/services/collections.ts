import type { Collection } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Project } from './projects/project';

export function listCollections(project: Project): Collection[] {
  const rows = project.db
    .prepare(
      `SELECT c.id, c.name,
              count(CASE WHEN i.status = 'ok' THEN 1 END) AS ok,
              count(CASE WHEN i.status = 'rejected' THEN 1 END) AS rejected,
              count(CASE WHEN i.status = 'duplicate' THEN 1 END) AS duplicate
         FROM collections c LEFT JOIN images i ON i.collection_id = c.id
        GROUP BY c.id ORDER BY c.name COLLATE NOCASE`,
    )
    .all() as { id: number; name: string; ok: number; rejected: number; duplicate: number }[];
  return rows.map((r) => ({ id: r.id, name: r.name, counts: { ok: r.ok, rejected: r.rejected, duplicate: r.duplicate } }));
}

export function getCollection(project: Project, id: number): Collection {
  const found = listCollections(project).find((c) => c.id === id);
  if (!found) throw new AppError('not_found', `no collection #${id} in project "${project.name}"`);
  return found;
}

export function createCollection(project: Project, name: string): Collection {
  const existing = project.db.prepare('SELECT id FROM collections WHERE name = ?').get(name) as { id: number } | undefined;
  if (existing) throw new AppError('conflict', `a collection named "${name}" already exists in project "${project.name}"`);
  const { lastInsertRowid } = project.db.prepare('INSERT INTO collections (name, created_at) VALUES (?, ?)').run(name, new Date().toISOString());
  return getCollection(project, Number(lastInsertRowid));
}

/** The collection of that name, created if it does not exist yet (imports name their target). */
export function ensureCollection(project: Project, name: string): number {
  // INSERT OR IGNORE, then read: two processes importing into a new collection at once get one.
  project.db.prepare('INSERT INTO collections (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(name, new Date().toISOString());
  return (project.db.prepare('SELECT id FROM collections WHERE name = ?').get(name) as { id: number }).id;
}

/** A collection by its name, any case; the error lists the project's collections. */
export function findCollectionByName(project: Project, name: string): Collection {
  const c = listCollections(project).find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!c)
    throw new AppError(
      'not_found',
      `no collection "${name}" in ${project.dir}; collections: ${
        listCollections(project)
          .map((x) => x.name)
          .join(', ') || 'none yet'
      }`,
    );
  return c;
}
