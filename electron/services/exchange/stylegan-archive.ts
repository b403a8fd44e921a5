// Dataset archives in the layout of NVIDIA's StyleGAN2-ADA dataset_tool: a ZIP of PNGs at one
// resolution (00000/img00000000.png, …) and dataset.json whose "labels" list pairs each file with
// an integer class — so a curator who outgrows one machine can train with NVIDIA's multi-GPU
// trainer, and bring such an archive back as a collection. The class names travel in an extra
// "leporello" key, which NVIDIA's loader ignores.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import type { ImportSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { getCollection } from '../collections';
import { trainingItems } from '../datasets/datasets';
import { atomicWrite } from '../../formats/atomic-write';
import { FILE_LIMITS, openUserFile } from '../fs/user-file';
import { setLabel } from '../labels';
import type { Project } from '../projects/project';
import type { Studio } from '../studio';
import { fileSource, listZip, readZipEntry, writeZip, type ZipEntryInfo, type ZipSource } from './zip';

/** NVIDIA's dataset.json (labels: [file, class] pairs or null), with Leporello's class names beside. */
const ArchiveJson = z.object({
  labels: z
    .array(z.tuple([z.string(), z.number().int().nonnegative()]))
    .nullable()
    .optional()
    .transform((l) => l ?? null),
  leporello: z.object({ labelKey: z.string().min(1).max(200), classes: z.array(z.string().max(1000)) }).optional(),
});
type ArchiveJson = z.infer<typeof ArchiveJson>;

/** An archive's dataset.json, refused with what is wrong in it (a path in it, and why). */
function archiveJson(bytes: Buffer, file: string): ArchiveJson {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new AppError('invalid_request', `${file}: its dataset.json is not valid JSON; export the archive again`);
  }
  const parsed = ArchiveJson.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : 'the file';
    throw new AppError(
      'invalid_request',
      `${file}: its dataset.json is not NVIDIA's format (${where}: ${issue.message}); it should be {"labels": [["file.png", class], …] or null}`,
    );
  }
  return parsed.data;
}

export interface ExportRequest {
  collectionId: number;
  resolution: number;
  /** The label whose values become the integer classes (sorted by name); no labels when absent. */
  labelKey?: string;
  out: string;
}

export async function exportStyleganArchive(project: Project, req: ExportRequest): Promise<{ file: string; images: number; classes: string[] }> {
  const collection = getCollection(project, req.collectionId);
  if (!Number.isInteger(Math.log2(req.resolution)) || req.resolution < 4 || req.resolution > 1024) {
    throw new AppError('invalid_request', `resolution ${req.resolution} is not a power of two from 4 to 1024, as StyleGAN2-ADA needs`);
  }
  const items = trainingItems(project, collection.id);
  let classes: string[] = [];
  const classOf = new Map<number, string>();
  if (req.labelKey) {
    const rows = project.db
      .prepare('SELECT l.image_id, l.value FROM image_labels l JOIN label_keys k ON k.id = l.key_id WHERE k.name = ?')
      .all(req.labelKey) as { image_id: number; value: string }[];
    for (const r of rows) classOf.set(r.image_id, r.value);
    const unlabelled = items.filter((i) => !classOf.has(i.id)).length;
    if (unlabelled)
      throw new AppError(
        'invalid_request',
        `${unlabelled} images of "${collection.name}" have no "${req.labelKey}" label; label them (leporello label) or exclude them first`,
      );
    classes = [...new Set(items.map((i) => classOf.get(i.id)!))].sort();
  }
  if (items.length === 0) throw new AppError('invalid_request', `collection "${collection.name}" has nothing to export; import or curate some images first`);
  const entries = [];
  const labels: [string, number][] = [];
  for (const [index, item] of items.entries()) {
    const id = String(index).padStart(8, '0');
    const name = `${id.slice(0, 5)}/img${id}.png`;
    const png = await sharp(join(project.dir, item.file))
      .rotate()
      .resize(req.resolution, req.resolution, { fit: 'cover', kernel: 'lanczos3' })
      .toColourspace('srgb')
      .removeAlpha()
      .png()
      .toBuffer();
    entries.push({ name, data: png });
    if (req.labelKey) labels.push([name, classes.indexOf(classOf.get(item.id)!)]);
  }
  const json: ArchiveJson = { labels: req.labelKey ? labels : null, ...(req.labelKey ? { leporello: { labelKey: req.labelKey, classes } } : {}) };
  entries.push({ name: 'dataset.json', data: Buffer.from(JSON.stringify(json)) });
  await atomicWrite(req.out, writeZip(entries));
  return { file: req.out, images: items.length, classes };
}

