// A contact sheet — a collection's portraits, a checkpoint's witnesses or a video's frames in a
// captioned grid — as one PNG or A4 pages of PDF, recorded as a render.
import { AppError } from '../../../../shared/errors';
import { checkpointAt, describeAt, progressUnit } from '../../../../shared/progress';
import { getCollection } from '../../collections';
import { locateFfmpeg } from '../../ffmpeg';
import { rectoSources, witnessSource, type CaptionedSource } from '../../renders/leporello-content';
import { findVideoRender, recordRender, renderFile } from '../../renders/render-store';
import { getRun, listCheckpoints } from '../../runs/run-store';
import { freeRenderFile, shownPath, type HostJob } from '../job-context';

export const contactSheet: HostJob<'contact-sheet'> = async (request, { project, engine, signal, onProgress, out }) => {
  const { source } = request;
  let items: CaptionedSource[] | { video: string; count: number };
  let title: string;
  if ('collectionId' in source) {
    const collection = getCollection(project, source.collectionId);
    items = rectoSources(project, collection.id, { from: 'portraits' }, request.count);
    title = `${project.name} — ${collection.name}`;
  } else if ('runId' in source) {
    const run = getRun(project, source.runId);
    const checkpoints = listCheckpoints(project, run.id);
    const c = source.checkpointId === undefined ? checkpoints.at(-1) : checkpoints.find((x) => x.id === source.checkpointId);
    if (!c)
      throw new AppError(
        'not_found',
        `run "${run.name}" has no ${source.checkpointId === undefined ? 'checkpoint yet' : `checkpoint #${source.checkpointId}`}`,
      );
    const count = Math.min(request.count ?? run.options.witnesses, run.options.witnesses);
    items = Array.from({ length: count }, (_, w) => ({ source: witnessSource(project, run, c, w), caption: `witness ${w}` }));
    const unit = progressUnit(run.options);
    title = `${run.name} · ${describeAt(unit, checkpointAt(unit, c))}`;
  } else {
    const render = findVideoRender(project, { id: source.videoRenderId });
    items = { video: renderFile(project, render), count: request.count ?? 24 };
    title = render.path;
  }
  title = request.title ?? title;
  const file = out ?? freeRenderFile(project, 'sheets', request.name, `.${request.format}`);
  const sheet = await engine.run(
    'contact-sheet',
    { items, columns: request.columns, cell: request.cell, title, outFile: file, tmpDir: project.tmpDir, ffmpeg: locateFfmpeg().path },
    { signal, onProgress },
  );
  const render = await recordRender(project, 'contact-sheet', file, null, { title, columns: request.columns, cell: request.cell, pictures: sheet.pictures });
  return { ...sheet, file: shownPath(project, sheet.file), render: render.id };
};
