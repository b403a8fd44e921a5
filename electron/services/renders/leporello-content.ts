// What goes on a leporello's panels: source portraits of a collection (recto, one per panel), and
// the learning sequence (verso) — a run's witnesses at its checkpoints, or a video's frames —
// laid across the strip in reading order: top to bottom within a panel column, then left to right.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../../shared/errors';
import { checkpointAt, describeAt, progressUnit } from '../../../shared/progress';
import { getDataset } from '../datasets/datasets';
import { locateFfmpeg } from '../ffmpeg';
import type { Project } from '../projects/project';
import { getRun, listCheckpoints } from '../runs/run-store';
import type { Checkpoint, Run } from '../../../shared/contract';
import type { PanelContent, PanelPicture } from './leporello';

/** `k` indices spread evenly over `n` items, first and last included. */
export function evenly(n: number, k: number): number[] {
  if (k > n) throw new Error(`cannot choose ${k} of ${n}`);
  if (k === 1) return [0];
  return Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / (k - 1)));
}

/**
 * A picture's bytes for the PDF at its own resolution: a plain JPEG as it is (no recompression),
 * anything else — rotated by its EXIF, CMYK, WebP, TIFF, 16-bit — as an sRGB PNG.
 */
export async function pictureFromBytes(bytes: Uint8Array, name: string): Promise<PanelPicture> {
  let meta;
  try {
    meta = await sharp(bytes).metadata();
  } catch (err) {
    throw new AppError('invalid_request', `${name} cannot be read as an image (${(err as Error).message}); re-import it or leave it out`);
  }
  if (meta.format === 'jpeg' && (meta.orientation ?? 1) === 1 && (meta.space === 'srgb' || meta.space === 'b-w') && meta.width && meta.height) {
    return { bytes, format: 'jpeg', width: meta.width, height: meta.height };
  }
  const { data, info } = await sharp(bytes).rotate().toColourspace('srgb').png().toBuffer({ resolveWithObject: true });
  return { bytes: data, format: 'png', width: info.width, height: info.height };
}

export interface CollectionPictures {
  pictures: { picture: PanelPicture; caption: string }[];
  /** Portraits left out, each named with why and what to do. */
  warnings: string[];
}

/**
 * A collection's imported portraits (spread evenly when there are more than `limit`), each
 * captioned with its file's name. One missing or damaged on disk is left out with a warning that
 * names it; the others are used.
 */
export async function collectionPictures(project: Project, collectionId: number, limit = Infinity): Promise<CollectionPictures> {
  const rows = project.db.prepare("SELECT id, original_path AS path, source_path AS source FROM images WHERE collection_id = ? AND status = 'ok' ORDER BY id").all(collectionId) as { id: number; path: string; source: string }[];
  if (!rows.length) throw new AppError('not_found', 'the collection has no imported portraits; import some first');
  const chosen = rows.length > limit ? evenly(rows.length, limit).map((i) => rows[i]!) : rows;
  const out: CollectionPictures = { pictures: [], warnings: [] };
  for (const r of chosen) {
    const file = join(project.dir, r.path);
    try {
      out.pictures.push({ picture: await pictureFromBytes(await readFile(file), file), caption: basename(r.source, extname(r.source)) });
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing from the project' : `cannot be read (${(err as Error).message})`;
      out.warnings.push(`portrait #${r.id} (${r.source}) ${why} and was left out: import it again, or remove it from the collection`);
    }
  }
  if (!out.pictures.length) throw new AppError('invalid_request', `none of the collection's portraits could be read: ${out.warnings[0]}`);
  return out;
}

/** One portrait per panel from a collection (spread evenly when it has more); panels past its end stay empty. */
export async function rectoFromCollection(project: Project, collectionId: number, panels: number): Promise<{ contents: (PanelContent | null)[]; warnings: string[] }> {
  const { pictures, warnings } = await collectionPictures(project, collectionId, panels);
  const contents: (PanelContent | null)[] = pictures.map((p) => ({ pictures: [p.picture], columns: 1, rows: 1, caption: p.caption }));
  if (pictures.length < panels) warnings.push(`the collection has ${pictures.length} readable portraits for ${panels} panels: recto panels ${pictures.length + 1}–${panels} are left empty`);
  while (contents.length < panels) contents.push(null);
  return { contents, warnings };
}

/** Witness `w` of a run at a checkpoint, cut from the checkpoint's witness grid at the run's resolution. */
export async function witnessPicture(project: Project, run: Run, checkpoint: Checkpoint, w: number): Promise<PanelPicture> {
  const r = getDataset(project, run.datasetId).resolution;
  const perRow = Math.ceil(Math.sqrt(run.options.witnesses));
  const { data, info } = await sharp(join(project.dir, checkpoint.witnessGrid)).extract({ left: (w % perRow) * r, top: Math.floor(w / perRow) * r, width: r, height: r }).png().toBuffer({ resolveWithObject: true });
  return { bytes: data, format: 'png', width: info.width, height: info.height };
}

export interface VersoGrid {
  columns: number;
  rows: number;
}

/**
 * A run's timeline across the verso: `grid.columns` checkpoints per panel (spread evenly over the
 * run), each a column of the chosen witnesses (`grid.rows` of them, the first ones unless given).
 */