/**
 * Imports an archive's images as a collection, through the ordinary import (hashing, thumbnails,
 * duplicates), with each image's class as a label and the archive entry as its provenance.
 */
export async function importStyleganArchive(studio: Studio, file: string, collection?: string): Promise<ImportSummary & { labelled: number }> {
  const project = studio.requireProject();
  // Read entry by entry from the open file: memory holds the directory and one entry, never the archive.
  const { handle, size } = await openUserFile(file, 'dataset archive (.zip)', FILE_LIMITS.archive);
  try {
    return await importFromArchive(studio, project, fileSource(handle.fd, size), file, collection);
  } finally {
    await handle.close();
  }
}

async function importFromArchive(
  studio: Studio,
  project: Project,
  zip: ZipSource,
  file: string,
  collection: string | undefined,
): Promise<ImportSummary & { labelled: number }> {
  let listed: ZipEntryInfo[];
  try {
    listed = listZip(zip, file);
  } catch (err) {
    throw new AppError('invalid_request', `${(err as Error).message}; export it again, or import its images as a folder`);
  }
  const meta = listed.find((e) => e.name === 'dataset.json');
  const json = meta ? archiveJson(readZipEntry(zip, meta, file), file) : { labels: null };
  const classOf = new Map((json.labels ?? []).map(([name, label]) => [name, label]));
  const labelKey = json.leporello?.labelKey ?? 'class';
  const className = (n: number) => json.leporello?.classes[n] ?? String(n);
  const images = listed.filter((e) => /\.(png|jpe?g)$/i.test(e.name));
  if (images.length === 0) throw new AppError('invalid_request', `${file} holds no PNG or JPEG images`);

  // Entries are unpacked under the project's tmp/ by position, never by their names.
  const dir = join(project.tmpDir, `archive-${randomBytes(6).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  try {
    const unpacked = new Map<string, string>();
    // One entry in memory at a time.
    for (const [i, e] of images.entries()) {
      const path = join(dir, `${String(i).padStart(8, '0')}${extname(e.name).toLowerCase()}`);
      await writeFile(path, readZipEntry(zip, e, file));
      unpacked.set(path, e.name);
    }
    const name = collection ?? basename(file).replace(/\.zip$/i, '');
    const summary = await studio.startImport({ paths: [dir], collection: name, archive: basename(file) }).done;
    // Provenance: the archive entry, not the temporary file; the class as a label.
    const rows = project.db.prepare('SELECT id, source_path FROM images WHERE source_path LIKE ?').all(`${dir}%`) as { id: number; source_path: string }[];
    const setSource = project.db.prepare('UPDATE images SET source_path = ? WHERE id = ?');
    let labelled = 0;
    const byClass = new Map<string, number[]>();
    project.db.transaction(() => {
      for (const r of rows) {
        const entry = unpacked.get(r.source_path);
        if (!entry) continue;
        setSource.run(`${file}:${entry}`, r.id);
        const label = classOf.get(entry);
        if (label !== undefined) byClass.set(className(label), [...(byClass.get(className(label)) ?? []), r.id]);
      }
    })();
    for (const [value, ids] of byClass) labelled += setLabel(project, ids, labelKey, value);
    const named = (path: string) => (unpacked.has(path) ? `${file}:${unpacked.get(path)}` : path);
    return {
      ...summary,
      rejections: summary.rejections.map((r) => ({ ...r, path: named(r.path) })),
      duplicatesFound: summary.duplicatesFound.map((d) => ({ ...d, path: named(d.path) })),
      labelled,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
