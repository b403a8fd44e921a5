// The timeline of a run: its witnesses (rows) at each checkpoint (columns), read from the
// witness grids written at every checkpoint. Two runs are aligned by epoch, or by kimg when
// either is measured in kimg, so the same column shows both at the same point of their training.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { atomicWrite } from '../../formats/atomic-write';
import { appRoot } from '../../app-paths';
import sharp from 'sharp';
import { AppError } from '../../../shared/errors';
import { getDataset } from '../datasets/datasets';
import type { Project } from '../projects/project';
import { getRun, listCheckpoints } from './run-store';
import { checkpointAt, progressUnit, type ProgressUnit } from '../../../shared/progress';

export interface Timeline {
  unit: ProgressUnit;
  /** The columns: epochs, or kimg. */
  positions: number[];
  runs: { runId: number; name: string; witnesses: number; resolution: number; cells: (string | null)[]; thumbs: (string | null)[]; thumbSize: number }[];
}

/** The largest witness side the overview loads: 100 checkpoints × 64 witnesses of 256 px would be 1.6 GB of pixels. */
export const THUMB_SIDE = 64;

/** Where a grid's thumbnail lives: beside it, in witnesses/thumbs/. */
export function thumbPath(grid: string): string {
  return grid.replace(/\/witnesses\/([^/]+)$/, '/witnesses/thumbs/$1');
}

/** Makes the missing thumbnails of a timeline's grids (once; they are kept), so the overview stays light. */
export async function ensureThumbnails(project: Project, timeline: Timeline): Promise<void> {
  for (const run of timeline.runs) {
    if (run.resolution <= THUMB_SIDE) continue;
    const perRow = Math.ceil(Math.sqrt(run.witnesses));
    for (const [i, cell] of run.cells.entries()) {
      const thumb = run.thumbs[i];
      if (!cell || !thumb || existsSync(join(project.dir, thumb))) continue;
      await mkdir(dirname(join(project.dir, thumb)), { recursive: true });
      const png = await sharp(join(project.dir, cell))
        .resize(perRow * THUMB_SIDE, perRow * THUMB_SIDE, { kernel: 'lanczos3' })
        .png()
        .toBuffer();
      await atomicWrite(join(project.dir, thumb), png, project.tmpDir);
    }
  }
}

export function buildTimeline(project: Project, runIds: number[]): Timeline {
  const perRun = runIds.map((id) => {
    const run = getRun(project, id);
    return { run, resolution: getDataset(project, run.datasetId).resolution, checkpoints: listCheckpoints(project, id) };
  });
  if (new Set(perRun.map((r) => r.resolution)).size > 1) {
    throw new AppError(
      'invalid_request',
      `runs ${perRun.map((r) => `"${r.run.name}" (${r.resolution} px)`).join(' and ')} differ in resolution; compare runs of one size`,
    );
  }
  const empty = perRun.filter((r) => r.checkpoints.length === 0).map((r) => `"${r.run.name}"`);
  if (empty.length)
    throw new AppError('not_found', `run ${empty.join(' and ')} has no checkpoint yet, so no timeline: train it first (leporello train / resume)`);
  const unit: ProgressUnit = perRun.every((r) => progressUnit(r.run.options) === 'epochs') ? 'epochs' : 'kimg';
  const positions = [...new Set(perRun.flatMap((r) => r.checkpoints.map((c) => checkpointAt(unit, c))))].sort((a, b) => a - b);
  return {
    unit,
    positions,
    runs: perRun.map(({ run, resolution, checkpoints }) => ({
      runId: run.id,
      name: run.name,
      witnesses: run.options.witnesses,
      resolution,
      cells: positions.map((at) => checkpoints.find((c) => checkpointAt(unit, c) === at)?.witnessGrid ?? null),
      thumbs: positions.map((at) => {
        const grid = checkpoints.find((c) => checkpointAt(unit, c) === at)?.witnessGrid;
        return grid ? (resolution > THUMB_SIDE ? thumbPath(grid) : grid) : null;
      }),
      thumbSize: Math.min(resolution, THUMB_SIDE),
    })),
  };
}

