import { PROVENANCE_FIELDS, type ImageRecord, type ImageStatus, type ImageTile, type ParsedRequest } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { basename } from '../../shared/format';
import { labelsByImage } from './labels';
import type { Project } from './projects/project';

interface ImageRow {
  id: number;
  collection_id: number;
  status: ImageStatus;
  reason: string | null;
  sha256: string | null;
  phash: string | null;
  width: number | null;
  height: number | null;
  format: string | null;
  bytes: number | null;
  original_path: string | null;
  thumb_path: string | null;
  source_path: string;
  archive: string;
  notes: string;
  rights: string;
  sitter: string;
  caption: string;
  date: string;
  source: string;
  duplicate_of: number | null;
  imported_at: string;
}

function toTile(r: ImageRow, labels: Record<string, string>): ImageTile {
  return {
    id: r.id,
    collectionId: r.collection_id,
    status: r.status,
    reason: r.reason,
    thumbPath: r.thumb_path,
    sourceName: basename(r.source_path),
    width: r.width,
    height: r.height,
    labels,
  };
}

export function listImages(project: Project, q: ParsedRequest<'images.list'>): { total: number; items: ImageTile[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (q.collectionId !== undefined) {
    where.push('i.collection_id = ?');
    args.push(q.collectionId);
  }
  if (q.status) {
    where.push('i.status = ?');
    args.push(q.status);
  }
  if (q.label) {
    where.push('EXISTS (SELECT 1 FROM image_labels l JOIN label_keys k ON k.id = l.key_id WHERE l.image_id = i.id AND k.name = ? AND l.value = ?)');
    args.push(q.label.key, q.label.value);
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const { total } = project.db.prepare(`SELECT count(*) AS total FROM images i ${clause}`).get(...args) as { total: number };
  const rows = project.db
    .prepare(`SELECT * FROM images i ${clause} ORDER BY i.source_path COLLATE NOCASE, i.id LIMIT ? OFFSET ?`)
    .all(...args, q.limit, q.offset) as ImageRow[];
  const labels = labelsByImage(project, rows.length > 2000 ? 'all' : rows.map((r) => r.id));
  return { total, items: rows.map((r) => toTile(r, labels.get(r.id) ?? {})) };
}

export function getImage(project: Project, id: number): ImageRecord {
  const r = project.db.prepare('SELECT * FROM images WHERE id = ?').get(id) as ImageRow | undefined;
  if (!r) throw new AppError('not_found', `no image #${id} in project "${project.name}"`);
  return {
    ...toTile(r, labelsByImage(project, [id]).get(id) ?? {}),
    sha256: r.sha256,
    phash: r.phash,
    format: r.format,
    bytes: r.bytes,
    originalPath: r.original_path,
    sourcePath: r.source_path,
    archive: r.archive,
    notes: r.notes,
    rights: r.rights,
    sitter: r.sitter,
    caption: r.caption,
    date: r.date,
    source: r.source,
    duplicateOf: r.duplicate_of,
    importedAt: r.imported_at,
  };
}

export function updateProvenance(project: Project, req: ParsedRequest<'images.updateProvenance'>): ImageRecord {
  getImage(project, req.id);
  const fields = PROVENANCE_FIELDS.filter((f) => req[f] !== undefined);
  if (fields.length) {
    project.db.prepare(`UPDATE images SET ${fields.map((f) => `${f} = ?`).join(', ')} WHERE id = ?`).run(...fields.map((f) => req[f]!), req.id);
  }
  return getImage(project, req.id);
}
