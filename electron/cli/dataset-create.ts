import { contract } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { findCollectionByName } from '../services/collections';
import { createDataset } from '../services/datasets/datasets';
import type { Command } from './command';
import { parseLabel } from './labels';
import { drawProgress, print } from './output';
import { flagsOf, helpLines, parseOptions, validated } from './options';
import { withProject } from './session';

const schema = contract['datasets.create'].request;
const FLAGS = flagsOf(schema, ['collectionId']);

export const datasetCreate: Command = {
  name: 'dataset create',
  usage: '<project> --collection NAME --resolution R [--grayscale] [--fit crop|pad] [--xflip] [--label key=value] [--name NAME]',
  summary: 'freeze a collection into a packed training dataset',
  options: () => ['  --collection NAME\n      The collection to freeze.', '  --label key=value\n      Only the images with this label.', ...helpLines(FLAGS)],
  async run(args, out) {
    const { positionals, values, fields } = parseOptions(args, FLAGS, { collection: { type: 'string' }, label: { type: 'string' } });
    if (!values.collection || fields.resolution === undefined)
      throw new AppError('invalid_request', 'dataset create needs --collection NAME and --resolution R (a power of two, 16–1024)');
    await withProject(positionals[0], `usage: leporello dataset create ${this.usage}`, async (_, project) => {
      const request = validated(schema, {
        ...fields,
        collectionId: findCollectionByName(project, values.collection as string).id,
        label: values.label ? parseLabel(values.label as string) : undefined,
      });
      const showProgress = process.stderr.isTTY && !out.json;
      const dataset = await createDataset(project, request, {
        onProgress: showProgress ? (p) => drawProgress({ done: p.done, total: p.total, etaSeconds: p.etaSeconds, imagesPerSecond: null }) : undefined,
      });
      if (showProgress) process.stderr.write('\n');
      print(
        out,
        dataset,
        `dataset "${dataset.name}": ${dataset.imageCount} images at ${dataset.resolution}×${dataset.resolution} ${dataset.channels === 1 ? 'grayscale' : 'RGB'} in ${dataset.path} (sha256 ${dataset.sha256.slice(0, 12)}…)`,
      );
    });
  },
};
