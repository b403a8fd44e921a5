import { parseNumberList } from '../../shared/number-list';
import { DUPLEX_INSTRUCTION } from '../../shared/duplex';
import { AppError } from '../../shared/errors';
import { findCollectionByName } from '../services/collections';
import { findVideoRender } from '../services/renders/render-store';
import { findRun, listCheckpoints } from '../services/runs/run-store';
import { checkpointByRef, CHECKPOINT_REF_HELP } from './checkpoint-ref';
import type { Command } from './command';
import { print, warn } from './output';
import { flagsOf, helpLines, parseOptions } from './options';
import { jobRequest, jobSchema, OUT_FLAGS, OUT_HELP, runJob } from './run-job';
import { withProject } from './session';

const FLAGS = flagsOf(jobSchema('leporello'), ['kind', 'collectionId', 'recto', 'panelWidthMm', 'panelHeightMm', 'columns', 'rows', 'name']);
const ALIASES = { bleed: 'bleed-mm', margin: 'margin-mm' };

/** "15x21" in cm, or with a unit: "150x210mm", "15x21cm", "6x8in"; the answer in mm. */
export function parsePanelSize(text: string): { width: number; height: number } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(mm|cm|in)?\s*$/i.exec(text);
  if (!m) throw new AppError('invalid_request', `--panel-size "${text}" is not WxH: give e.g. 15x21 (cm), 150x210mm or 6x8in`);
  const factor = { mm: 1, cm: 10, in: 25.4 }[(m[3] ?? 'cm').toLowerCase() as 'mm' | 'cm' | 'in'];
  return { width: Number(m[1]) * factor, height: Number(m[2]) * factor };
}

/** COLUMNSxROWS: "1x3" is one checkpoint, three witnesses per panel. */
export function parseGrid(text: string | undefined): { columns: number; rows: number } {
  const m = /^(\d+)x(\d+)$/.exec(text ?? '1x3');
  const grid = m ? { columns: Number(m[1]), rows: Number(m[2]) } : null;
  if (!grid || grid.columns < 1 || grid.rows < 1 || grid.columns * grid.rows > 64)
    throw new AppError('invalid_request', `--verso-grid "${text}" is COLUMNSxROWS, e.g. 1x3 (one checkpoint, three witnesses per panel), at most 64 pictures`);
  return grid;
}

export const exportLeporello: Command = {
  name: 'export leporello',
  usage:
    '<project> --recto COLLECTION [--recto-from portraits|faces] [--recto-label KEY=VALUE] [--recto-pick IDS] (--run R [--until C] | --verso-video FILE) [--panels N] [--panel-size WxH] --out FILE.pdf [--verso-grid 1x3] [--witnesses IDS] [--sheet strip|A4|A3] [--bleed-mm 3] [--margin-mm 10] [--background #ffffff] [--title TEXT]',
  summary:
    "an accordion book as print-ready PDF: portraits on the recto, the run's timeline (or a video's frames) on the verso; crop and fold marks, bleed, glue tabs when tiled onto A4/A3",
  options: () => [
    '  --recto COLLECTION\n      The portraits, one per panel (spread evenly over the collection).',
    "  --recto-from portraits|faces\n      The imported pictures whole (the default), or the kept faces' aligned crops.",
    '  --recto-label KEY=VALUE\n      Only the pictures with this label.',
    '  --recto-pick IDS\n      These pictures (portrait or face ids: 3,1,7 or 3-9), in this order, one per panel.',
    "  --run R | --verso-video FILE\n      The verso: a run's witnesses at its checkpoints, or the frames of a video this project rendered.",
    `  --until C\n      End the run's timeline at this checkpoint: ${CHECKPOINT_REF_HELP}.`,
    '  --panel-size WxH\n      Each panel, in cm (15x21, the default), or with a unit (150x210mm, 6x8in).',
    '  --verso-grid CxR\n      Checkpoints (or frames) across and witnesses down each verso panel (default 1x3).',
    ...helpLines(FLAGS, ALIASES),
    ...OUT_HELP,
  ],
  async run(args, out) {
    const own = {
      ...OUT_FLAGS,
      recto: { type: 'string' },
      'recto-from': { type: 'string' },
      'recto-label': { type: 'string' },
      'recto-pick': { type: 'string' },
      run: { type: 'string' },
      until: { type: 'string' },
      'verso-video': { type: 'string' },
      'verso-grid': { type: 'string' },
      'panel-size': { type: 'string' },
    } as const;
    const { positionals, values, fields } = parseOptions(args, FLAGS, own, ALIASES);
    const usage = `usage: leporello export leporello ${this.usage}`;
    if (
      !values.recto ||
      (fields.panels === undefined && values.run === undefined) ||
      !values.out ||
      (values.run === undefined) === (values['verso-video'] === undefined) ||
      (values.until !== undefined && values.run === undefined)
    )
      throw new AppError('invalid_request', usage);
    // The Book view's defaults: 15×21 cm panels.
    const size = parsePanelSize((values['panel-size'] as string | undefined) ?? '15x21');
    const grid = parseGrid(values['verso-grid'] as string | undefined);
    await withProject(positionals[0], usage, async (studio, project) => {
      let verso;
      if (values.run !== undefined) {
        const run = findRun(project, values.run as string);
        const until = values.until !== undefined ? checkpointByRef(project, run, values.until as string) : undefined;
        verso = { runId: run.id, ...(until ? { untilCheckpointId: until.id } : {}) };
        // As many panels as the run has checkpoints with witnesses (up to --until), at most 46, as the Book view offers.
        fields.panels ??= Math.max(
          2,
          Math.min(
            46,
            Math.floor(listCheckpoints(project, run.id).filter((c) => c.witnessGrid && (!until || c.imagesSeen <= until.imagesSeen)).length / grid.columns),
          ),
        );
      } else verso = { videoRenderId: findVideoRender(project, { file: values['verso-video'] as string }).id };
      const request = jobRequest('leporello', {
        ...fields,
        collectionId: findCollectionByName(project, values.recto as string).id,
        recto: {
          from: values['recto-from'] ?? 'portraits',
          ...(values['recto-label'] !== undefined ? { label: values['recto-label'] } : {}),
          ...(values['recto-pick'] !== undefined
            ? { pick: parseNumberList(values['recto-pick'] as string, '--recto-pick', 'a portrait or face id', 400) }
            : {}),
        },
        verso,
        panelWidthMm: size.width,
        panelHeightMm: size.height,
        ...grid,
        name: 'book',
      });
      const r = await runJob(studio, request, { out: values.out as string, force: values.force === true });
      for (const w of r.warnings) warn(w);
      print(
        out,
        r,
        `${r.file}: ${request.panels} panels of ${size.width / 10}×${size.height / 10} cm (${(r.stripLengthMm / 1000).toFixed(2)} m unfolded) on ${r.sheets} ${request.sheet === 'strip' ? 'strip sheet' : `${request.sheet} sheet`}${r.sheets === 1 ? '' : 's'}, recto and verso: ${r.pages} pages of ${r.pageWidthMm}×${r.pageHeightMm} mm, in ${r.seconds.toFixed(1)} s; ${DUPLEX_INSTRUCTION}`,
      );
    });
  },
};
