import { AppError } from '../../shared/errors';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';
import { withProject } from './session';

export const undoImportCommand: Command = {
  name: 'undo-import',
  usage: '<project> <import-id>',
  summary:
    'take an import back as one step: the pictures, duplicates and rejections it recorded, the collection it created, and the labels and catalogue fields it changed on pictures already there (the id is in its summary)',
  async run(args, out) {
    const { positionals } = parseOptions(args, [], {});
    const [projectDir, importId] = positionals;
    if (!projectDir || !importId)
      throw new AppError('invalid_request', 'undo-import needs a project and the import id its summary printed: leporello undo-import <project> <id>');
    const result = await withProject(projectDir, '', (studio) => studio.undoImport(importId));
    print(
      out,
      result,
      `import undone: ${result.deleted} records and their files removed${result.collectionRemoved ? ', and the collection it created' : ''}` +
        (result.restored ? `; ${result.restored} pictures already there got back the labels and catalogue fields they had before it` : ''),
    );
  },
};