/** A line of light text on the timeline's dark ground, as an RGBA picture (sharp draws it with the app's own font). */
async function label(text: string, points: number): Promise<{ data: Buffer; width: number; height: number }> {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const { data, info } = await sharp({
    text: {
      text: `<span foreground="#e6e6e6">${escaped}</span>`,
      font: `DejaVu Sans ${points}`,
      fontfile: join(appRoot, 'resources', 'fonts', 'DejaVuSans.ttf'),
      dpi: 72,
      rgba: true,
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Where a rendered timeline put things, so that a reader (or a test) can find each run's rows. */
export interface TimelineLayout {
  width: number;
  height: number;
  /** The top of each run's witness rows, in order; every grid starts at x = 0. */
  gridTops: number[];
  /** Columns that carry their position's number (every one when they fit, else every n-th). */
  labelledColumns: number[];
}

const BAND = 18;
const BACKGROUND = 24;

/**
 * The timeline as one PNG: witness rows per run (a gap between runs), one column per checkpoint
 * position; only the `picked` witnesses when given, in that order. It says what it shows, so that
 * the file makes sense away from the studio: the column numbers along the top (every n-th where
 * the cells are too narrow for each), and above each run's rows its name, its witnesses and the
 * span it covers. The canvas is widened when a title is longer than the grid.
 */
export async function renderTimeline(project: Project, timeline: Timeline, out: string, picked?: number[], gap = 4): Promise<TimelineLayout> {
  const r = timeline.runs[0]!.resolution;
  const columns = timeline.positions.length;
  const rowsOf = (run: Timeline['runs'][number]) =>
    picked?.length ? picked.filter((w) => w < run.witnesses) : Array.from({ length: run.witnesses }, (_, w) => w);
  const unit = timeline.unit === 'epochs' ? 'epoch' : 'kimg';
  const numbers = await Promise.all(timeline.positions.map((at) => label(String(at), 9)));
  const every = Math.max(1, Math.ceil((Math.max(...numbers.map((n) => n.width)) + 4) / r));
  const labelledColumns = timeline.positions.map((_, i) => i).filter((i) => i % every === 0);
  const span = (run: Timeline['runs'][number]) => {
    const at = timeline.positions.filter((_, i) => run.cells[i]);
    return `${at[0]}–${at[at.length - 1]}`;
  };
  const titles = await Promise.all(
    timeline.runs.map((run) =>
      label(
        `"${run.name}" · ${rowsOf(run).length === run.witnesses ? `${run.witnesses} witnesses` : `witnesses ${rowsOf(run).join(', ')} of ${run.witnesses}`} · ${timeline.unit} ${span(run)}`,
        10,
      ),
    ),
  );
  const unitLabel = await label(`${unit} →`, 9);
  const gridWidth = columns * r;
  const width = Math.max(gridWidth, ...titles.map((t) => t.width + 4));
  const gridTops: number[] = [];
  let top = BAND;
  for (const run of timeline.runs) {
    gridTops.push(top + BAND);
    top += BAND + rowsOf(run).length * r + gap;
  }
  const height = top - gap;
  const canvas = new Uint8Array(width * height * 3).fill(BACKGROUND);
  for (const [n, run] of timeline.runs.entries()) {
    const perRow = Math.ceil(Math.sqrt(run.witnesses));
    for (const [col, cell] of run.cells.entries()) {
      if (!cell) continue;
      const { data, info } = await sharp(join(project.dir, cell)).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      for (const [row, w] of rowsOf(run).entries()) {
        const gx = (w % perRow) * r;
        const gy = Math.floor(w / perRow) * r;
        for (let y = 0; y < r; y++) {
          for (let x = 0; x < r; x++) {
            const src = ((gy + y) * info.width + gx + x) * info.channels;
            const dst = ((gridTops[n]! + row * r + y) * width + col * r + x) * 3;
            for (let k = 0; k < 3; k++) canvas[dst + k] = data[src + Math.min(k, info.channels - 1)]!;
          }
        }
      }
    }
  }
  const at = (picture: { data: Buffer; height: number }, left: number, bandTop: number) => ({
    input: picture.data,
    left: Math.max(0, Math.round(left)),
    top: bandTop + Math.max(0, Math.floor((BAND - picture.height) / 2)),
  });
  const overlays = [
    ...labelledColumns.map((i) => at(numbers[i]!, Math.min(width - numbers[i]!.width, i * r + (r - numbers[i]!.width) / 2), 0)),
    // The unit goes where no number is: past the grid's last labelled column when there is room, else nowhere.
    ...(gridWidth + unitLabel.width + 4 <= width ? [at(unitLabel, gridWidth + 4, 0)] : []),
    ...titles.map((t, n) => at(t, 2, gridTops[n]! - BAND)),
  ];
  const png = await sharp(canvas, { raw: { width, height, channels: 3 } })
    .composite(overlays)
    .removeAlpha()
    .png()
    .toBuffer();
  await atomicWrite(out, png, project.tmpDir);
  return { width, height, gridTops, labelledColumns };
}

/** Renders a timeline into the project's renders/timelines/ folder; the path comes back project-relative. */
export async function exportTimeline(project: Project, runIds: number[], picked?: number[]): Promise<{ path: string } & TimelineLayout> {
  const timeline = buildTimeline(project, runIds);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const rel = `renders/timelines/${timeline.runs.map((r) => r.name.replace(/[^\p{L}\p{N}_.-]+/gu, '-')).join('-vs-')}-${stamp}.png`;
  await mkdir(dirname(join(project.dir, rel)), { recursive: true });
  return { path: rel, ...(await renderTimeline(project, timeline, join(project.dir, rel), picked)) };
}
