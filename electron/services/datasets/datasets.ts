// Datasets: a collection's kept images (optionally those with one label value) — or, once curated,
// their kept faces' aligned crops — frozen at one resolution and colour mode. Made once, never
// changed; a changed collection makes a new one.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset, DatasetProgress, DatasetRequest } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { getCollection } from '../collections';
import { atomicWrite } from '../../formats/atomic-write';
import type { Project } from '../projects/project';
import { DATA_FILE, META_FILE, imageBytes, packImage, type DatasetMeta } from '../../formats/dataset-file';

interface DatasetRow {
  id: number;
  name: string;
  collection_id: number | null;
  label_key: string | null;
  label_value: string | null;
  resolution: number;
  channels: 1 | 3;
  fit: 'crop' | 'pad';
  xflip: number;
  class_key: string | null;
  classes: string | null;
  image_count: number;
  dir_path: string;
  sha256: string;
  bytes: number;
  created_at: string;
}

function toDataset(r: DatasetRow): Dataset {
  return {
    id: r.id,
    name: r.name,
    collectionId: r.collection_id,
    label: r.label_key !== null && r.label_value !== null ? { key: r.label_key, value: r.label_value } : null,
    resolution: r.resolution,
    channels: r.channels,
    fit: r.fit,
    xflip: r.xflip === 1,
    classes: r.class_key !== null && r.classes !== null ? { key: r.class_key, values: JSON.parse(r.classes) as string[] } : null,
    imageCount: r.image_count,
    path: r.dir_path,
    sha256: r.sha256,
    bytes: r.bytes,
    createdAt: r.created_at,
  };
}

export function listDatasets(project: Project): Dataset[] {
  return (project.db.prepare('SELECT * FROM datasets ORDER BY id').all() as DatasetRow[]).map(toDataset);
}

export function getDataset(project: Project, id: number): Dataset {
  const row = project.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined;
  if (!row) throw new AppError('not_found', `no dataset #${id} in project "${project.name}"`);
  return toDataset(row);
}

function chooseName(project: Project, req: DatasetRequest, channels: 1 | 3, collectionName: string): string {
  const taken = (n: string) => project.db.prepare('SELECT 1 FROM datasets WHERE name = ?').get(n) !== undefined;
  if (req.name) {
    if (taken(req.name))
      throw new AppError('conflict', `a dataset named "${req.name}" already exists; datasets never change, so give the new one another name`);
    return req.name;
  }
  const parts = [
    collectionName,
    req.label ? `${req.label.key}-${req.label.value}` : null,
    req.classKey ? `by-${req.classKey}` : null,
    String(req.resolution),
    channels === 1 ? 'gray' : null,
  ];
  const base = parts.filter(Boolean).join('-');
  let candidate = base;
  for (let i = 2; taken(candidate); i++) candidate = `${base}-${i}`;
  return candidate;
}

/**
 * What a collection trains on, in a stable order: a curated picture contributes each of its kept
 * faces' aligned crops (none when it has no face); a picture curation has not looked at
 * contributes its original. Optionally only pictures with one label value.
 */
export function trainingItems(project: Project, collectionId: number, label?: { key: string; value: string }): { id: number; file: string }[] {
  return project.db
    .prepare(
      `SELECT i.id, coalesce(f.aligned_path, i.original_path) AS file FROM images i
         LEFT JOIN image_curation c ON c.image_id = i.id
         LEFT JOIN faces f ON f.image_id = i.id AND f.status = 'kept'
        WHERE i.collection_id = ? AND i.status = 'ok' AND (c.image_id IS NULL OR f.id IS NOT NULL)
          ${label ? 'AND EXISTS (SELECT 1 FROM image_labels l JOIN label_keys k ON k.id = l.key_id WHERE l.image_id = i.id AND k.name = ? AND l.value = ?)' : ''}
        ORDER BY i.source_path COLLATE NOCASE, i.id, f.position`,
    )
    .all(...[collectionId, ...(label ? [label.key, label.value] : [])]) as { id: number; file: string }[];
}

