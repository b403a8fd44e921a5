// The command line for the latent tools: latents from seeds, labels on them, a label's centroid,
// arithmetic, drawing latents as a strip, and projection of a portrait into a generator. The
// generator is an imported network or a run at a checkpoint; StyleGAN2 works in W, DCGAN and the
// progressive GAN in Z. Computation runs here, in the CLI's process, on the best backend.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BackendPreference, type GeneratorRef } from '../shared/contract';
import { AppError } from '../shared/errors';
import type { Out } from './cli';
import { generatorRef, withProject, type CliHelpers } from './cli-networks';
import type { LatentGenerator } from './engine/latent/latent-generator';
import { atomicWrite } from './formats/atomic-write';
import { addLatents, labelLatents, labelMembers, latentsOf, listLatents, type StoredLatent } from './services/latents';
import { resolveGenerator } from './services/networks/generator-sessions';
import type { Project } from './services/projects/project';
import { getRun, listCheckpoints } from './services/runs/run-store';

export const GENERATOR_OPTIONS = { network: { type: 'string' }, run: { type: 'string' }, at: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' } } as const;

export interface OpenGenerator {
  key: string;
  label: string;
  generator: LatentGenerator;
  backend: string;
}

/** A generator's stable key (which latents belong to it), what to call it, and how to open it. */
export function describeGenerator(project: Project, ref: GeneratorRef): { key: string; label: string; open: () => Promise<LatentGenerator> } {
  if ('runId' in ref && getRun(project, ref.runId).arch !== 'stylegan2') {
    const run = getRun(project, ref.runId);
    const checkpoints = listCheckpoints(project, run.id);
    const c = ref.checkpointId === undefined ? checkpoints.at(-1) : checkpoints.find((x) => x.id === ref.checkpointId);
    if (!c) throw new AppError('not_found', `run "${run.name}" has no checkpoint yet`);
    return {
      key: `run:${run.id}:${c.id}`,
      label: `${run.name} (${run.arch}) at checkpoint #${c.id}`,
      open: async () => (await import('./engine/latent/latent-generator')).checkpointLatentGenerator(join(project.dir, c.path), c.sha256),
    };
  }
  const target = resolveGenerator(project, ref);
  return {
    key: target.key,
    label: target.describe.label,
    open: async () => {
      const { loadGenerator } = await import('./engine/sampler-host');
      const { StyleGan2Sampler } = await import('./engine/stylegan2-sampler');
      const { styleGan2LatentGenerator } = await import('./engine/latent/latent-generator');
      const { config, weights } = await loadGenerator(target.source);
      return styleGan2LatentGenerator(new StyleGan2Sampler(config, weights));
    },
  };
}

export async function openGenerator(project: Project, values: { network?: string; run?: string; at?: string; backend?: string }, usage: string): Promise<OpenGenerator> {
  const described = describeGenerator(project, generatorRef(project, values, usage));
  const { selectBackend } = await import('./engine/backends');
  const choice = await selectBackend(BackendPreference.exclude(['auto']).safeParse(values.backend).data ?? 'auto', 'train');
  return { key: described.key, label: described.label, generator: await described.open(), backend: choice.name };
}

function describeLatent(l: StoredLatent): string {
  const labels = Object.entries(l.labels).map(([k, v]) => `${k}=${v}`).join(' ');
  return `#${l.id}\t${l.kind}\t${l.space.toUpperCase()}\t${l.name ?? ''}\t${l.source}${labels ? `\t[${labels}]` : ''}`;
}

const summary = (l: StoredLatent) => ({ ...l, vector: Array.from(l.vector) });

/** A non-empty list of numbers ("3,5,8-12"), named in messages as the action's argument. */
function numbers(cli: CliHelpers, text: string | undefined, option: string, what: string, usage: string): number[] {
  const list = cli.parseIdList(text ?? '', option, what);
  if (!list.length) throw new AppError('invalid_request', `${option} is missing; ${usage}`);
  return list;
}

function parseLabel(text: string | undefined, usage: string): { key: string; value: string } {
  const at = text?.indexOf('=') ?? -1;
  if (!text || at <= 0 || at === text.length - 1) throw new AppError('invalid_request', `a label is key=value (e.g. expression=smiling); ${usage}`);
  return { key: text.slice(0, at).trim(), value: text.slice(at + 1).trim() };
}

/** Images of latents side by side, one strip. */
async function drawStrip(generator: LatentGenerator, vectors: Float32Array[], file: string): Promise<{ width: number; height: number }> {
  const { gridFigure } = await import('./engine/sample-images');
  const { drawLatents } = await import('./engine/latent/latent-images');
  const images = await drawLatents(generator, vectors);
  const { width, height, png } = await gridFigure([images], generator.resolution, generator.channels);
  await mkdir(dirname(file), { recursive: true });
  await atomicWrite(file, png);
  return { width, height };
}

export async function latentsCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...GENERATOR_OPTIONS, name: { type: 'string' }, psi: { type: 'string' }, out: { type: 'string' }, frames: { type: 'string' }, hold: { type: 'string' }, loop: { type: 'boolean' }, easing: { type: 'string' } },
  });
  const usage =
    'usage: leporello latents <project> (--network N | --run R [--at KIMG]) ACTION\n' +
    '  list | seeds 1,2,3 | label IDS key=value | centroid key=value | mean IDS | add A,B | subtract A,B | truncate ID --psi 0.7 | draw IDS --out FILE.png\n' +
    '  | path IDS --out FILE.png [--frames 12] [--hold FRAMES] [--loop] [--easing linear|smooth]   [--name NAME] [--json]';
  const [dir, action, ...rest] = positionals;
  if (!action) throw new AppError('invalid_request', usage);
  await withProject(cli, dir, usage, async (studio) => {
    const project = studio.requireProject();
    const ref = generatorRef(project, values, usage);
    const { key, label } = describeGenerator(project, ref);
    if (action === 'list') {
      const latents = listLatents(project, key);
      cli.print(out, latents.map(summary), latents.length ? latents.map(describeLatent).join('\n') : `no latents of ${label} yet; "latents … seeds 1,2,3" or "project-image" makes some`);
      return;
    }
    if (action === 'label') {
      const ids = numbers(cli, rest[0], 'IDS', 'a latent id', usage);
      const { key: labelKey, value } = parseLabel(rest[1], usage);
      const n = labelLatents(project, latentsOf(project, key, ids).map((l) => l.id), labelKey, value);
      cli.print(out, { labelled: n, key: labelKey, value }, `${n} latent${n === 1 ? '' : 's'} labelled ${labelKey}=${value}`);
      return;
    }
    const open = await openGenerator(project, values, usage);
    const { generator } = open;
    try {
      const store = (made: Parameters<typeof addLatents>[3]) => addLatents(project, key, generator.space, made.map((m) => ({ ...m, name: values.name ?? m.name ?? null })));
      const { mean, combine, truncate } = await import('./engine/latent/arithmetic');
      let made: StoredLatent[];
      if (action === 'seeds') {
        const seeds = numbers(cli, rest[0], 'SEEDS', 'a seed', usage);
        const vectors = await generator.fromSeeds(seeds);
        made = store(vectors.map((vector, i) => ({ vector, kind: 'sample', source: `seed ${seeds[i]}`, detail: { seed: seeds[i] } })));
      } else if (action === 'centroid') {
        const wanted = parseLabel(rest[0], usage);
        const members = labelMembers(project, key, wanted.key, wanted.value);
        made = store([{ vector: mean(members.map((m) => m.vector)), kind: 'centroid', source: `centroid of ${wanted.key}=${wanted.value} (${members.length})`, detail: { label: wanted, members: members.map((m) => m.id) } }]);
      } else if (action === 'mean' || action === 'add' || action === 'subtract') {
        const operands = latentsOf(project, key, numbers(cli, rest[0], 'IDS', 'a latent id', usage));
        if (action !== 'mean' && operands.length !== 2) throw new AppError('invalid_request', `${action} takes two latents, A,B (${action === 'add' ? 'A + B' : 'A − B'})`);
        const vector = action === 'mean' ? mean(operands.map((o) => o.vector)) : combine(operands.map((o) => o.vector), [1, action === 'add' ? 1 : -1]);
        const ids = operands.map((o) => `#${o.id}`);
        const source = action === 'mean' ? `mean of ${ids.join(', ')}` : ids.join(action === 'add' ? ' + ' : ' − ');
        made = store([{ vector, kind: 'arithmetic', source, detail: { operation: action, operands: operands.map((o) => o.id) } }]);
      } else if (action === 'truncate') {
        const [operand] = latentsOf(project, key, numbers(cli, rest[0], 'ID', 'a latent id', usage));
        const psi = Number(values.psi);
        if (values.psi === undefined || !Number.isFinite(psi) || psi < -2 || psi > 2) throw new AppError('invalid_request', '--psi is the truncation, from -2 to 2 (1 leaves the latent, 0 gives the average face)');
        made = store([{ vector: truncate(operand!.vector, await generator.average(), psi), kind: 'arithmetic', source: `#${operand!.id} truncated to ψ ${psi}`, detail: { operation: 'truncate', operands: [operand!.id], psi } }]);
      } else if (action === 'draw') {
        if (!values.out) throw new AppError('invalid_request', 'draw needs --out FILE.png');
        const latents = latentsOf(project, key, numbers(cli, rest[0], 'IDS', 'a latent id', usage));
        const file = resolve(values.out);
        const { width, height } = await drawStrip(generator, latents.map((l) => l.vector), file);
        cli.print(out, { file, width, height, latents: latents.map((l) => l.id), backend: open.backend }, `${latents.length} faces of ${label} in ${file}`);
        return;
      } else if (action === 'path') {
        // A path through keyframes, one picture per frame: the strip a blend video is made of.
        if (!values.out) throw new AppError('invalid_request', 'path needs --out FILE.png');
        const keys = latentsOf(project, key, numbers(cli, rest[0], 'IDS', 'a latent id', usage));
        if (keys.length < 2) throw new AppError('invalid_request', 'a path needs at least two latents, e.g. path 3,7,12');
        const frames = Number(values.frames ?? 12);
        const hold = Number(values.hold ?? 0);
        const easing = values.easing ?? 'linear';
        if (!Number.isInteger(frames) || frames < 2 || frames > 256) throw new AppError('invalid_request', '--frames is a whole number from 2 to 256');
        if (!Number.isInteger(hold) || hold < 0) throw new AppError('invalid_request', '--hold is a whole number of frames at each keyframe');
        if (easing !== 'linear' && easing !== 'smooth') throw new AppError('invalid_request', '--easing is linear or smooth');
        const { framePositions, latentAt } = await import('./engine/latent/keyframes');
        let positions;
        try {
          positions = framePositions(keys.length, { fps: 1, seconds: frames, easing, loop: !!values.loop, hold });
        } catch (err) {
          throw new AppError('invalid_request', `${(err as Error).message.replace(/ s /g, ' frames ')}`);
        }
        const file = resolve(values.out);
        const { width, height } = await drawStrip(generator, positions.map((at) => latentAt(keys.map((k) => k.vector), at, generator.space)), file);
        cli.print(out, { file, width, height, frames: positions.length, keyframes: keys.map((k) => k.id), loop: !!values.loop, backend: open.backend }, `${positions.length} frames through ${keys.length} keyframes${values.loop ? ', looping' : ''} (${generator.space === 'w' ? 'straight in W' : 'great circles in Z'}) in ${file}`);
        return;
      } else throw new AppError('invalid_request', `unknown action "${action}"; ${usage}`);
      cli.print(out, made.map(summary), made.map(describeLatent).join('\n'));
    } finally {
      generator.dispose();
    }
  });
}

