import { dirname, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { StyleMixRequest } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { parseNumberList } from '../../shared/number-list';
import { namedStyles } from '../services/networks/generator-sessions';
import type { Command } from './command';
import { BACKEND_FLAG, describeGeneratorOf, drawWith, oneHot } from './draw-with-generator';
import { GENERATOR_FLAGS, GENERATOR_HELP, GENERATOR_USAGE, generatorRef } from './generator-ref';
import { print } from './output';
import { flagsOf, helpLines, parseOptions, validated } from './options';
import { OUT_FLAGS, refuseExisting } from './run-job';
import { withProject } from './session';

const schema = StyleMixRequest.omit({ source: true, styles: true });
const FLAGS = flagsOf(schema);
const ALIASES = { rows: 'row-seeds', cols: 'col-seeds', trunc: 'psi', class: 'class-index' };

export const styleMix: Command = {
  name: 'style-mix',
  usage: `<project> ${GENERATOR_USAGE} --row-seeds 85,100 --col-seeds 55,821 [--styles 0-6|coarse|middle|fine] [--psi X] [--class-index K] --out FILE.png`,
  summary: "the style-mixing figure: each row's W with the columns' styles at the given layers (coarse 0-3, middle 4-7, fine 8+)",
  options: () => [
    ...GENERATOR_HELP,
    '  --styles LAYERS\n      Layers the rows take from the columns: 0-6, or coarse, middle or fine (default 0-6).',
    '  --out FILE.png\n      Where to write the figure.',
    ...helpLines(FLAGS, ALIASES),
  ],
  async run(args, out) {
    const { positionals, values, fields } = parseOptions(
      args,
      FLAGS,
      { ...GENERATOR_FLAGS, ...BACKEND_FLAG, styles: { type: 'string' }, ...OUT_FLAGS },
      ALIASES,
    );
    const usage = `usage: leporello style-mix ${this.usage}`;
    if (fields.rowSeeds === undefined || fields.colSeeds === undefined || !values.out) throw new AppError('invalid_request', usage);
    const request = validated(schema, fields);
    await withProject(positionals[0], usage, async (studio, project) => {
      const ref = generatorRef(project, values, usage);
      const { label: name, cDim, resolution } = describeGeneratorOf(project, ref);
      const text = (values.styles as string | undefined) ?? '0-6';
      const numWs = Math.log2(resolution) * 2 - 2;
      const styles = text === 'coarse' || text === 'middle' || text === 'fine' ? namedStyles(text, numWs) : parseNumberList(text, '--styles', 'a style layer');
      const file = resolve(values.out as string);
      refuseExisting([file], values.force);
      await mkdir(dirname(file), { recursive: true });
      const label = cDim ? oneHot(request.classIndex ?? 0, cDim) : null;
      const result = await drawWith(studio, ref, values.backend, {
        kind: 'style-mix',
        rowSeeds: request.rowSeeds,
        colSeeds: request.colSeeds,
        styles,
        psi: request.psi,
        label,
        outFile: file,
      });
      const [width, height] = [(request.colSeeds.length + 1) * result.resolution, (request.rowSeeds.length + 1) * result.resolution];
      print(
        out,
        { source: ref, backend: result.backend, rows: request.rowSeeds, cols: request.colSeeds, styles, psi: request.psi, file, width, height },
        `style mixing of "${name}" (${request.rowSeeds.length} × ${request.colSeeds.length}, styles ${text}) in ${file}`,
      );
    });
  },
};
