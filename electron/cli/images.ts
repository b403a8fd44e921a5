import type { ImageStatus } from '../../shared/contract';
import { parseRequest } from '../api/router';
import { findCollectionByName } from '../services/collections';
import { listImages } from '../services/images';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';
import { withProject } from './session';

export const images: Command = {
  name: 'images',
  usage: '<project> [--collection NAME] [--status ok|rejected|duplicate]',
  summary: "list a project's images",
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], { collection: { type: 'string' }, status: { type: 'string' } });
    const result = await withProject(positionals[0], 'images needs a project: leporello images <project>', async (_, project) => {
      const collectionId = values.collection ? findCollectionByName(project, values.collection as string).id : undefined;
      return listImages(project, parseRequest('images.list', { collectionId, status: values.status as ImageStatus | undefined }));
    });
    const text = result.items.map((i) => `${i.id}\t${i.status}\t${i.sourceName}${i.reason ? `\t${i.reason}` : ''}`).join('\n');
    print(out, result, `${text}${text ? '\n' : ''}${result.total} images`);
  },
};
