import { AppError } from '../../shared/errors';
import type { CatalogueState } from '../../shared/contract';
import { megabytes } from '../services/networks/http-download';
import { catalogueState } from '../services/networks/network-fetch';
import type { Command } from './command';
import { describeNetwork } from './import-network';
import { print } from './output';
import { parseOptions } from './options';
import { jobRequest, runJob } from './run-job';
import { withProject } from './session';

function describeListed(e: CatalogueState): string {
  const where = e.networkId
    ? `in this project as network #${e.networkId}`
    : e.downloadedBytes !== null
      ? `downloaded (${megabytes(e.downloadedBytes)}), not yet in this project`
      : e.partialBytes !== null
        ? `${megabytes(e.partialBytes)} downloaded so far; fetch it to go on`
        : `about ${megabytes(e.approxBytes)}, not downloaded`;
  return `${e.id.padEnd(14)} ${e.title}: ${where}\n${' '.repeat(15)}${e.about}\n${' '.repeat(15)}${e.url}\n${' '.repeat(15)}License: ${e.license}`;
}

export const fetchNetworkCommand: Command = {
  name: 'fetch-network',
  usage: '<project> [NETWORK] [--name N] [--mirror URL]',
  summary:
    "NVIDIA's published StyleGAN2-ADA networks: without NETWORK, the list and what is downloaded; with it, download it (resuming a cut download), verify it and import it",
  options: () => [
    "  --name N\n      The network's name in the project (the list's by default).",
    "  --mirror URL\n      Fetch from a mirror of NVIDIA's files (the same paths under URL) instead; also LEPORELLO_NETWORK_MIRROR.",
  ],
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], { name: { type: 'string' }, mirror: { type: 'string' } });
    const usage = `usage: leporello fetch-network ${this.usage}`;
    if (typeof values.mirror === 'string') {
      if (!/^https?:\/\//.test(values.mirror)) throw new AppError('invalid_request', `--mirror ${values.mirror}: give an http:// or https:// address`);
      process.env.LEPORELLO_NETWORK_MIRROR = values.mirror;
    }
    await withProject(positionals[0], usage, async (studio, project) => {
      if (!positionals[1]) {
        const list = catalogueState(project, studio.options.home);
        print(out, list, list.map(describeListed).join('\n\n'));
        return;
      }
      const r = await runJob(studio, jobRequest('fetch-network', { network: positionals[1], ...(values.name ? { name: values.name } : {}) }));
      const how = r.downloaded
        ? `downloaded ${megabytes(r.bytes)}${r.resumedFrom ? ` (resumed after ${megabytes(r.resumedFrom)})` : ''} in ${r.seconds.toFixed(1)} s`
        : `already downloaded (${megabytes(r.bytes)})`;
      print(
        out,
        r,
        `${how}; sha256 ${r.sha256}${r.firstDownload ? ' (kept: later downloads must match it)' : ' (matches the first download)'}\n` +
          `${r.imported ? 'imported' : 'already in this project:'} ${describeNetwork(r.network)}\n\nLicense: ${r.network.license}`,
      );
    });
  },
};
