import { resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { deleteProjectFolder } from '../services/projects/project-deletion';
import { ProjectRegistry } from '../services/projects/registry';
import { studioPaths } from '../services/studio-paths';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';

export const projectDelete: Command = {
  name: 'project delete',
  usage: '<dir> --name NAME',
  summary:
    'delete a project and everything in its folder (portraits, datasets, runs, renders) once its name is typed; refused while a run trains in it or another process has it open. The folders imported from are left alone',
  options: () => ["  --name NAME\n      The project's name, typed to confirm (the folder's name for a project that cannot be read)."],
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], { name: { type: 'string' } });
    const dir = positionals[0];
    if (!dir || typeof values.name !== 'string')
      throw new AppError('invalid_request', "usage: leporello project delete <dir> --name NAME (the project's name, typed to confirm)");
    const abs = resolve(dir);
    await deleteProjectFolder(abs, values.name);
    await new ProjectRegistry(studioPaths().home).forget(abs);
    print(out, { deleted: abs }, `deleted project "${values.name}" and its folder ${abs}`);
  },
};