/** Each item's class: the values of label `key`, sorted by name; an image without one is refused, with how many. */
function classesOf(project: Project, rows: { id: number }[], key: string, collectionName: string): { values: string[]; labels: number[] } {
  const of = new Map(
    (
      project.db.prepare('SELECT l.image_id, l.value FROM image_labels l JOIN label_keys k ON k.id = l.key_id WHERE k.name = ?').all(key) as {
        image_id: number;
        value: string;
      }[]
    ).map((r) => [r.image_id, r.value]),
  );
  const missing = rows.filter((r) => !of.has(r.id)).length;
  if (missing)
    throw new AppError(
      'invalid_request',
      `${missing} of the ${rows.length} images of "${collectionName}" have no "${key}" label, and a class is needed for every image: label them (leporello label) or leave them out first`,
    );
  const values = [...new Set(rows.map((r) => of.get(r.id)!))].sort();
  if (values.length < 2)
    throw new AppError('invalid_request', `every image of "${collectionName}" has the same "${key}" (${values[0]}): classes need at least two values`);
  return { values, labels: rows.map((r) => values.indexOf(of.get(r.id)!)) };
}

export interface FreezeCallbacks {
  onProgress?: (p: DatasetProgress) => void;
  signal?: AbortSignal;
}

/**
 * Freezes a collection into a dataset. Images are decoded one at a time and streamed into the
 * packed file, so memory stays bounded; the folder is built under tmp/ and renamed into datasets/
 * only when complete, and the database row is written last.
 */
export async function createDataset(project: Project, request: DatasetRequest, callbacks: FreezeCallbacks = {}): Promise<Dataset> {
  const collection = getCollection(project, request.collectionId);
  const req = { ...request, channels: (request.grayscale ? 1 : 3) as 1 | 3 };
  const rows = trainingItems(project, collection.id, req.label);
  const filter = req.label ? ` with ${req.label.key} = ${req.label.value}` : '';
  if (rows.length === 0) throw new AppError('invalid_request', `collection "${collection.name}" has no kept images${filter}; import or label some first`);
  const name = chooseName(project, req, req.channels, collection.name);
  const classes = req.classKey ? classesOf(project, rows, req.classKey, collection.name) : null;

  const work = join(project.tmpDir, `dataset-${randomBytes(6).toString('hex')}`);
  await mkdir(work, { recursive: true });
  const hash = createHash('sha256');
  const started = performance.now();
  try {
    const out = await open(join(work, DATA_FILE), 'w');
    try {
      for (const [done, row] of rows.entries()) {
        if (callbacks.signal?.aborted) throw new AppError('conflict', `dataset "${name}" was cancelled; nothing was kept`);
        let pixels: Buffer;
        try {
          pixels = await packImage(join(project.dir, row.file), req);
        } catch (err) {
          throw new AppError('internal', `image #${row.id} (${row.file}) could not be packed: ${err instanceof Error ? err.message : String(err)}`);
        }
        hash.update(pixels);
        await out.write(pixels);
        const seconds = (performance.now() - started) / 1000;
        callbacks.onProgress?.({ name, done: done + 1, total: rows.length, etaSeconds: ((rows.length - done - 1) * seconds) / (done + 1) });
      }
      await out.sync();
    } finally {
      await out.close();
    }
    const sha256 = hash.digest('hex');
    const meta: DatasetMeta = {
      format: 'leporello-dataset',
      version: 1,
      layout: 'NHWC',
      dtype: 'uint8',
      count: rows.length,
      resolution: req.resolution,
      channels: req.channels,
      fit: req.fit,
      xflip: req.xflip,
      sha256,
      imageIds: rows.map((r) => r.id),
      ...(classes ? { classes: classes.values, labels: classes.labels } : {}),
    };
    await atomicWrite(join(work, META_FILE), JSON.stringify(meta, null, 1));

    // The folder goes into place first and the row last: a crash in between leaves an
    // unreferenced folder, never a row without its file.
    const dirPath = `datasets/${name.replace(/[^\p{L}\p{N}_.-]+/gu, '-')}-${randomBytes(3).toString('hex')}`;
    await rename(work, join(project.dir, dirPath));
    const id = project.db.transaction(() => {
      const { lastInsertRowid } = project.db
        .prepare(
          `INSERT INTO datasets (name, collection_id, label_key, label_value, resolution, channels, fit, xflip, class_key, classes, image_count, dir_path, sha256, bytes, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          name,
          collection.id,
          req.label?.key ?? null,
          req.label?.value ?? null,
          req.resolution,
          req.channels,
          req.fit,
          req.xflip ? 1 : 0,
          req.classKey ?? null,
          classes ? JSON.stringify(classes.values) : null,
          rows.length,
          dirPath,
          sha256,
          rows.length * imageBytes(meta),
          new Date().toISOString(),
        );
      const datasetId = Number(lastInsertRowid);
      const member = project.db.prepare('INSERT INTO dataset_images (dataset_id, position, image_id) VALUES (?, ?, ?)');
      rows.forEach((r, position) => member.run(datasetId, position, r.id));
      return datasetId;
    })();
    return getDataset(project, id);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