export async function projectImageCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...GENERATOR_OPTIONS, image: { type: 'string' }, steps: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' }, 'feature-weight': { type: 'string' } },
  });
  const usage = 'usage: leporello project-image <project> (--network N | --run R [--at KIMG]) --image ID [--steps 300] [--feature-weight 1] [--name NAME] [--out COMPARISON.png] [--json]';
  if (!values.image) throw new AppError('invalid_request', usage);
  const steps = values.steps === undefined ? 300 : Number(values.steps);
  if (!Number.isInteger(steps) || steps < 1 || steps > 5000) throw new AppError('invalid_request', '--steps is a whole number of optimisation steps from 1 to 5000');
  const featureWeight = values['feature-weight'] === undefined ? 1 : Number(values['feature-weight']);
  if (!(featureWeight >= 0 && featureWeight <= 100)) throw new AppError('invalid_request', '--feature-weight weighs the face-descriptor distance, from 0 (left out) to 100');
  await withProject(cli, positionals[0], usage, async (studio) => {
    const project = studio.requireProject();
    const imageId = numbers(cli, values.image, '--image', 'an image id', usage)[0]!;
    const row = project.db
      .prepare(`SELECT i.status, coalesce(f.aligned_path, i.original_path) AS file FROM images i LEFT JOIN faces f ON f.image_id = i.id AND f.status = 'kept' WHERE i.id = ? ORDER BY f.position LIMIT 1`)
      .get(imageId) as { status: string; file: string | null } | undefined;
    if (!row) throw new AppError('not_found', `no image #${imageId} in project "${project.name}"`);
    if (row.status !== 'ok' || !row.file) throw new AppError('invalid_request', `image #${imageId} was not imported (${row.status}); it has no pixels to project`);
    const open = await openGenerator(project, values, usage);
    const { generator } = open;
    try {
      const { pictureTarget } = await import('./engine/latent/latent-images');
      const { packImage } = await import('./services/datasets/datasets');
      const { project: projectLatent } = await import('./engine/latent/projection');
      const { loadFaceFeatures } = await import('./engine/latent/face-features');
      const features = featureWeight > 0 ? await loadFaceFeatures() : null;
      const r = generator.resolution;
      // The aligned face where curation found one, centre-cropped to the generator's size.
      const file = join(project.dir, row.file);
      const pixels = await packImage(file, { resolution: r, fit: 'crop', channels: generator.channels } as Parameters<typeof packImage>[1]).catch((err: Error) => {
        throw new AppError('invalid_request', `cannot read image #${imageId} (${file}): ${err.message}. Re-import the picture, or exclude its face in Curate and project another.`);
      });
      const target = pictureTarget(pixels, r, generator.channels);
      const started = performance.now();
      let lastReport = 0;
      const result = await projectLatent(generator, target, {
        steps,
        learningRate: 0.05,
        perceptualWeight: 1,
        starts: 8,
        features,
        featureWeight,
        onProgress: (step, total, loss) => {
          // Progress on stderr, so that --json output stays one document.
          if (step === total || performance.now() - lastReport > 1000) {
            lastReport = performance.now();
            const elapsed = (performance.now() - started) / 1000;
            process.stderr.write(`projecting image #${imageId}: step ${step}/${total}, loss ${loss.toFixed(4)}, ${Math.round((elapsed / step) * (total - step))} s left\n`);
          }
        },
      });
      target.dispose();
      const seconds = (performance.now() - started) / 1000;
      const [stored] = addLatents(project, open.key, generator.space, [
        { vector: result.latent, kind: 'projected', source: `image #${imageId} projected`, name: values.name ?? null, imageId, detail: { steps: result.steps, mse: result.mse, msssim: result.msssim, featureDistance: result.featureDistance, seconds, loss: features ? `pixel MSE + (1 − multi-scale SSIM) + ${featureWeight} × face-descriptor distance²` : 'pixel MSE + (1 − multi-scale SSIM)' } },
      ]);
      let comparison: string | undefined;
      if (values.out) {
        comparison = resolve(values.out);
        await drawStrip(generator, [result.latent], comparison);
      }
      cli.print(
        out,
        { latent: summary(stored!), mse: result.mse, msssim: result.msssim, featureDistance: result.featureDistance, steps: result.steps, seconds, backend: open.backend, ...(comparison ? { file: comparison } : {}) },
        `image #${imageId} projected into ${open.label} (${generator.space.toUpperCase()}): latent #${stored!.id}, MS-SSIM ${result.msssim.toFixed(3)}, pixel MSE ${result.mse.toFixed(4)}${result.featureDistance === null ? '' : `, face-descriptor distance ${result.featureDistance.toFixed(3)}`}, ${result.steps} steps in ${seconds.toFixed(1)} s on ${open.backend}${comparison ? `; its drawing in ${comparison}` : ''}`,
      );
    } finally {
      generator.dispose();
    }
  });
}
