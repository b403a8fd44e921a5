// What goes on a leporello's panels and a contact sheet's cells, chosen from the project: a
// collection's portraits or its kept faces' aligned crops (recto, one per panel: a label's, or
// hand-picked in order), and the learning sequence (verso) — a run's witnesses at its checkpoints,
// laid across the strip in reading order (top to bottom within a panel column, then left to
// right). Only the choice is made here; the engine reads the pictures.
import { basename, extname, join } from 'node:path';
import type { Checkpoint, RectoChoice, Run } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { evenly } from '../../../shared/evenly';
import { checkpointAt, describeAt, progressUnit } from '../../../shared/progress';
import type { PanelSpec } from '../../engine/jobs/render-book';
import type { PictureSource } from '../../engine/render/pictures';
import { getDataset } from '../datasets/datasets';
import type { Project } from '../projects/project';
import { getRun, listCheckpoints } from '../runs/run-store';

export interface CaptionedSource {
  source: PictureSource;
  caption: string;
}

/** A collection's portrait: also its file in the project and its size in pixels (for the preview's resolution). */
export interface CollectionPortrait extends CaptionedSource {
  path: string;
  width: number;
  height: number;
}

/** A portrait's caption: the catalogue's caption, else who sits for it (and when), else its file's name. */
export function portraitCaption(r: { caption: string; sitter: string; date: string; source: string }): string {
  if (r.caption) return r.caption;
  if (r.sitter) return r.date ? `${r.sitter}, ${r.date}` : r.sitter;
  return basename(r.source, extname(r.source));
}

/** A picture the recto may show: a portrait (its image id) or a kept face's aligned crop (its face id). */
export interface RectoCandidate extends CollectionPortrait {
  id: number;
  /** A small picture of it for choosing: the portrait's thumbnail (a face's crop is its own). */
  thumb: string;
}

/** The pictures a recto may be chosen from: a collection's portraits or kept faces, with a label if asked, in the collection's order. */
export function rectoCandidates(project: Project, collectionId: number, recto: Omit<RectoChoice, 'pick'>): RectoCandidate[] {
  const faces = recto.from === 'faces';
  const [key, value] = recto.label ? [recto.label.slice(0, recto.label.indexOf('=')), recto.label.slice(recto.label.indexOf('=') + 1)] : [null, null];
  const rows = project.db
    .prepare(
      `SELECT ${faces ? 'f.id, f.aligned_path AS path, f.aligned_size AS width, f.aligned_size AS height' : 'i.id, i.original_path AS path, i.width, i.height'},
              i.id AS imageId, i.thumb_path AS thumb, i.source_path AS source, i.caption, i.sitter, i.date
       FROM images i ${faces ? "JOIN faces f ON f.image_id = i.id AND f.status = 'kept'" : ''}
       WHERE i.collection_id = ? AND i.status = 'ok'
         AND (? IS NULL OR EXISTS (SELECT 1 FROM image_labels l JOIN label_keys k ON k.id = l.key_id WHERE l.image_id = i.id AND k.name = ? AND l.value = ?))
       ORDER BY i.id${faces ? ', f.position' : ''}`,
    )
    .all(collectionId, key, key, value) as {
    id: number;
    imageId: number;
    thumb: string | null;
    path: string;
    width: number;
    height: number;
    source: string;
    caption: string;
    sitter: string;
    date: string;
  }[];
  return rows.map((r) => ({
    id: r.id,
    thumb: (!faces && r.thumb) || r.path,
    source: { file: join(project.dir, r.path), label: faces ? `face #${r.id} of portrait #${r.imageId} (${r.source})` : `portrait #${r.id} (${r.source})` },
    caption: portraitCaption(r),
    path: r.path,
    width: r.width,
    height: r.height,
  }));
}

/**
 * The recto, one picture per panel: the hand-picked ones in their order, or every candidate spread
 * evenly over the panels; a pick that is not among the candidates is refused by its id.
 */
