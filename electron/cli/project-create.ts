import { resolve } from 'node:path';
import { parseRequest } from '../api/router';
import { AppError } from '../../shared/errors';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';
import { newStudio } from './session';

export const projectCreate: Command = {
  name: 'project create',
  usage: '<dir> [--name NAME]',
  summary: 'create a project in an empty or new folder',
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], { name: { type: 'string' } });
    const dir = positionals[0];
    if (!dir) throw new AppError('invalid_request', 'project create needs a folder: leporello project create <dir> [--name NAME]');
    const name = (values.name as string | undefined) ?? resolve(dir).split(/[\\/]/).pop() ?? 'project';
    const studio = newStudio();
    const summary = await studio.createProject(parseRequest('projects.create', { name }).name, dir);
    await studio.closeProject();
    print(out, summary, `created project "${summary.name}" in ${summary.path}`);
  },
};
