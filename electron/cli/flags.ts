import { measureMissingTints } from '../services/curation/tints';
import { QualityThresholds } from '../../shared/contract';
import { findCollectionByName } from '../services/collections';
import { FLAG_KINDS, flaggedFaces, setThresholds, type FlagKind } from '../services/curation/quality';
import { AppError } from '../../shared/errors';
import type { Command } from './command';
import { print } from './output';
import { flagsOf, helpLines, parseOptions, validated } from './options';
import { withProject } from './session';

const schema = QualityThresholds.partial();
const FLAGS = flagsOf(schema);
const ALIASES = { 'min-face': 'min-face-px' };

export const flags: Command = {
  name: 'flags',
  usage: '<project> [--collection NAME] [--kind KIND] [--min-face-px PX] [--min-sharpness X] [--grey-below X] [--max-aspect R]',
  summary: 'faces the quality thresholds flag, with every reason; given thresholds are kept for the project',
  options: () => [
    '  --collection NAME\n      Only this collection.',
    `  --kind KIND\n      Only the faces flagged for this: ${FLAG_KINDS.join(', ')}.`,
    ...helpLines(FLAGS, ALIASES),
  ],
  async run(args, out) {
    const { positionals, values, fields } = parseOptions(args, FLAGS, { collection: { type: 'string' }, kind: { type: 'string' } }, ALIASES);
    const kind = values.kind as FlagKind | undefined;
    if (kind !== undefined && !FLAG_KINDS.includes(kind))
      throw new AppError('invalid_request', `--kind ${String(kind)}: a flag is one of ${FLAG_KINDS.join(', ')}`);
    await withProject(positionals[0], 'flags needs a project: leporello flags <project> [--collection NAME] [--min-face-px PX] …', async (_, project) => {
      const thresholds = setThresholds(project, validated(schema, fields));
      const collectionId = values.collection === undefined ? undefined : findCollectionByName(project, values.collection as string).id;
      await measureMissingTints(project, collectionId);
      const all = flaggedFaces(project, collectionId, thresholds);
      const flagged = kind ? all.filter((f) => f.kinds.includes(kind)) : all;
      const byKind = FLAG_KINDS.map((k) => ({ kind: k, faces: all.filter((f) => f.kinds.includes(k)).length })).filter((k) => k.faces > 0);
      const lines = flagged.map((f) => `face ${f.faceId}\t${f.status}\t${f.source}\t${f.reasons.join('; ')}`);
      const summary =
        `${flagged.length} faces flagged${kind ? ` for ${kind}` : ''} (faces under ${thresholds.minFacePx} px, sharpness under ${thresholds.minSharpness}, grey below ${thresholds.greyBelow}, aspect over ${thresholds.maxAspect}:1)` +
        (byKind.length ? `; by kind: ${byKind.map((k) => `${k.kind} ${k.faces}`).join(', ')}` : '');
      print(out, { thresholds, flagged, byKind }, [...lines, summary].join('\n'));
    });
  },
};
