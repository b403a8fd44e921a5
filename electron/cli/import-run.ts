import { resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import type { Command } from './command';
import { print } from './output';
import { flagsOf, helpLines, parseOptions } from './options';
import { jobRequest, jobSchema, runJob } from './run-job';
import { withProject } from './session';
import { datasetByRef } from './train';
import { findRun } from '../services/runs/run-store';

const FLAGS = flagsOf(jobSchema('import-run'), ['kind', 'folder', 'datasetId', 'into']);

export const importRun: Command = {
  name: 'import-run',
  usage: '<project> <folder> [--dataset D] [--name N | --into R]',
  summary:
    "a run trained elsewhere by NVIDIA's train.py (network-snapshot-*.pkl, training_options.json, stats.jsonl) as a run of the project: a checkpoint per snapshot with its witnesses, health and quality, its losses and ADA's p charted",
  options: () => [
    '  --dataset D\n      The dataset it was trained on, by id or name (the only one at its resolution by default).',
    '  --into R\n      A run imported before, by id or name: the snapshots the cluster wrote since are added to it.',
    ...helpLines(FLAGS),
  ],
  async run(args, out) {
    const { positionals, values, fields } = parseOptions(args, FLAGS, { dataset: { type: 'string' }, into: { type: 'string' } });
    const usage = `usage: leporello import-run ${this.usage}`;
    if (!positionals[1]) throw new AppError('invalid_request', usage);
    await withProject(positionals[0], usage, async (studio, project) => {
      const datasetId = values.dataset !== undefined ? datasetByRef(project, values.dataset as string).id : undefined;
      const into = values.into !== undefined ? findRun(project, values.into as string).id : undefined;
      const r = await runJob(
        studio,
        jobRequest('import-run', {
          ...fields,
          folder: resolve(positionals[1]!),
          ...(datasetId !== undefined ? { datasetId } : {}),
          ...(into !== undefined ? { into } : {}),
        }),
      );
      print(
        out,
        r,
        `run "${r.name}" (#${r.runId}): ${r.snapshots} snapshots imported and reviewed in ${r.seconds.toFixed(1)} s on ${r.backend}` +
          (r.skippedLines ? `; ${r.skippedLines} unreadable lines of stats.jsonl left out` : ''),
      );
    });
  },
};
