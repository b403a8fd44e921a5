// What an import is about to change on pictures the project already had — their labels and
// catalogue fields — kept before it changes them, and given back when the import is undone.
import type { Project } from '../projects/project';

const FIELDS = ['sitter', 'caption', 'date', 'source', 'rights'] as const;

/** Records, once per import and picture, what the pictures among `ids` that this import did not make hold now. */
export function keepPrior(project: Project, importId: string, ids: number[]): void {
  const earlier = (
    project.db
      .prepare('SELECT id FROM images WHERE id IN (SELECT value FROM json_each(?)) AND import_id IS NOT ?')
      .all(JSON.stringify([...new Set(ids)]), importId) as { id: number }[]
  ).map((r) => r.id);
  const labelsOf = project.db.prepare(
    'SELECT k.name AS key, l.value FROM image_labels l JOIN label_keys k ON k.id = l.key_id WHERE l.image_id = ? ORDER BY k.name',
  );
  const fieldsOf = project.db.prepare(`SELECT ${FIELDS.join(', ')} FROM images WHERE id = ?`);
  const keep = project.db.prepare('INSERT OR IGNORE INTO import_prior (import_id, image_id, labels, fields) VALUES (?, ?, ?, ?)');
  project.db.transaction(() => {
    for (const id of earlier) {
      const labels = (labelsOf.all(id) as { key: string; value: string }[]).map((l) => [l.key, l.value]);
      keep.run(importId, id, JSON.stringify(labels), JSON.stringify(fieldsOf.get(id)));
    }
  })();
}

/** Gives the pictures an import changed back what they held before it; answers how many. */
export function restorePrior(project: Project, importId: string, setLabel: (ids: number[], key: string, value: string) => void): number {
  const rows = project.db.prepare('SELECT image_id, labels, fields FROM import_prior WHERE import_id = ?').all(importId) as {
    image_id: number;
    labels: string;
    fields: string;
  }[];
  project.db.transaction(() => {
    for (const r of rows) {
      project.db.prepare('DELETE FROM image_labels WHERE image_id = ?').run(r.image_id);
      for (const [key, value] of JSON.parse(r.labels) as [string, string][]) setLabel([r.image_id], key, value);
      const fields = JSON.parse(r.fields) as Record<(typeof FIELDS)[number], string>;
      project.db.prepare(`UPDATE images SET ${FIELDS.map((f) => `${f} = ?`).join(', ')} WHERE id = ?`).run(...FIELDS.map((f) => fields[f]), r.image_id);
    }
    project.db.prepare('DELETE FROM import_prior WHERE import_id = ?').run(importId);
  })();
  return rows.length;
}
