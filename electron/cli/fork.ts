import { contract } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { findRun } from '../services/runs/run-store';
import type { Command } from './command';
import { followRun } from './follow-run';
import { flagsOf, helpLines, parseOptions, validated } from './options';
import { newStudio } from './session';

const schema = contract['runs.fork'].request;
const FLAGS = flagsOf(schema, ['runId']);
const ALIASES = { checkpoint: 'at', lr: 'learning-rate', batch: 'batch-size' };

export const fork: Command = {
  name: 'fork',
  usage: '<project> --run R [--at EPOCH|KIMG] [--epochs N | --kimg N] [--learning-rate X] [--batch-size B] [--name NAME]',
  summary: "train on from a run's checkpoint (at its epoch or kimg; the latest by default) with other settings",
  options: () => ['  --run R\n      The run to fork, by its id or name.', ...helpLines(FLAGS, ALIASES)],
  async run(args, out) {
    const { positionals, values, fields } = parseOptions(args, FLAGS, { run: { type: 'string' } }, ALIASES);
    if (!positionals[0] || !values.run) throw new AppError('invalid_request', 'fork needs a project and --run R');
    const studio = newStudio();
    await studio.openProject(positionals[0]);
    try {
      const request = validated(schema, { ...fields, runId: findRun(studio.requireProject(), values.run as string).id });
      await followRun(studio, await studio.runs.fork(request), out);
    } finally {
      await studio.closeProject();
    }
  },
};
