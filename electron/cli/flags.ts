import { QualityThresholds } from '../../shared/contract';
import { findCollectionByName } from '../services/collections';
import { flaggedFaces, setThresholds } from '../services/curation/quality';
import type { Command } from './command';
import { print } from './output';
import { flagsOf, helpLines, parseOptions, validated } from './options';
import { withProject } from './session';

const schema = QualityThresholds.partial();
const FLAGS = flagsOf(schema);
const ALIASES = { 'min-face': 'min-face-px' };

export const flags: Command = {
  name: 'flags',
  usage: '<project> [--collection NAME] [--min-face-px PX] [--min-sharpness X] [--grey-below X] [--max-aspect R]',
  summary: 'faces the quality thresholds flag, with every reason; given thresholds are kept for the project',
  options: () => ['  --collection NAME\n      Only this collection.', ...helpLines(FLAGS, ALIASES)],
  async run(args, out) {
    const { positionals, values, fields } = parseOptions(args, FLAGS, { collection: { type: 'string' } }, ALIASES);
    await withProject(positionals[0], 'flags needs a project: leporello flags <project> [--collection NAME] [--min-face-px PX] …', async (_, project) => {
      const thresholds = setThresholds(project, validated(schema, fields));
      const collectionId = values.collection === undefined ? undefined : findCollectionByName(project, values.collection as string).id;
      const flagged = flaggedFaces(project, collectionId, thresholds);
      const lines = flagged.map((f) => `face ${f.faceId}\t${f.status}\t${f.source}\t${f.reasons.join('; ')}`);
      const summary = `${flagged.length} faces flagged (faces under ${thresholds.minFacePx} px, sharpness under ${thresholds.minSharpness}, grey below ${thresholds.greyBelow}, aspect over ${thresholds.maxAspect}:1)`;
      print(out, { thresholds, flagged }, [...lines, summary].join('\n'));
    });
  },
};
