import { AppError } from '../../shared/errors';
import { checkProject } from '../services/projects/project-check';
import { Project } from '../services/projects/project';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';

export const projectCheck: Command = {
  name: 'project check',
  usage: '<dir> [--repair]',
  summary: 'every file against its hash; orphans, stale partials and damaged rows listed; --repair removes what nothing references',
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], { repair: { type: 'boolean' } });
    const dir = positionals[0];
    if (!dir) throw new AppError('invalid_request', 'project check needs a project folder: leporello project check <dir> [--repair]');
    const repair = values.repair === true;
    const project = Project.open(dir);
    try {
      const r = await checkProject(project, { repair });
      const lines = [
        `${r.checked} files checked: ${r.damaged.length ? `${r.damaged.length} damaged or missing` : 'all intact'}`,
        ...r.damaged.map((d) => `  ${d.problem}: ${d.path} (${d.table} #${d.id})`),
        `${r.orphans.length} files nothing references${r.orphans.length && !repair ? ' (--repair removes them)' : ''}`,
        ...r.orphans.slice(0, 20).map((o) => `  ${o}`),
        ...(r.orphans.length > 20 ? [`  … and ${r.orphans.length - 20} more`] : []),
        `${r.stalePartials.length} half-written files of processes that died`,
        ...r.stalePartials.map((p) => `  ${p}`),
        ...(repair ? [`removed ${r.removed.length}`] : []),
        ...(r.damaged.length ? ['Damaged rows point at files that are gone or changed: restore the project folder from a backup.'] : []),
      ];
      print(out, r, lines.join('\n'));
    } finally {
      project.close();
    }
  },
};
