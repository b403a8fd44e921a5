import { listNetworks } from '../services/networks/network-store';
import type { Command } from './command';
import { describeNetwork } from './import-network';
import { print } from './output';
import { parseOptions } from './options';
import { withProject } from './session';

export const networks: Command = {
  name: 'networks',
  usage: '<project>',
  summary: "list the project's imported networks",
  async run(args, out) {
    const { positionals } = parseOptions(args, []);
    const list = await withProject(positionals[0], 'usage: leporello networks <project>', async (_, project) => listNetworks(project));
    print(out, list, list.length ? list.map(describeNetwork).join('\n') : 'no networks yet; import one with "leporello import-network"');
  },
};
