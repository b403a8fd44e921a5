// A leporello book as a print-ready PDF: the recto's portraits (one per panel; one that cannot be
// read is left out with a warning naming it) and the verso's learning sequence (a run's witnesses
// at its checkpoints, or a video's frames), laid out by render/leporello-pdf.ts and written whole.
import { basename, dirname } from 'node:path';
import { AppError } from '../../../shared/errors';
import { atomicWrite, removeDeadPartials } from '../../formats/atomic-write';
import type { LeporelloLayout } from '../../../shared/book-layout';
import { renderLeporello, type LeporelloResult, type PanelContent, type PanelPicture } from '../render/leporello-pdf';
import { readPicture, videoFrames, type PictureSource } from '../render/pictures';
import { throwIfCancelled, type EngineJob } from './job';

export interface PanelSpec {
  pictures: PictureSource[];
  columns: number;
  rows: number;
  caption: string;
}

export interface BookRequest {
  layout: LeporelloLayout;
  /** Portraits, one per panel from the first, each with its caption. */
  recto: { source: PictureSource; caption: string }[];
  verso: { panels: PanelSpec[] } | { video: string; grid: { columns: number; rows: number } };
  /** Enlarge pictures below 300 dpi (Lanczos) instead of only warning of them. */
  upscale: boolean;
  outFile: string;
  tmpDir: string;
  /** Needed for a video's frames on the verso. */
  ffmpeg: string | null;
}

export type BookResult = LeporelloResult & { file: string; seconds: number };

async function versoFromVideo(ffmpeg: string | null, file: string, panels: number, grid: { columns: number; rows: number }): Promise<PanelContent[]> {
  if (!ffmpeg) throw new AppError('unavailable', "no ffmpeg was found to read the video for the verso; install ffmpeg, or put a run's timeline on the verso");
  const perPanel = grid.columns * grid.rows;
  const frames = await videoFrames(ffmpeg, file, panels * perPanel);
  return Array.from({ length: panels }, (_, p) => {
    const mine = frames.slice(p * perPanel, (p + 1) * perPanel);
    return {
      pictures: mine.map((f) => f.picture),
      columns: grid.columns,
      rows: grid.rows,
      caption: `${basename(file)} · frames ${mine[0]!.frame}–${mine.at(-1)!.frame}`,
    };
  });
}

export const renderBook: EngineJob<'render-book'> = async (request, context) => {
  const started = performance.now();
  const { layout } = request;
  const warnings: string[] = [];
  const recto: (PanelContent | null)[] = [];
  for (const [i, r] of request.recto.entries()) {
    throwIfCancelled(context.signal, 'the book');
    context.progress(i, request.recto.length, `reading portrait ${i + 1} of ${request.recto.length}`);
    try {
      recto.push({ pictures: [await readPicture(r.source)], columns: 1, rows: 1, caption: r.caption });
    } catch (err) {
      warnings.push(`${(err as Error).message} and was left out: import it again, or remove it from the collection`);
    }
  }
  if (!recto.length) throw new AppError('invalid_request', `none of the recto's portraits could be read: ${warnings[0] ?? 'the collection has none'}`);
  if (recto.length < layout.panels)
    warnings.push(
      `the collection has ${recto.length} readable portraits for ${layout.panels} panels: recto panels ${recto.length + 1}–${layout.panels} are left empty`,
    );
  while (recto.length < layout.panels) recto.push(null);
  let verso: PanelContent[];
  if ('video' in request.verso) verso = await versoFromVideo(request.ffmpeg, request.verso.video, layout.panels, request.verso.grid);
  else {
    verso = [];
    for (const panel of request.verso.panels) {
      throwIfCancelled(context.signal, 'the book');
      const pictures: PanelPicture[] = [];
      for (const source of panel.pictures) pictures.push(await readPicture(source));
      verso.push({ pictures, columns: panel.columns, rows: panel.rows, caption: panel.caption });
    }
  }
  throwIfCancelled(context.signal, 'the book');
  const { pdf, result } = await renderLeporello(layout, recto, verso, { upscale: request.upscale });
  await removeDeadPartials(dirname(request.outFile));
  await atomicWrite(request.outFile, pdf, request.tmpDir);
  return { ...result, warnings: [...warnings, ...result.warnings], file: request.outFile, seconds: (performance.now() - started) / 1000 };
};
