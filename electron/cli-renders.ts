// `leporello render video`: a blend video along a path of anchors, drawn by a network or a run's
// checkpoint in this process and encoded by ffmpeg as it is drawn.
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../shared/errors';
import { formatDuration } from '../shared/format';
import type { Out } from './cli';
import { describeGenerator, GENERATOR_OPTIONS, openGenerator } from './cli-latents';
import { generatorRef, withProject, type CliHelpers } from './cli-networks';
import { framePositions, latentAt } from './engine/latent/keyframes';
import { anchorVectors, parsePathSpec, resolveAnchors } from './services/latent-path';
import { atomicWrite, removeDeadPartials } from './formats/atomic-write';
import { recordRender } from './services/renders/render-store';
import { renderVideo } from './services/renders/video';

/** Frames per forward pass: about a megapixel of output, so that 1024 px draws one at a time. */
export const videoBatchSize = (resolution: number) => Math.max(1, Math.min(32, Math.floor(2 ** 20 / (resolution * resolution))));

function numberOption(text: string | undefined, name: string, fallback: number | undefined, check: (n: number) => boolean, range: string): number | undefined {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || !check(n)) throw new AppError('invalid_request', `${name} ${text}: give ${range}`);
  return n;
}

async function renderVideoCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...GENERATOR_OPTIONS,
      path: { type: 'string' },
      seconds: { type: 'string' },
      fps: { type: 'string' },
      size: { type: 'string' },
      easing: { type: 'string' },
      loop: { type: 'boolean' },
      hold: { type: 'string' },
      title: { type: 'string' },
      'title-seconds': { type: 'string' },
      prores: { type: 'boolean' },
      out: { type: 'string' },
    },
  });
  const usage =
    'usage: leporello render video <project> (--network N | --run R [--at KIMG]) --path SPEC --seconds S [--fps 30] --out FILE.mp4\n' +
    '  [--size PX] [--easing smooth|linear] [--loop] [--hold S] [--title TEXT [--title-seconds 3]] [--prores] [--json]\n' +
    '  SPEC: anchors separated by commas — seed:3, latent:ID, label:key=value (a centroid), image:ID (a projected portrait) — or a JSON file';
  if (!values.path || !values.out) throw new AppError('invalid_request', usage);
  const spec = parsePathSpec(values.path);
  const seconds = numberOption(values.seconds, '--seconds', spec.timing.seconds, (n) => n > 0 && n <= 3600, 'a length in seconds, up to an hour');
  if (seconds === undefined) throw new AppError('invalid_request', `--seconds is missing (or give "seconds" in the path file); ${usage}`);
  const fps = numberOption(values.fps, '--fps', spec.timing.fps ?? 30, (n) => n >= 1 && n <= 120, 'frames per second from 1 to 120')!;
  const hold = numberOption(values.hold, '--hold', spec.timing.hold ?? 0, (n) => n >= 0, 'seconds to hold at each anchor, 0 or more')!;
  const easing = values.easing ?? spec.timing.easing ?? 'smooth';
  if (easing !== 'linear' && easing !== 'smooth') throw new AppError('invalid_request', '--easing is smooth (slow in and out at each anchor) or linear');
  const loop = values.loop ?? spec.timing.loop ?? false;
  const file = resolve(values.out);
  await withProject(cli, positionals[0], usage, async (studio) => {
    const project = studio.requireProject();
    const ref = generatorRef(project, values, usage);
    const { key, label } = describeGenerator(project, ref);
    const open = await openGenerator(project, values, usage);
    const { generator } = open;
    try {
      const anchors = resolveAnchors(project, key, generator.dim, spec);
      const keyframes = await anchorVectors(anchors, (seeds) => generator.fromSeeds(seeds));
      let positions;
      try {
        positions = framePositions(keyframes.length, { fps, seconds, easing, loop, hold });
      } catch (err) {
        throw new AppError('invalid_request', (err as Error).message);
      }
      const size = numberOption(values.size, '--size', generator.resolution, (n) => Number.isInteger(n) && n % 2 === 0 && n >= 16 && n <= 4096, 'an even number of pixels from 16 to 4096 (H.264 in yuv420p needs an even size)')!;
      const titleSeconds = numberOption(values['title-seconds'], '--title-seconds', 3, (n) => n > 0 && n <= 30, 'seconds from a fraction to 30')!;
      const format = { frameSize: generator.resolution, channels: generator.channels, fps, size, prores: !!values.prores, title: values.title ? { text: values.title, seconds: titleSeconds } : undefined };
      const latents = positions.map((at) => latentAt(keyframes, at, generator.space));
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      let lastReport = 0;
      // The engine's drawing loads TensorFlow.js: only once a render is asked for.
      const { drawInBatches } = await import('./engine/latent/latent-images');
      const rendered = await renderVideo(file, drawInBatches(generator, latents, videoBatchSize(generator.resolution)), latents.length, format, {
        signal: abort.signal,
        onProgress: (p) => {
          if (p.frame === p.total || performance.now() - lastReport > 1000) {
            lastReport = performance.now();
            process.stderr.write(`rendering ${file}: frame ${p.frame}/${p.total}, ${formatDuration(p.secondsLeft)} left\n`);
          }
        },
      }).finally(() => process.off('SIGINT', stop));
      const settings = { anchors: anchors.map((a) => a.describe), seconds, fps, easing, loop, hold, size, title: values.title ?? null, prores: !!values.prores, backend: open.backend };
      const records = [];
      for (const f of rendered.files) records.push(await recordRender(project, 'video', f, key, settings));
      cli.print(
        out,
        { ...rendered, renders: records.map((r) => r.id), generator: key, anchors: anchors.map((a) => a.describe) },
        `${rendered.frames} frames (${rendered.seconds.toFixed(2)} s at ${fps} fps, ${size}×${size}) through ${anchors.map((a) => a.describe).join(' → ')}${loop ? ' and back' : ''} of ${label}, in ${rendered.files.join(' and ')}; ${rendered.framesPerSecond.toFixed(1)} frames/s on ${open.backend}`,
      );
    } finally {
      generator.dispose();
    }
  });
}