export function rectoSources(project: Project, collectionId: number, recto: RectoChoice, panels = Infinity): RectoCandidate[] {
  const candidates = rectoCandidates(project, collectionId, recto);
  const what = recto.from === 'faces' ? 'kept faces' : 'portraits';
  if (!candidates.length)
    throw new AppError(
      'not_found',
      `the collection has no ${what}${recto.label ? ` labelled ${recto.label}` : ''}: ${recto.label ? 'choose another label or collection' : recto.from === 'faces' ? 'curate it first' : 'import some first'}`,
    );
  if (!recto.pick) return candidates.length > panels ? evenly(candidates.length, panels).map((i) => candidates[i]!) : candidates;
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const stranger = recto.pick.find((id) => !byId.has(id));
  if (stranger !== undefined)
    throw new AppError(
      'invalid_request',
      `#${stranger} is not one of the collection's ${what}${recto.label ? ` labelled ${recto.label}` : ''}: pick among ${recto.from === 'faces' ? 'its kept faces' : 'its portraits'}`,
    );
  if (recto.pick.length > panels)
    throw new AppError('invalid_request', `${recto.pick.length} pictures picked for ${panels} panels: pick at most one per panel, or add panels`);
  return recto.pick.map((id) => byId.get(id)!);
}

/** Witness `w` of a run at a checkpoint, as a cut of the checkpoint's witness grid. */
export function witnessSource(project: Project, run: Run, checkpoint: Checkpoint, w: number): PictureSource {
  return {
    grid: join(project.dir, checkpoint.witnessGrid),
    index: w,
    perRow: Math.ceil(Math.sqrt(run.options.witnesses)),
    side: getDataset(project, run.datasetId).resolution,
  };
}

export interface VersoGrid {
  columns: number;
  rows: number;
}

/** Which part of a run the verso shows, and how it is laid across the panels. */
export interface RunVerso {
  panels: number;
  grid: VersoGrid;
  /** One witness per row; the first ones unless given. */
  witnesses?: number[];
  /** The timeline ends here (the best checkpoint by a quality metric, say); at the run's last one unless given. */
  untilCheckpointId?: number;
}

/**
 * A run's timeline across the verso: `grid.columns` checkpoints per panel (spread evenly over the
 * run, or over its start up to the chosen checkpoint), each a column of the chosen witnesses.
 */
export function versoFromRun(project: Project, runId: number, { panels, grid, witnesses, untilCheckpointId }: RunVerso): PanelSpec[] {
  const run = getRun(project, runId);
  const unit = progressUnit(run.options);
  let checkpoints = listCheckpoints(project, runId).filter((c) => c.witnessGrid);
  let span = '';
  if (untilCheckpointId !== undefined) {
    const until = checkpoints.find((c) => c.id === untilCheckpointId);
    if (!until)
      throw new AppError('not_found', `checkpoint #${untilCheckpointId} is not one of run "${run.name}"'s checkpoints with witnesses: choose one of its own`);
    checkpoints = checkpoints.filter((c) => c.imagesSeen <= until.imagesSeen);
    span = ` up to ${describeAt(unit, checkpointAt(unit, until))}`;
  }
  const wanted = panels * grid.columns;
  if (checkpoints.length < wanted) {
    throw new AppError(
      'invalid_request',
      `run "${run.name}" has ${checkpoints.length} checkpoints with witnesses${span}, fewer than the ${wanted} the verso needs (${panels} panels × ${grid.columns} per panel): use fewer panels, or train with more checkpoints, or put a video's frames on the verso`,
    );
  }
  const count = run.options.witnesses;
  const picked = witnesses ?? Array.from({ length: grid.rows }, (_, i) => i);
  if (picked.length !== grid.rows) throw new AppError('invalid_request', `${picked.length} witnesses chosen for ${grid.rows} rows per column`);
  const beyond = picked.find((w) => w < 0 || w >= count);
  if (beyond !== undefined)
    throw new AppError('invalid_request', `run "${run.name}" has ${count} witnesses (0–${count - 1}); witness ${beyond} is not one of them`);
  const chosen = evenly(checkpoints.length, wanted).map((i) => checkpoints[i]!);
  return Array.from({ length: panels }, (_, p) => {
    const columns = chosen.slice(p * grid.columns, (p + 1) * grid.columns);
    // In kimg, to the image: checkpoints a few dozen images apart would otherwise share a caption.
    const at = columns.map((c) => (unit === 'kimg' ? c.imagesSeen / 1000 : checkpointAt(unit, c)));
    return {
      pictures: columns.flatMap((c) => picked.map((w) => witnessSource(project, run, c, w))),
      columns: grid.columns,
      rows: grid.rows,
      caption: `${run.name} · ${at.length === 1 ? describeAt(unit, at[0]!) : `${unit === 'epochs' ? 'epochs' : 'kimg'} ${at.join(', ')}`}`,
    };
  });
}
