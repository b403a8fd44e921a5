import type { ImageUsage } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { parseNumberList } from '../../shared/number-list';
import { findCollectionByName } from '../services/collections';
import { deleteCollection, deleteImages, imageUsage } from '../services/deletion';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';
import { withProject } from './session';

function usageLine(u: ImageUsage): string {
  const parts = [];
  if (u.datasets.length) parts.push(`used by dataset${u.datasets.length > 1 ? 's' : ''} ${u.datasets.join(', ')} (which keep their own copies)`);
  if (u.projectedLatents) parts.push(`${u.projectedLatents} latents were projected from them (they keep their vectors)`);
  return parts.length ? `; ${parts.join('; ')}` : '';
}

export const deleteCommand: Command = {
  name: 'delete',
  usage: '<project> (--images 1,2,5-9 | --collection NAME) [--yes]',
  summary: 'delete pictures or a whole collection with their files; without --yes, only says what would go and what uses it',
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], { images: { type: 'string' }, collection: { type: 'string' }, yes: { type: 'boolean' } });
    if (!positionals[0] || !!values.images === !!values.collection)
      throw new AppError('invalid_request', 'delete needs a project and either --images IDS or --collection NAME (add --yes to delete)');
    await withProject(positionals[0], '', async (_studio, project) => {
      const collection = values.collection ? findCollectionByName(project, values.collection as string) : null;
      const ids = collection
        ? (project.db.prepare('SELECT id FROM images WHERE collection_id = ?').all(collection.id) as { id: number }[]).map((r) => r.id)
        : parseNumberList(values.images as string);
      const what = collection ? `collection "${collection.name}" and its ${ids.length} records` : `${ids.length} pictures`;
      if (!values.yes) {
        const usage = imageUsage(project, ids);
        print(
          out,
          { deleted: 0, wouldDelete: ids.length, usage },
          `nothing deleted: this would delete ${what}${usageLine(usage)}. Run again with --yes to delete.`,
        );
        return;
      }
      const { deleted, usage } = collection ? await deleteCollection(project, collection.id) : await deleteImages(project, ids);
      print(out, { deleted, usage }, `deleted ${deleted} records and their files${usageLine(usage)}`);
    });
  },
};
