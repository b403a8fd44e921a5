import { listRuns } from '../services/runs/run-store';
import type { Command } from './command';
import { describeRun } from './follow-run';
import { print } from './output';
import { parseOptions } from './options';
import { withProject } from './session';

export const runs: Command = {
  name: 'runs',
  usage: '<project>',
  summary: "list a project's runs",
  async run(args, out) {
    const { positionals } = parseOptions(args, []);
    const list = await withProject(positionals[0], 'runs needs a project: leporello runs <project>', async (_, project) => listRuns(project));
    print(out, list, `${list.map(describeRun).join('\n')}${list.length ? '\n' : ''}${list.length} runs`);
  },
};
