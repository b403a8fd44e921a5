import { resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { findCollectionByName } from '../services/collections';
import { exportStyleganArchive } from '../services/exchange/stylegan-archive';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';
import { OUT_FLAGS, refuseExisting } from './run-job';
import { withProject } from './session';

export const exportDataset: Command = {
  name: 'export-dataset',
  usage: '<project> --collection NAME --resolution R [--label-key KEY] --out FILE.zip',
  summary: "a StyleGAN2-ADA dataset archive (PNGs + dataset.json, the label KEY's values as integer classes)",
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], {
      collection: { type: 'string' },
      resolution: { type: 'string' },
      'label-key': { type: 'string' },
      ...OUT_FLAGS,
    });
    if (!positionals[0] || !values.collection || !values.resolution || !values.out)
      throw new AppError('invalid_request', 'export-dataset needs a project, --collection NAME, --resolution R and --out FILE.zip');
    refuseExisting([resolve(values.out as string)], values.force);
    await withProject(positionals[0], '', async (_, project) => {
      const result = await exportStyleganArchive(project, {
        collectionId: findCollectionByName(project, values.collection as string).id,
        resolution: Number(values.resolution),
        labelKey: values['label-key'] as string | undefined,
        out: resolve(values.out as string),
      });
      print(
        out,
        result,
        `${result.file}: ${result.images} images at ${values.resolution} px${result.classes.length ? `, classes ${result.classes.map((c, i) => `${i} = ${c}`).join(', ')}` : ', no labels'}`,
      );
    });
  },
};
