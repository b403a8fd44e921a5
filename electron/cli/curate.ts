import { contract } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { findCollectionByName } from '../services/collections';
import { curateCollection } from '../services/curation/curate-job';
import { lookAgainAt } from '../services/curation/faceless-pictures';
import type { Command } from './command';
import { drawProgress, print } from './output';
import { flagsOf, helpLines, parseOptions, validated } from './options';
import { withProject } from './session';

const schema = contract['curation.start'].request;
const FLAGS = flagsOf(schema, ['collectionId']);
const ALIASES = { size: 'master-size' };

export const curate: Command = {
  name: 'curate',
  usage: '<project> [--collection NAME] [--master-size N] [--backend B] [--look-again]',
  summary:
    "find faces, their landmarks and descriptors, and write each face's FFHQ-style aligned crop (N px, default 1024; never upscaled); resumable: pictures already looked at are kept",
  options: () => [
    '  --collection NAME\n      Only this collection (every collection by default).',
    '  --look-again\n      Look again at the pictures an earlier pass found no face in (not those set aside): a newer studio finds more.',
    ...helpLines(FLAGS, ALIASES),
  ],
  async run(args, out) {
    const { positionals, values, fields } = parseOptions(args, FLAGS, { collection: { type: 'string' }, 'look-again': { type: 'boolean' } }, ALIASES);
    const request = (() => {
      try {
        return validated(schema, fields);
      } catch (err) {
        throw new AppError('invalid_request', `curate needs --size between 16 and 4096 px (${(err as Error).message})`);
      }
    })();
    const summary = await withProject(positionals[0], `usage: leporello curate ${this.usage}`, async (studio, project) => {
      const collectionId = values.collection === undefined ? undefined : findCollectionByName(project, values.collection as string).id;
      if (values['look-again'] === true) lookAgainAt(project, 'all', collectionId);
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      const showProgress = process.stderr.isTTY && !out.json;
      const started = performance.now();
      try {
        return await curateCollection(project, studio.launchEngine, {
          collectionId,
          masterSize: request.masterSize,
          backend: request.backend,
          signal: controller.signal,
          onProgress: showProgress ? (p) => drawProgress({ ...p, imagesPerSecond: p.done / ((performance.now() - started) / 1000) }) : undefined,
        });
      } finally {
        process.off('SIGINT', stop);
        if (showProgress) process.stderr.write('\n');
      }
    });
    const looked = summary.done;
    const found = looked - summary.noFace - summary.failed;
    const lines = [
      `${summary.cancelled ? 'curation cancelled' : 'curation done'}${summary.backend ? ` on ${summary.backend}` : ''}: ${looked} pictures looked at (${summary.skipped} already were), ${summary.faces} faces; ` +
        `faces found in ${found} of ${looked} pictures (${looked ? ((found / looked) * 100).toFixed(1) : '0'} %)`,
      ...summary.problems.map((p) => `  ${p.imageId}\t${p.source}: ${p.reason}`),
    ];
    print(out, summary, lines.join('\n'));
  },
};
