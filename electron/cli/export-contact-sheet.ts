import { AppError } from '../../shared/errors';
import { checkpointAt, describeAt, progressUnit } from '../../shared/progress';
import { findCollectionByName } from '../services/collections';
import { findVideoRender } from '../services/renders/render-store';
import { findRun, listCheckpoints } from '../services/runs/run-store';
import type { Command } from './command';
import { print, warn } from './output';
import { flagsOf, helpLines, parseOptions } from './options';
import { jobRequest, jobSchema, OUT_FLAGS, OUT_HELP, runJob } from './run-job';
import { withProject } from './session';

const FLAGS = flagsOf(jobSchema('contact-sheet'), ['kind', 'name', 'format']);

export const exportContactSheet: Command = {
  name: 'export contact-sheet',
  usage:
    '<project> (--collection NAME | --run R [--at EPOCH|KIMG] | --video FILE) [--count N] [--columns 6] [--cell 192] [--title TEXT] --out FILE.png|FILE.pdf',
  summary: 'pictures in a captioned grid: one PNG, or A4 pages of PDF',
  options: () => [
    "  --collection NAME | --run R [--at N] | --video FILE\n      A collection's portraits, a checkpoint's witnesses, or the frames of a video this project rendered.",
    ...helpLines(FLAGS),
    ...OUT_HELP,
  ],
  async run(args, out) {
    const own = { ...OUT_FLAGS, collection: { type: 'string' }, run: { type: 'string' }, at: { type: 'string' }, video: { type: 'string' } } as const;
    const { positionals, values, fields } = parseOptions(args, FLAGS, own);
    const usage = `usage: leporello export contact-sheet ${this.usage}`;
    const sources = [values.collection, values.run, values.video].filter((v) => v !== undefined);
    const file = values.out as string | undefined;
    if (sources.length !== 1 || !file || !/\.(png|pdf)$/i.test(file)) throw new AppError('invalid_request', usage);
    await withProject(positionals[0], usage, async (studio, project) => {
      let source;
      if (values.collection !== undefined) source = { collectionId: findCollectionByName(project, values.collection as string).id };
      else if (values.run !== undefined) {
        const run = findRun(project, values.run as string);
        const unit = progressUnit(run.options);
        const c = values.at === undefined ? undefined : listCheckpoints(project, run.id).find((x) => checkpointAt(unit, x) === Number(values.at));
        if (values.at !== undefined && !c) throw new AppError('not_found', `run "${run.name}" has no checkpoint at ${describeAt(unit, Number(values.at))}`);
        source = { runId: run.id, ...(c ? { checkpointId: c.id } : {}) };
      } else source = { videoRenderId: findVideoRender(project, { file: values.video as string }).id };
      const request = jobRequest('contact-sheet', { ...fields, source, format: /\.pdf$/i.test(file) ? 'pdf' : 'png', name: 'sheet' });
      const r = await runJob(studio, request, { out: file, force: values.force === true });
      for (const w of r.warnings) warn(w);
      print(out, r, `${r.pictures} pictures in ${request.columns} columns: ${r.file}${r.pages ? ` (${r.pages} A4 pages)` : ` (${r.width}×${r.height} px)`}`);
    });
  },
};
