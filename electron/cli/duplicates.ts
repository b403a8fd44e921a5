import { findCollectionByName } from '../services/collections';
import { findDuplicates, keepOne } from '../services/curation/duplicates';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';
import { withProject } from './session';

export const duplicates: Command = {
  name: 'duplicates',
  usage: '<project> [--collection NAME] [--keep-suggested]',
  summary: 'near-duplicate faces (one photograph twice) in clusters with a suggested keeper; --keep-suggested excludes the others',
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], { collection: { type: 'string' }, 'keep-suggested': { type: 'boolean' } });
    const keep = values['keep-suggested'] === true;
    await withProject(
      positionals[0],
      'duplicates needs a project: leporello duplicates <project> [--collection NAME] [--keep-suggested]',
      async (_, project) => {
        const collectionId = values.collection === undefined ? undefined : findCollectionByName(project, values.collection as string).id;
        const clusters = await findDuplicates(project, collectionId);
        let [excluded, setAside] = [0, 0];
        if (keep)
          for (const c of clusters)
            if (c.keeper !== null) {
              const kept = keepOne(
                project,
                c.keeper,
                c.faces.map((f) => f.faceId),
                c.pictures.map((p) => p.imageId),
              );
              excluded += kept.excluded;
              setAside += kept.setAside;
            }
        const lines = clusters.map((c, n) =>
          [
            `cluster ${n + 1}:`,
            ...c.faces.map(
              (f) =>
                `  ${f.faceId === c.keeper ? 'keep' : keep ? 'excluded' : 'repeat'}\tface ${f.faceId}\t${f.source}\t${f.sourceSide} px, sharpness ${f.sharpness.toFixed(0)}`,
            ),
            ...c.pictures.map((p) => `  picture\timage ${p.imageId}\t${p.source}\tthe same photograph by the whole picture; no face of it matched`),
          ].join('\n'),
        );
        const tail = `${clusters.length} clusters of near-duplicates${keep ? `; ${excluded} faces excluded and ${setAside} pictures without a face set aside, the suggested keeper of each kept` : clusters.length ? '; --keep-suggested keeps the suggested face of each and excludes the rest' : ''}`;
        print(out, { clusters, excluded, setAside }, [...lines, tail].join('\n'));
      },
    );
  },
};
