// A leporello book: a collection's portraits on the recto, a run's timeline or a video's frames on
// the verso, chosen here; laid out and written as print-ready PDF by an engine; recorded as a render.
import { getCollection } from '../../collections';
import { locateFfmpeg } from '../../ffmpeg';
import { findVideoRender, recordRender, renderFile } from '../../renders/render-store';
import { rectoSources, versoFromRun } from '../../renders/leporello-content';
import { getRun } from '../../runs/run-store';
import { freeRenderFile, shownPath, type HostJob } from '../job-context';

export const leporello: HostJob<'leporello'> = async (request, { project, engine, signal, onProgress, out }) => {
  const collection = getCollection(project, request.collectionId);
  const grid = { columns: request.columns, rows: request.rows };
  let verso: { panels: ReturnType<typeof versoFromRun> } | { video: string; grid: typeof grid };
  let versoSetting: Record<string, unknown>;
  let generator: string | null = null;
  let title = request.title;
  if ('runId' in request.verso) {
    const run = getRun(project, request.verso.runId);
    const { untilCheckpointId } = request.verso;
    verso = { panels: versoFromRun(project, run.id, { panels: request.panels, grid, witnesses: request.witnesses, untilCheckpointId }) };
    versoSetting = { run: run.name, grid, ...(untilCheckpointId !== undefined ? { untilCheckpointId } : {}) };
    generator = `run:${run.id}`;
    title ??= `${project.name} — ${run.name}`;
  } else {
    const render = findVideoRender(project, { id: request.verso.videoRenderId });
    verso = { video: renderFile(project, render), grid };
    versoSetting = { video: render.path, grid };
  }
  const layout = {
    panels: request.panels,
    panelWidthMm: request.panelWidthMm,
    panelHeightMm: request.panelHeightMm,
    bleedMm: request.bleedMm,
    marginMm: request.marginMm,
    sheet: request.sheet,
    background: [1, 3, 5].map((i) => parseInt(request.background.slice(i, i + 2), 16)) as [number, number, number],
    title: title ?? project.name,
  };
  const file = out ?? freeRenderFile(project, 'books', request.name, '.pdf');
  const book = await engine.run(
    'render-book',
    {
      layout,
      recto: rectoSources(project, collection.id, request.recto, request.panels),
      verso,
      upscale: request.upscale,
      outFile: file,
      tmpDir: project.tmpDir,
      ffmpeg: locateFfmpeg().path,
    },
    { signal, onProgress },
  );
  const render = await recordRender(project, 'leporello', file, generator, {
    ...layout,
    recto: { collection: collection.name, ...request.recto },
    verso: versoSetting,
    upscale: request.upscale,
  });
  const { file: written, ...rest } = book;
  return { ...rest, file: shownPath(project, written), render: render.id };
};
