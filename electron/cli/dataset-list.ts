import { listDatasets } from '../services/datasets/datasets';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';
import { withProject } from './session';

export const datasetList: Command = {
  name: 'dataset list',
  usage: '<project>',
  summary: "list a project's datasets",
  async run(args, out) {
    const { positionals } = parseOptions(args, []);
    const datasets = await withProject(positionals[0], 'usage: leporello dataset list <project>', async (_, project) => listDatasets(project));
    const text = datasets
      .map((d) => `${d.id}\t${d.name}\t${d.imageCount} images\t${d.resolution}px ${d.channels === 1 ? 'gray' : 'RGB'} ${d.fit}${d.xflip ? ' x-flip' : ''}`)
      .join('\n');
    print(out, datasets, `${text}${text ? '\n' : ''}${datasets.length} datasets`);
  },
};