/** "15x21" in cm, or with a unit: "150x210mm", "15x21cm", "6x8in"; the answer in mm. */
export function parsePanelSize(text: string): { width: number; height: number } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(mm|cm|in)?\s*$/i.exec(text);
  if (!m) throw new AppError('invalid_request', `--panel-size "${text}" is not WxH: give e.g. 15x21 (cm), 150x210mm or 6x8in`);
  const factor = { mm: 1, cm: 10, in: 25.4 }[(m[3] ?? 'cm').toLowerCase() as 'mm' | 'cm' | 'in'];
  return { width: Number(m[1]) * factor, height: Number(m[2]) * factor };
}

function parseGrid(text: string | undefined): { columns: number; rows: number } {
  const m = /^(\d+)x(\d+)$/.exec(text ?? '1x3');
  const grid = m ? { columns: Number(m[1]), rows: Number(m[2]) } : null;
  if (!grid || grid.columns < 1 || grid.rows < 1 || grid.columns * grid.rows > 64) throw new AppError('invalid_request', `--verso-grid "${text}" is COLUMNSxROWS, e.g. 1x3 (one checkpoint, three witnesses per panel), at most 64 pictures`);
  return grid;
}

function parseColour(text: string | undefined): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(text ?? 'ffffff');
  if (!m) throw new AppError('invalid_request', `--background "${text}" is not a colour: give #rrggbb, e.g. #000000 for black`);
  const n = parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

