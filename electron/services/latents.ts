// The project's latents: where each came from, which generator and space it belongs to, its labels,
// and the centroid of a label's members — generated faces the curator labelled, and portraits
// projected into the generator whose images carry the label.
import type { LatentSummary } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Project } from './projects/project';

export type LatentKind = 'sample' | 'projected' | 'centroid' | 'arithmetic';

export interface StoredLatent {
  id: number;
  name: string | null;
  kind: LatentKind | 'witness';
  generator: string;
  space: 'z' | 'w';
  source: string;
  imageId: number | null;
  detail: Record<string, unknown>;
  labels: Record<string, string>;
  vector: Float32Array;
}

interface LatentRow {
  id: number;
  name: string | null;
  kind: StoredLatent['kind'];
  generator: string;
  space: 'z' | 'w';
  source: string;
  image_id: number | null;
  detail: string;
  vector: Buffer;
}

const now = () => new Date().toISOString();
const toVector = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

function labelsOf(project: Project, ids: number[]): Map<number, Record<string, string>> {
  const out = new Map<number, Record<string, string>>(ids.map((id) => [id, {}]));
  if (!ids.length) return out;
  const rows = project.db
    .prepare(
      `SELECT l.latent_id AS id, k.name AS key, l.value FROM latent_labels l JOIN label_keys k ON k.id = l.key_id WHERE l.latent_id IN (${ids.map(() => '?').join(',')})`,
    )
    .all(...ids) as { id: number; key: string; value: string }[];
  for (const r of rows) out.get(r.id)![r.key] = r.value;
  return out;
}

function fromRows(project: Project, rows: LatentRow[]): StoredLatent[] {
  const labels = labelsOf(
    project,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    generator: r.generator,
    space: r.space,
    source: r.source,
    imageId: r.image_id,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    labels: labels.get(r.id)!,
    vector: toVector(r.vector),
  }));
}

export interface NewLatent {
  vector: ArrayLike<number>;
  kind: LatentKind;
  source: string;
  name?: string | null;
  imageId?: number | null;
  detail?: Record<string, unknown>;
}

/** Stores latents of one generator and space, all or nothing; returns them with their ids. */
export function addLatents(project: Project, generator: string, space: 'z' | 'w', latents: NewLatent[]): StoredLatent[] {
  const insert = project.db.prepare(
    'INSERT INTO latents (kind, vector, source, created_at, generator, space, name, image_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const ids = project.db.transaction(() =>
    latents.map((l) => {
      if (!Array.from(l.vector).every(Number.isFinite))
        throw new AppError('invalid_request', `latent "${l.source}" has values that are not finite numbers; nothing was stored`);
      const bytes = Buffer.from(Float32Array.from(l.vector).buffer);
      return Number(
        insert.run(l.kind, bytes, l.source, now(), generator, space, l.name ?? null, l.imageId ?? null, JSON.stringify(l.detail ?? {})).lastInsertRowid,
      );
    }),
  )();
  return getLatents(project, ids);
}

/** The curator's latents of one generator (witnesses of training runs are not among them). */
export function listLatents(project: Project, generator: string): StoredLatent[] {
  const rows = project.db.prepare("SELECT * FROM latents WHERE generator = ? AND kind <> 'witness' ORDER BY id").all(generator) as LatentRow[];
  return fromRows(project, rows);
}

/** Latents by id, in the order given; every one must exist. */
export function getLatents(project: Project, ids: number[]): StoredLatent[] {
  if (!ids.length) return [];
  const rows = project.db.prepare(`SELECT * FROM latents WHERE id IN (${ids.map(() => '?').join(',')}) AND kind <> 'witness'`).all(...ids) as LatentRow[];
  const byId = new Map(fromRows(project, rows).map((l) => [l.id, l]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length)
    throw new AppError(
      'not_found',
      `no latent ${missing
        .slice(0, 5)
        .map((m) => `#${m}`)
        .join(', ')} in project "${project.name}"; see "leporello latents ${project.dir} … list"`,
    );
  return ids.map((id) => byId.get(id)!);
}

/** Latents that can be combined: all of the generator at hand, in its space. */
export function latentsOf(project: Project, generator: string, ids: number[]): StoredLatent[] {
  const latents = getLatents(project, ids);
  const stranger = latents.find((l) => l.generator !== generator);
  if (stranger)
    throw new AppError(
      'invalid_request',
      `latent #${stranger.id} belongs to ${stranger.generator}, not ${generator}: latents of different generators cannot be combined or drawn together`,
    );
  return latents;
}

/** Sets `key = value` on latents (one value per key each): the questionnaire's answers. All or nothing. */
export function labelLatents(project: Project, ids: number[], key: string, value: string): number {
  if (!key.trim() || !value.trim()) throw new AppError('invalid_request', 'a label is key=value, both non-empty (e.g. expression=smiling)');
  return project.db.transaction(() => {
    getLatents(project, ids);
    project.db.prepare('INSERT INTO label_keys (name) VALUES (?) ON CONFLICT (name) DO NOTHING').run(key);
    const keyId = (project.db.prepare('SELECT id FROM label_keys WHERE name = ?').get(key) as { id: number }).id;
    const stmt = project.db.prepare(
      'INSERT INTO latent_labels (latent_id, key_id, value) VALUES (?, ?, ?) ON CONFLICT (latent_id, key_id) DO UPDATE SET value = excluded.value',
    );
    for (const id of new Set(ids)) stmt.run(id, keyId, value);
    return new Set(ids).size;
  })();
}

/**
 * A label's members among one generator's latents: latents labelled key=value, and portraits with
 * that label projected into this generator.
 */
export function labelMembers(project: Project, generator: string, key: string, value: string): StoredLatent[] {
  const rows = project.db
    .prepare(
      `SELECT l.* FROM latents l
        WHERE l.generator = ? AND l.kind <> 'witness' AND (
          EXISTS (SELECT 1 FROM latent_labels ll JOIN label_keys k ON k.id = ll.key_id WHERE ll.latent_id = l.id AND k.name = ? AND ll.value = ?)
          OR (l.kind = 'projected' AND EXISTS (SELECT 1 FROM image_labels il JOIN label_keys k ON k.id = il.key_id WHERE il.image_id = l.image_id AND k.name = ? AND il.value = ?)))
        ORDER BY l.id`,
    )
    .all(generator, key, value, key, value) as LatentRow[];
  const members = fromRows(project, rows);
  if (!members.length) {
    throw new AppError(
      'not_found',
      `no latent of ${generator} is labelled ${key}=${value}: label generated faces (the Questionnaire, or "leporello latents … label"), or project portraits that carry the label (Latents → Project portrait, or "leporello project-image")`,
    );
  }
  return members;
}

/** A latent as the studio lists it: without its vector, generator and space. */
export function latentSummary({ vector: _, generator: __, space: ___, ...rest }: StoredLatent): LatentSummary {
  return rest;
}
