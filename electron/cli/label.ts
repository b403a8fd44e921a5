import { AppError } from '../../shared/errors';
import { parseNumberList } from '../../shared/number-list';
import { parseRequest } from '../api/router';
import { findCollectionByName } from '../services/collections';
import { listImages } from '../services/images';
import { removeLabel, setLabel } from '../services/labels';
import type { Command } from './command';
import { parseLabel } from './labels';
import { print } from './output';
import { parseOptions } from './options';
import { withProject } from './session';

export const label: Command = {
  name: 'label',
  usage: '<project> (--images 1,2,5-9 | --all) [--collection NAME] (--set key=value | --remove key)',
  summary: 'set or remove a label on many images at once (all or nothing)',
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], {
      images: { type: 'string' },
      all: { type: 'boolean' },
      collection: { type: 'string' },
      set: { type: 'string' },
      remove: { type: 'string' },
    });
    if (!positionals[0] || !!values.images === !!values.all || !!values.set === !!values.remove) {
      throw new AppError('invalid_request', 'label needs a project, either --images IDS or --all, and either --set key=value or --remove key');
    }
    await withProject(positionals[0], '', async (studio, project) => {
      const collectionId = values.collection === undefined ? undefined : findCollectionByName(project, values.collection as string).id;
      const imageIds = values.all
        ? listImages(project, parseRequest('images.list', { collectionId, status: 'ok' })).items.map((i) => i.id)
        : parseNumberList(values.images as string);
      if (imageIds.length === 0) throw new AppError('invalid_request', 'no images to label: the collection has no kept images');
      if (values.set) {
        const { key, value } = parseLabel(values.set as string, '--set');
        const request = parseRequest('labels.set', { imageIds, key, value });
        const updated = setLabel(project, request.imageIds, request.key, request.value);
        print(out, { updated, key: request.key, value: request.value }, `${request.key} = ${request.value} on ${updated} images`);
      } else {
        const request = parseRequest('labels.remove', { imageIds, key: values.remove });
        const updated = removeLabel(project, request.imageIds, request.key);
        print(out, { updated, key: request.key }, `${request.key} removed from ${updated} images`);
      }
    });
  },
};
