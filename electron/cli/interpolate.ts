import { dirname, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { InterpolateRequest } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Command } from './command';
import { BACKEND_FLAG, describeGeneratorOf, drawWith, oneHot } from './draw-with-generator';
import { GENERATOR_FLAGS, GENERATOR_HELP, GENERATOR_USAGE, generatorRef } from './generator-ref';
import { print } from './output';
import { flagsOf, helpLines, parseOptions, validated } from './options';
import { OUT_FLAGS, refuseExisting } from './run-job';
import { withProject } from './session';

/** The studio's request, with the command line's longer strips. */
const schema = InterpolateRequest.extend({ steps: InterpolateRequest.shape.steps.unwrap().max(256).default(9) }).omit({ source: true });
const FLAGS = flagsOf(schema);
const ALIASES = { from: 'from-seed', to: 'to-seed', trunc: 'psi', class: 'class-index' };

export const interpolate: Command = {
  name: 'interpolate',
  usage: `<project> ${GENERATOR_USAGE} --from-seed SEED --to-seed SEED [--steps 9] [--space w|z] [--easing linear|smooth] [--psi X] --out FILE.png`,
  summary: 'the faces between two seeds, side by side: a straight line in W, or the great circle between their latents in Z',
  options: () => [...GENERATOR_HELP, '  --out FILE.png\n      Where to write the strip.', ...helpLines(FLAGS, ALIASES)],
  async run(args, out) {
    const { positionals, values, fields } = parseOptions(args, FLAGS, { ...GENERATOR_FLAGS, ...BACKEND_FLAG, ...OUT_FLAGS }, ALIASES);
    const usage = `usage: leporello interpolate ${this.usage}`;
    if (fields.fromSeed === undefined || fields.toSeed === undefined || !values.out) throw new AppError('invalid_request', usage);
    const request = validated(schema, fields);
    await withProject(positionals[0], usage, async (studio, project) => {
      const ref = generatorRef(project, values, usage);
      const { label: name, cDim } = describeGeneratorOf(project, ref);
      const file = resolve(values.out as string);
      refuseExisting([file], values.force);
      await mkdir(dirname(file), { recursive: true });
      const label = cDim ? oneHot(request.classIndex ?? 0, cDim) : null;
      const { fromSeed, toSeed, steps, space, easing, psi } = request;
      const result = await drawWith(studio, ref, values.backend, { kind: 'interpolate', fromSeed, toSeed, steps, space, easing, psi, label, outFile: file });
      print(
        out,
        {
          source: ref,
          backend: result.backend,
          from: fromSeed,
          to: toSeed,
          steps,
          space,
          easing,
          psi,
          file,
          width: steps * result.resolution,
          height: result.resolution,
        },
        `${steps} faces from seed ${fromSeed} to seed ${toSeed} of "${name}" (${space === 'w' ? 'straight in W' : 'great circle in Z'}) in ${file}`,
      );
    });
  },
};