export async function versoFromRun(project: Project, runId: number, panels: number, grid: VersoGrid, witnesses?: number[]): Promise<PanelContent[]> {
  const run = getRun(project, runId);
  const checkpoints = listCheckpoints(project, runId).filter((c) => c.witnessGrid);
  const wanted = panels * grid.columns;
  if (checkpoints.length < wanted) {
    throw new AppError('invalid_request', `run "${run.name}" has ${checkpoints.length} checkpoints with witnesses, fewer than the ${wanted} the verso needs (${panels} panels × ${grid.columns} per panel): use fewer panels, or train with more checkpoints, or put a video's frames on the verso`);
  }
  const count = run.options.witnesses;
  const picked = witnesses ?? Array.from({ length: grid.rows }, (_, i) => i);
  if (picked.length !== grid.rows) throw new AppError('invalid_request', `${picked.length} witnesses chosen for ${grid.rows} rows per column`);
  const beyond = picked.find((w) => w < 0 || w >= count);
  if (beyond !== undefined) throw new AppError('invalid_request', `run "${run.name}" has ${count} witnesses (0–${count - 1}); witness ${beyond} is not one of them`);
  const unit = progressUnit(run.options);
  const chosen = evenly(checkpoints.length, wanted).map((i) => checkpoints[i]!);
  const contents: PanelContent[] = [];
  for (let p = 0; p < panels; p++) {
    const columns = chosen.slice(p * grid.columns, (p + 1) * grid.columns);
    const pictures: PanelPicture[] = [];
    for (const c of columns) for (const w of picked) pictures.push(await witnessPicture(project, run, c, w));
    // In kimg, to the image: checkpoints a few dozen images apart would otherwise share a caption.
    const at = columns.map((c) => (unit === 'kimg' ? c.imagesSeen / 1000 : checkpointAt(unit, c)));
    contents.push({ pictures, columns: grid.columns, rows: grid.rows, caption: `${run.name} · ${at.length === 1 ? describeAt(unit, at[0]!) : `${unit === 'epochs' ? 'epochs' : 'kimg'} ${at.join(', ')}`}` });
  }
  return contents;
}

/** `count` frames of a video spread evenly over it, first and last included, with their numbers (from 1). */
export function videoFrames(file: string, count: number): { picture: PanelPicture; frame: number; raw: Buffer }[] {
  const ffmpeg = locateFfmpeg();
  if (!ffmpeg.path) throw new AppError('unavailable', ffmpeg.message);
  // Every frame decoded once at its own size; a verso or a sheet needs a few hundred at most.
  const decoded = spawnSync(ffmpeg.path, ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 2 ** 31 });
  const sizeLine = spawnSync(ffmpeg.path, ['-hide_banner', '-i', file], { encoding: 'utf8' }).stderr.match(/Video: .*?(\d{2,5})x(\d{2,5})/);
  if (decoded.status !== 0 || !sizeLine) throw new AppError('invalid_request', `${file} cannot be read as a video (${decoded.stderr?.toString().trim() || 'no video stream'}); render it again or choose another`);
  const [width, height] = [Number(sizeLine[1]), Number(sizeLine[2])];
  const frameBytes = width * height * 3;
  const total = Math.floor(decoded.stdout.length / frameBytes);
  if (total < count) throw new AppError('invalid_request', `${file} has ${total} frames, fewer than the ${count} asked for; ask for fewer pictures`);
  return evenly(total, count).map((i) => ({ frame: i + 1, raw: decoded.stdout.subarray(i * frameBytes, (i + 1) * frameBytes), picture: { bytes: new Uint8Array(), format: 'png' as const, width, height } }));
}

/** A video frame's raw RGB as PNG bytes. */
async function framePng(frame: { raw: Buffer; picture: PanelPicture }): Promise<PanelPicture> {
  const { width, height } = frame.picture;
  return { bytes: await sharp(frame.raw, { raw: { width, height, channels: 3 } }).png().toBuffer(), format: 'png', width, height };
}

export async function videoPictures(file: string, count: number): Promise<{ picture: PanelPicture; caption: string }[]> {
  const frames = videoFrames(file, count);
  const out: { picture: PanelPicture; caption: string }[] = [];
  for (const f of frames) out.push({ picture: await framePng(f), caption: `frame ${f.frame}` });
  return out;
}

/** A video's frames across the verso, spread evenly over it, in reading order. */
export async function versoFromVideo(file: string, panels: number, grid: VersoGrid): Promise<PanelContent[]> {
  const perPanel = grid.columns * grid.rows;
  const frames = videoFrames(file, panels * perPanel);
  const contents: PanelContent[] = [];
  for (let p = 0; p < panels; p++) {
    const mine = frames.slice(p * perPanel, (p + 1) * perPanel);
    const pictures: PanelPicture[] = [];
    for (const f of mine) pictures.push(await framePng(f));
    contents.push({ pictures, columns: grid.columns, rows: grid.rows, caption: `${basename(file)} · frames ${mine[0]!.frame}–${mine.at(-1)!.frame}` });
  }
  return contents;
}