async function exportLeporelloCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      run: { type: 'string' },
      recto: { type: 'string' },
      'verso-video': { type: 'string' },
      'verso-grid': { type: 'string' },
      witnesses: { type: 'string' },
      panels: { type: 'string' },
      'panel-size': { type: 'string' },
      sheet: { type: 'string' },
      bleed: { type: 'string' },
      margin: { type: 'string' },
      background: { type: 'string' },
      title: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const usage =
    'usage: leporello export leporello <project> --recto COLLECTION (--run R | --verso-video FILE.mp4) --panels N --panel-size WxH --out FILE.pdf\n' +
    '  [--verso-grid 1x3] [--witnesses 0,4,7] [--sheet strip|A4|A3] [--bleed 3] [--margin 10] [--background #ffffff] [--title TEXT] [--json]';
  if (!values.recto || !values.panels || !values['panel-size'] || !values.out || !!values.run === !!values['verso-video']) throw new AppError('invalid_request', usage);
  const panels = numberOption(values.panels, '--panels', undefined, (n) => Number.isInteger(n) && n >= 2 && n <= 400, 'a whole number of panels from 2 to 400')!;
  const size = parsePanelSize(values['panel-size']);
  const sheet = values.sheet ?? 'strip';
  if (sheet !== 'strip' && sheet !== 'A4' && sheet !== 'A3') throw new AppError('invalid_request', `--sheet is strip (long sheets for a print shop), A4 or A3 (home printing, joined with glue tabs); not "${sheet}"`);
  const grid = parseGrid(values['verso-grid']);
  const file = resolve(values.out);
  const started = performance.now();
  await withProject(cli, positionals[0], usage, async (studio) => {
    const project = studio.requireProject();
    const { findCollectionByName } = await import('./services/collections');
    const { findRun } = await import('./services/runs/run-store');
    const { rectoFromCollection, versoFromRun, versoFromVideo } = await import('./services/renders/leporello-content');
    const { renderLeporello } = await import('./services/renders/leporello');
    const collection = findCollectionByName(project, values.recto!);
    const run = values.run ? findRun(project, values.run) : null;
    const layout = {
      panels,
      panelWidthMm: size.width,
      panelHeightMm: size.height,
      bleedMm: numberOption(values.bleed, '--bleed', 3, (n) => n >= 0 && n <= 10, 'millimetres from 0 to 10')!,
      marginMm: numberOption(values.margin, '--margin', 10, (n) => n >= 0, 'millimetres, 0 or more')!,
      sheet: sheet as 'strip' | 'A4' | 'A3',
      background: parseColour(values.background),
      title: values.title ?? (run ? `${project.name} — ${run.name}` : project.name),
    };
    const { checkLayout, layoutSheets } = await import('./services/renders/leporello');
    checkLayout(layout);
    layoutSheets(layout);
    const witnesses = values.witnesses?.split(',').map((w) => {
      if (!/^\d+$/.test(w.trim())) throw new AppError('invalid_request', `--witnesses "${values.witnesses}" is a list of witness numbers from 0, e.g. 0,4,7`);
      return Number(w);
    });
    const recto = await rectoFromCollection(project, collection.id, panels);
    const verso = run ? await versoFromRun(project, run.id, panels, grid, witnesses) : await versoFromVideo(resolve(values['verso-video']!), panels, grid);
    const { pdf, result } = await renderLeporello(layout, recto.contents, verso);
    await removeDeadPartials(dirname(file));
    await atomicWrite(file, pdf);
    const seconds = (performance.now() - started) / 1000;
    const warnings = [...recto.warnings, ...result.warnings];
    const render = await recordRender(project, 'leporello', file, run ? `run:${run.id}` : null, { ...layout, recto: collection.name, verso: run ? { run: run.name, grid } : { video: values['verso-video'], grid } });
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    cli.print(
      out,
      { file, ...result, warnings, seconds, render: render.id },
      `${file}: ${panels} panels of ${size.width / 10}×${size.height / 10} cm (${(result.stripLengthMm / 1000).toFixed(2)} m unfolded) on ${result.sheets} ${sheet === 'strip' ? 'strip sheet' : `${sheet} sheet`}${result.sheets === 1 ? '' : 's'}, recto and verso: ${result.pages} pages of ${result.pageWidthMm}×${result.pageHeightMm} mm, in ${seconds.toFixed(1)} s`,
    );
  });
}

