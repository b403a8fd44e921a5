import { resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { findRun } from '../services/runs/run-store';
import { buildTimeline, renderTimeline } from '../services/runs/timeline';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';
import { OUT_FLAGS, refuseExisting } from './run-job';
import { withProject } from './session';

export const timeline: Command = {
  name: 'timeline',
  usage: '<project> --run R [--vs R2] --out FILE.png',
  summary: 'witnesses × checkpoints of a run, or of two aligned by epoch or kimg',
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], { run: { type: 'string' }, vs: { type: 'string' }, ...OUT_FLAGS });
    if (!positionals[0] || !values.run || !values.out) throw new AppError('invalid_request', 'timeline needs a project, --run R and --out FILE.png');
    const file = resolve(values.out as string);
    refuseExisting([file], values.force);
    await withProject(positionals[0], '', async (_, project) => {
      const ids = [findRun(project, values.run as string).id, ...(values.vs ? [findRun(project, values.vs as string).id] : [])];
      const t = buildTimeline(project, ids);
      const size = await renderTimeline(project, t, file);
      print(
        out,
        { ...t, image: file, ...size },
        `${file}: ${t.runs.map((r) => `${r.witnesses} witnesses of "${r.name}"`).join(' over ')} × ${t.positions.length} checkpoints (${t.unit} ${t.positions.join(', ')}), ${size.width}×${size.height} px`,
      );
    });
  },
};
