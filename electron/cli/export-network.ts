import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { MANIFEST, WEIGHTS } from '../formats/network-file';
import { findNetwork } from '../services/networks/network-store';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';
import { OUT_FLAGS, refuseExisting } from './run-job';
import { withProject } from './session';

export const exportNetwork: Command = {
  name: 'export-network',
  usage: '<project> --network N --out DIR',
  summary: "the network in the studio's own format: network.json + float32 weights.bin (no pickle)",
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], { network: { type: 'string' }, ...OUT_FLAGS });
    const usage = 'usage: leporello export-network <project> --network N --out DIR';
    if (!values.network || !values.out) throw new AppError('invalid_request', usage);
    await withProject(positionals[0], usage, async (_, project) => {
      const network = findNetwork(project, values.network as string);
      const dir = resolve(values.out as string);
      refuseExisting(
        [MANIFEST, WEIGHTS].map((name) => join(dir, name)),
        values.force,
      );
      await mkdir(dir, { recursive: true });
      const files = [];
      for (const name of [MANIFEST, WEIGHTS]) {
        await copyFile(join(project.dir, network.path, name), join(dir, name));
        files.push(join(dir, name));
      }
      print(
        out,
        { network: network.id, files, license: network.license },
        `network "${network.name}" written to ${dir} (${MANIFEST}, ${WEIGHTS})\n\nLicense: ${network.license}`,
      );
    });
  },
};
