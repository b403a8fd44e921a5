import { AppError } from '../../shared/errors';
import type { Project } from './projects/project';

function keyId(project: Project, key: string): number {
  project.db.prepare('INSERT INTO label_keys (name) VALUES (?) ON CONFLICT (name) DO NOTHING').run(key);
  return (project.db.prepare('SELECT id FROM label_keys WHERE name = ?').get(key) as { id: number }).id;
}

function checkImagesExist(project: Project, imageIds: number[]): void {
  const placeholders = imageIds.map(() => '?').join(',');
  const found = project.db.prepare(`SELECT id FROM images WHERE id IN (${placeholders})`).all(...imageIds) as { id: number }[];
  if (found.length !== new Set(imageIds).size) {
    const have = new Set(found.map((r) => r.id));
    const missing = imageIds.filter((i) => !have.has(i)).slice(0, 5);
    throw new AppError('not_found', `no image ${missing.map((m) => `#${m}`).join(', ')} in project "${project.name}"; nothing was labelled`);
  }
}

/** Sets `key = value` on every given image (one value per key per image). All or nothing. */
export function setLabel(project: Project, imageIds: number[], key: string, value: string): number {
  return project.db.transaction(() => {
    checkImagesExist(project, imageIds);
    const kid = keyId(project, key);
    const stmt = project.db.prepare(
      'INSERT INTO image_labels (image_id, key_id, value) VALUES (?, ?, ?) ON CONFLICT (image_id, key_id) DO UPDATE SET value = excluded.value',
    );
    for (const id of new Set(imageIds)) stmt.run(id, kid, value);
    return new Set(imageIds).size;
  })();
}

export function removeLabel(project: Project, imageIds: number[], key: string): number {
  return project.db.transaction(() => {
    checkImagesExist(project, imageIds);
    const row = project.db.prepare('SELECT id FROM label_keys WHERE name = ?').get(key) as { id: number } | undefined;
    if (!row) return 0;
    const stmt = project.db.prepare('DELETE FROM image_labels WHERE image_id = ? AND key_id = ?');
    let n = 0;
    for (const id of new Set(imageIds)) n += stmt.run(id, row.id).changes;
    return n;
  })();
}

export function listLabels(project: Project): { key: string; values: { value: string; count: number }[] }[] {
  const rows = project.db
    .prepare(
      `SELECT k.name AS key, l.value AS value, count(*) AS count
         FROM label_keys k JOIN image_labels l ON l.key_id = k.id
        GROUP BY k.id, l.value ORDER BY k.name, l.value`,
    )
    .all() as { key: string; value: string; count: number }[];
  const byKey = new Map<string, { value: string; count: number }[]>();
  for (const r of rows) {
    const values = byKey.get(r.key) ?? [];
    values.push({ value: r.value, count: r.count });
    byKey.set(r.key, values);
  }
  return [...byKey].map(([key, values]) => ({ key, values }));
}

/** Labels of many images at once, for listing. */
export function labelsByImage(project: Project, imageIds: number[] | 'all'): Map<number, Record<string, string>> {
  const rows = project.db
    .prepare(`SELECT l.image_id AS imageId, k.name AS key, l.value AS value FROM image_labels l JOIN label_keys k ON k.id = l.key_id`)
    .all() as { imageId: number; key: string; value: string }[];
  const wanted = imageIds === 'all' ? null : new Set(imageIds);
  const out = new Map<number, Record<string, string>>();
  for (const r of rows) {
    if (wanted && !wanted.has(r.imageId)) continue;
    const rec = out.get(r.imageId) ?? {};
    rec[r.key] = r.value;
    out.set(r.imageId, rec);
  }
  return out;
}
