import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { GeneratorRef } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { MANIFEST, WEIGHTS } from '../formats/network-file';
import { exportNetworkPickle } from '../services/exchange/network-export';
import { findNetwork } from '../services/networks/network-store';
import type { Project } from '../services/projects/project';
import { findRun } from '../services/runs/run-store';
import { CHECKPOINT_REF_HELP, checkpointByRef } from './checkpoint-ref';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';
import { OUT_FLAGS, refuseExisting } from './run-job';
import { withProject } from './session';

const USAGE = 'usage: leporello export-network <project> (--network N | --run R [--at AT|best:METRIC]) [--format leporello|pkl] --out DIR|FILE.pkl';

function refOf(project: Project, values: { network?: unknown; run?: unknown; at?: unknown }): GeneratorRef {
  if ((values.network === undefined) === (values.run === undefined)) throw new AppError('invalid_request', `give either --network or --run; ${USAGE}`);
  if (values.network !== undefined) return { networkId: findNetwork(project, String(values.network)).id };
  const run = findRun(project, String(values.run));
  return values.at === undefined ? { runId: run.id } : { runId: run.id, checkpointId: checkpointByRef(project, run, String(values.at)).id };
}

export const exportNetwork: Command = {
  name: 'export-network',
  usage: '<project> (--network N | --run R [--at AT|best:METRIC]) [--format leporello|pkl] --out DIR|FILE.pkl',
  summary:
    "a network or a run's checkpoint for other tools: pkl is a pickle NVIDIA's legacy.load_network_pkl (generate.py, StyleGAN3's visualizer) loads with no code in it; leporello is the studio's network.json + weights.bin",
  options: () => [
    '  --network N\n      An imported network, by its id or name.',
    `  --run R\n      A StyleGAN2 run, by its id or name: its last checkpoint, or with --at ${CHECKPOINT_REF_HELP}.`,
    "  --format leporello|pkl\n      pkl for NVIDIA's tools (a file), leporello for the studio's own format (a folder); leporello by default.",
    '  --out DIR|FILE.pkl\n      Where to write it.',
    '  --force\n      Replace what is already there.',
  ],
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], {
      network: { type: 'string' },
      run: { type: 'string' },
      at: { type: 'string' },
      format: { type: 'string' },
      ...OUT_FLAGS,
    });
    const format = (values.format as string | undefined) ?? 'leporello';
    if (!values.out || (format !== 'leporello' && format !== 'pkl')) throw new AppError('invalid_request', USAGE);
    await withProject(positionals[0], USAGE, async (_, project) => {
      const ref = refOf(project, values);
      if (format === 'pkl') {
        const file = resolve(values.out as string);
        refuseExisting([file], values.force);
        const written = await exportNetworkPickle(project, ref, file);
        print(
          out,
          { file, bytes: written.bytes, network: written.label, license: written.license },
          `${written.label} written to ${file} (${(written.bytes / 1e6).toFixed(1)} MB), for NVIDIA's tools: legacy.load_network_pkl, generate.py, StyleGAN3's visualizer` +
            (written.license ? `\n\nLicense: ${written.license}` : ''),
        );
        return;
      }
      if (!('networkId' in ref))
        throw new AppError('invalid_request', "a run's checkpoint is exported with --format pkl; --format leporello copies an imported network's folder");
      const network = findNetwork(project, ref.networkId);
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
