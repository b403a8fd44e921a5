import { AppError } from '../../shared/errors';
import { findRun } from '../services/runs/run-store';
import type { Command } from './command';
import { followRun } from './follow-run';
import { parseOptions } from './options';
import { newStudio } from './session';

export const resume: Command = {
  name: 'resume',
  usage: '<project> --run R',
  summary: 'continue a stopped or interrupted run from its last intact checkpoint (or resume point)',
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], { run: { type: 'string' } });
    if (!positionals[0] || !values.run) throw new AppError('invalid_request', 'resume needs a project and --run R (its id or name)');
    const studio = newStudio();
    await studio.openProject(positionals[0]);
    try {
      await followRun(studio, await studio.runs.resume(findRun(studio.requireProject(), values.run as string).id), out);
    } finally {
      await studio.closeProject();
    }
  },
};
