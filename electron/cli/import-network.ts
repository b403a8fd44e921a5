import { resolve } from 'node:path';
import type { Network } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { importNetwork } from '../services/networks/network-store';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';
import { withProject } from './session';

export function describeNetwork(n: Network): string {
  return `#${n.id} ${n.name}: StyleGAN2 ${n.resolution} px, z ${n.zDim}, w ${n.wDim}${n.cDim ? `, ${n.cDim} classes` : ''} (${n.architecture}) from ${n.sourceFile}`;
}

export const importNetworkCommand: Command = {
  name: 'import-network',
  usage: '<project> FILE.pkl [--name NAME]',
  summary: "import one of NVIDIA's StyleGAN2(-ADA) network pickles (read as data, never run) and show the license it comes with",
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], { name: { type: 'string' } });
    const usage = 'usage: leporello import-network <project> FILE.pkl [--name NAME]';
    if (!positionals[1]) throw new AppError('invalid_request', usage);
    await withProject(positionals[0], usage, async (_, project) => {
      const network = await importNetwork(project, resolve(positionals[1]!), values.name as string | undefined);
      print(out, network, `imported ${describeNetwork(network)}\n\nLicense: ${network.license}`);
    });
  },
};
