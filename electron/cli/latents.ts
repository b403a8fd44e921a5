// `leporello latents`: the project's latents of one generator — listed, labelled, made from seeds,
// centroids, arithmetic, drawn as a strip or along a keyframe path. The computing actions are the
// studio's jobs (seeds, arithmetic, draw, path), run in an engine; list and label only read and
// write the project.
import { AppError } from '../../shared/errors';
import { parseNumberList } from '../../shared/number-list';
import { getLatents, labelLatents, latentsOf, listLatents, type StoredLatent } from '../services/latents';
import { jobGenerator } from '../services/latent-generators';
import type { Command } from './command';
import { GENERATOR_FLAGS, GENERATOR_HELP, GENERATOR_USAGE, generatorRef } from './generator-ref';
import { parseLabel } from './labels';
import { print } from './output';
import { flagsOf, helpLines, parseOptions } from './options';
import { jobSchema, jobRequest, OUT_FLAGS, runJob } from './run-job';
import { withProject } from './session';

const PATH_FLAGS = flagsOf(jobSchema('path'), ['kind', 'ids']);
const PSI_FLAGS = flagsOf(jobSchema('arithmetic'), ['kind', 'ids', 'operation', 'label', 'name']);
const ACTIONS =
  'list | seeds 1,2,3 | label IDS key=value | centroid key=value | mean IDS | add A,B | subtract A,B | truncate ID --psi 0.7 | draw IDS --out FILE.png | path IDS --out FILE.png [--frames 12] [--hold N] [--loop] [--easing smooth]';

/** Latents as the command line prints them: with their vectors, for scripts. */
const withVector = (l: StoredLatent) => ({ ...l, vector: Array.from(l.vector) });

function describeLatent(l: StoredLatent): string {
  const labels = Object.entries(l.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `#${l.id}\t${l.kind}\t${l.space.toUpperCase()}\t${l.name ?? ''}\t${l.source}${labels ? `\t[${labels}]` : ''}`;
}

function ids(text: string | undefined, what: string, usage: string): number[] {
  const list = parseNumberList(text ?? '', what, 'a latent id');
  if (!list.length) throw new AppError('invalid_request', `${what} is missing; ${usage}`);
  return list;
}

export const latents: Command = {
  name: 'latents',
  usage: `<project> ${GENERATOR_USAGE} ACTION [--name NAME]\n                 ${ACTIONS}`,
  summary:
    "the project's latents of a generator (W for StyleGAN2, Z for the others): from seeds, labelled, centroids, arithmetic, keyframe paths (eased, held, looping)",
  options: () => [
    ...GENERATOR_HELP,
    '  --name NAME\n      A name for the latents made.',
    "  --class K\n      seeds: a conditional network's class for every seed (seed N's own, N mod the classes, by default).",
    ...helpLines(PSI_FLAGS),
    ...helpLines(PATH_FLAGS),
    '  --out FILE.png\n      draw and path: where to write the strip.',
  ],
  async run(args, out) {
    const { positionals, values, fields } = parseOptions(args, [...PSI_FLAGS, ...PATH_FLAGS], {
      ...GENERATOR_FLAGS,
      ...OUT_FLAGS,
      name: { type: 'string' },
      class: { type: 'string' },
    });
    const usage = `usage: leporello latents ${this.usage}`;
    const [dir, action, ...rest] = positionals;
    if (!action) throw new AppError('invalid_request', usage);
    await withProject(dir, usage, async (studio, project) => {
      const ref = generatorRef(project, values, usage);
      const { key, label } = jobGenerator(project, ref);
      const name = values.name as string | undefined;
      const say = (made: StoredLatent[]) => print(out, made.map(withVector), made.map(describeLatent).join('\n'));
      if (action === 'list') {
        const all = listLatents(project, key);
        print(
          out,
          all.map(withVector),
          all.length ? all.map(describeLatent).join('\n') : `no latents of ${label} yet; "latents … seeds 1,2,3" or "project-image" makes some`,
        );
      } else if (action === 'label') {
        const { key: labelKey, value } = parseLabel(rest[1] ?? '', 'a label');
        const n = labelLatents(
          project,
          latentsOf(project, key, ids(rest[0], 'IDS', usage)).map((l) => l.id),
          labelKey,
          value,
        );
        print(out, { labelled: n, key: labelKey, value }, `${n} latent${n === 1 ? '' : 's'} labelled ${labelKey}=${value}`);
      } else if (action === 'seeds') {
        const classIndex = values.class === undefined ? undefined : Number(values.class);
        const made = await runJob(
          studio,
          jobRequest('seeds', { ref, seeds: parseNumberList(rest[0] ?? '', 'SEEDS', 'a seed'), name, ...(classIndex !== undefined ? { classIndex } : {}) }),
        );
        say(
          getLatents(
            project,
            made.latents.map((l) => l.id),
          ),
        );
      } else if (action === 'centroid' || action === 'mean' || action === 'add' || action === 'subtract' || action === 'truncate') {
        if (action === 'truncate' && fields.psi === undefined)
          throw new AppError('invalid_request', '--psi is the truncation, from -2 to 2 (1 leaves the latent, 0 gives the average face)');
        const operands =
          action === 'centroid'
            ? { label: parseLabel(rest[0] ?? '', 'a label') }
            : { ids: ids(rest[0], 'IDS', usage), ...(action === 'truncate' ? { psi: fields.psi } : {}) };
        const made = await runJob(studio, jobRequest('arithmetic', { ref, operation: action, ...operands, name }));
        say(
          getLatents(
            project,
            made.latents.map((l) => l.id),
          ),
        );
      } else if (action === 'draw' || action === 'path') {
        if (!values.out) throw new AppError('invalid_request', `${action} needs --out FILE.png`);
        const list = ids(rest[0], 'IDS', usage);
        if (action === 'path' && list.length < 2) throw new AppError('invalid_request', 'a path needs at least two latents, e.g. path 3,7,12');
        const target = { out: values.out as string, force: values.force === true };
        if (action === 'draw') {
          const drawn = await runJob(studio, jobRequest('draw', { ref, ids: list }), target);
          print(out, drawn, `${list.length} faces of ${label} in ${drawn.file}`);
        } else {
          const timing = Object.fromEntries(PATH_FLAGS.filter((f) => fields[f.field] !== undefined).map((f) => [f.field, fields[f.field]]));
          const drawn = await runJob(studio, jobRequest('path', { ref, ids: list, ...timing }), target);
          print(out, drawn, `${drawn.frames} frames through ${list.length} keyframes${drawn.loop ? ', looping' : ''} in ${drawn.file}`);
        }
      } else throw new AppError('invalid_request', `unknown action "${action}"; ${usage}`);
    });
  },
};
