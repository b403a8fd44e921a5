// What a leporello book would hold, panel by panel, without reading a picture or writing a page:
// the same choice the book's job makes (leporello-content.ts), told as project files and their
// sizes so that the Book view can draw every page as the PDF will print it, with each panel's
// resolution, and say what would fail before anything is rendered.
import { relative } from 'node:path';
import type { BookPicture, BookPlan, ParsedRequest } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { PictureSource } from '../../engine/render/pictures';
import { getCollection } from '../collections';
import type { Project } from '../projects/project';
import { findVideoRender } from './render-store';
import { rectoSources, versoFromRun } from './leporello-content';

function pictureOf(project: Project, source: PictureSource): BookPicture {
  if ('grid' in source) return { kind: 'cell', file: relative(project.dir, source.grid), index: source.index, perRow: source.perRow, side: source.side };
  throw new Error(`a verso picture that is neither a witness nor a frame: ${source.label}`);
}

/** The plan, or why the book cannot be made as asked (an answer, not a failed request: the preview shows it). */
export function planBook(project: Project, request: ParsedRequest<'books.plan'>): BookPlan {
  try {
    return choosePanels(project, request);
  } catch (err) {
    if (err instanceof AppError && (err.code === 'invalid_request' || err.code === 'not_found'))
      return { recto: [], verso: [], warnings: [], problem: err.message };
    throw err;
  }
}

function choosePanels(project: Project, request: ParsedRequest<'books.plan'>): BookPlan {
  const collection = getCollection(project, request.collectionId);
  const warnings: string[] = [];
  const portraits = rectoSources(project, collection.id, request.recto, request.panels);
  const recto: BookPlan['recto'] = Array.from({ length: request.panels }, (_, p) => {
    const r = portraits[p];
    return r ? { pictures: [{ kind: 'file', file: r.path, width: r.width, height: r.height }], columns: 1, rows: 1, caption: r.caption } : null;
  });
  if (portraits.length < request.panels)
    warnings.push(
      `the recto has ${portraits.length} pictures for ${request.panels} panels: recto panels ${portraits.length + 1}–${request.panels} are left empty`,
    );
  const grid = { columns: request.columns, rows: request.rows };
  let verso: BookPlan['verso'];
  if ('runId' in request.verso) {
    verso = versoFromRun(project, request.verso.runId, {
      panels: request.panels,
      grid,
      witnesses: request.witnesses,
      untilCheckpointId: request.verso.untilCheckpointId,
    }).map((panel) => ({ ...panel, pictures: panel.pictures.map((s) => pictureOf(project, s)) }));
  } else {
    const render = findVideoRender(project, { id: request.verso.videoRenderId });
    const perPanel = grid.columns * grid.rows;
    verso = Array.from({ length: request.panels }, (_, p) => ({
      pictures: Array.from({ length: perPanel }, (_, i) => ({ kind: 'frame' as const, frame: p * perPanel + i })),
      ...grid,
      caption: `${render.path} · its frames`,
    }));
  }
  return { recto, verso, warnings, problem: null };
}
