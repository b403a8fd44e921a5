import { measureMissingTints } from '../services/curation/tints';
import { parseNumberList } from '../../shared/number-list';
import { AppError } from '../../shared/errors';
import { findCollectionByName } from '../services/collections';
import { bringBackPictures, setAsidePictures } from '../services/curation/faceless-pictures';
import { listFaces } from '../services/curation/faces';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';
import { withProject } from './session';

export const faceless: Command = {
  name: 'faceless',
  usage: '<project> [--collection NAME] [--set-aside IDS --reason TEXT | --bring-back IDS]',
  summary:
    'the pictures curation found no face in: list them (waiting for a crop placed by hand, or set aside), set some aside with a reason, or bring them back',
  options: () => [
    '  --collection NAME\n      Only this collection.',
    '  --set-aside IDS --reason TEXT\n      Set these pictures aside (e.g. 12,40-45), saying why: they leave the curation\'s "Without a face" list.',
    '  --bring-back IDS\n      Put pictures set aside back on that list.',
  ],
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], {
      collection: { type: 'string' },
      'set-aside': { type: 'string' },
      reason: { type: 'string' },
      'bring-back': { type: 'string' },
    });
    const usage = `usage: leporello faceless ${this.usage}`;
    if (values['set-aside'] !== undefined && !(values.reason as string | undefined)?.trim())
      throw new AppError('invalid_request', '--set-aside needs --reason: say why these pictures are set aside, so the collection keeps its history');
    await withProject(positionals[0], usage, async (_, project) => {
      let changed = '';
      if (values['set-aside'] !== undefined) {
        const n = setAsidePictures(project, parseNumberList(values['set-aside'] as string, '--set-aside'), (values.reason as string).trim());
        changed = `${n} picture${n === 1 ? '' : 's'} set aside\n`;
      } else if (values['bring-back'] !== undefined) {
        const n = bringBackPictures(project, parseNumberList(values['bring-back'] as string, '--bring-back'));
        changed = `${n} picture${n === 1 ? '' : 's'} brought back\n`;
      }
      const collectionId = values.collection === undefined ? undefined : findCollectionByName(project, values.collection as string).id;
      await measureMissingTints(project, collectionId);
      const { noFace, counts } = listFaces(project, { ...(collectionId === undefined ? {} : { collectionId }), filter: 'all' });
      print(
        out,
        { pictures: noFace, counts: { waiting: counts.noFace, setAside: counts.setAside, olderDetector: counts.olderDetector } },
        changed +
          `${counts.noFace} without a face, waiting; ${counts.setAside} set aside\n` +
          (counts.olderDetector
            ? `${counts.olderDetector} of them were looked at by an older detector: "leporello curate <project> --look-again" may find their faces\n`
            : '') +
          noFace.map((p) => `  ${p.imageId}\t${p.source}\t${p.setAside === null ? p.reason : `set aside: ${p.setAside}`}`).join('\n'),
      );
    });
  },
};