async function exportContactSheetCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { collection: { type: 'string' }, run: { type: 'string' }, at: { type: 'string' }, video: { type: 'string' }, count: { type: 'string' }, columns: { type: 'string' }, cell: { type: 'string' }, title: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  });
  const usage = 'usage: leporello export contact-sheet <project> (--collection NAME | --run R [--at EPOCH|KIMG] | --video FILE.mp4) [--count N] [--columns 6] [--cell 192] [--title TEXT] --out FILE.png|FILE.pdf [--json]';
  const sources = [values.collection, values.run, values.video].filter((v) => v !== undefined);
  if (sources.length !== 1 || !values.out || !/\.(png|pdf)$/i.test(values.out)) throw new AppError('invalid_request', usage);
  const columns = numberOption(values.columns, '--columns', 6, (n) => Number.isInteger(n) && n >= 1 && n <= 40, 'a whole number of columns from 1 to 40')!;
  const cell = numberOption(values.cell, '--cell', 192, (n) => Number.isInteger(n) && n >= 16 && n <= 2048, 'a cell side in pixels from 16 to 2048')!;
  const count = numberOption(values.count, '--count', undefined, (n) => Number.isInteger(n) && n >= 1 && n <= 5000, 'a whole number of pictures from 1 to 5000');
  const file = resolve(values.out);
  await withProject(cli, positionals[0], usage, async (studio) => {
    const project = studio.requireProject();
    const content = await import('./services/renders/leporello-content');
    const { contactSheetPdf, contactSheetPng } = await import('./services/renders/contact-sheet');
    let items: { picture: import('./services/renders/leporello').PanelPicture; caption: string }[];
    let title: string;
    const warnings: string[] = [];
    if (values.collection) {
      const { findCollectionByName } = await import('./services/collections');
      const collection = findCollectionByName(project, values.collection);
      const found = await content.collectionPictures(project, collection.id, count);
      items = found.pictures;
      warnings.push(...found.warnings);
      title = `${project.name} — ${collection.name}`;
    } else if (values.run) {
      const { findRun, listCheckpoints } = await import('./services/runs/run-store');
      const { checkpointAt, progressUnit, describeAt } = await import('../shared/progress');
      const run = findRun(project, values.run);
      const unit = progressUnit(run.options);
      const checkpoints = listCheckpoints(project, run.id);
      const c = values.at === undefined ? checkpoints.at(-1) : checkpoints.find((x) => checkpointAt(unit, x) === Number(values.at));
      if (!c) throw new AppError('not_found', `run "${run.name}" has no ${values.at === undefined ? 'checkpoint yet' : `checkpoint at ${describeAt(unit, Number(values.at))}`}`);
      const witnesses = Array.from({ length: Math.min(count ?? run.options.witnesses, run.options.witnesses) }, (_, w) => w);
      items = [];
      for (const w of witnesses) items.push({ picture: await content.witnessPicture(project, run, c, w), caption: `witness ${w}` });
      title = `${run.name} · ${describeAt(unit, checkpointAt(unit, c))}`;
    } else {
      items = await content.videoPictures(resolve(values.video!), count ?? 24);
      title = values.video!;
    }
    title = values.title ?? title;
    let detail: Record<string, number>;
    await removeDeadPartials(dirname(file));
    if (/\.pdf$/i.test(file)) {
      const { pdf, pages } = await contactSheetPdf(items, columns, title);
      await atomicWrite(file, pdf);
      detail = { pages };
    } else {
      const { png, width, height } = await contactSheetPng(items, columns, cell);
      await atomicWrite(file, png);
      detail = { width, height };
    }
    const render = await recordRender(project, 'contact-sheet', file, null, { title, columns, cell, pictures: items.length });
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    cli.print(out, { file, pictures: items.length, ...detail, warnings, render: render.id }, `${items.length} pictures in ${columns} columns: ${file}${detail.pages ? ` (${detail.pages} A4 pages)` : ` (${detail.width}×${detail.height} px)`}`);
  });
}

export async function exportCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const [kind, ...rest] = args;
  if (kind === 'leporello') return exportLeporelloCommand(rest, out, cli);
  if (kind === 'contact-sheet') return exportContactSheetCommand(rest, out, cli);
  throw new AppError('invalid_request', 'usage: leporello export leporello|contact-sheet <project> … (see "leporello help")');
}

export async function renderCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const [kind, ...rest] = args;
  if (kind === 'video') return renderVideoCommand(rest, out, cli);
  throw new AppError('invalid_request', 'usage: leporello render video <project> … (see "leporello help")');
}
