import { join, resolve } from 'node:path';
import { GenerateSeedsRequest } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { decodeNpy } from '../formats/npy';
import { FILE_LIMITS, readUserFile } from '../services/fs/user-file';
import type { Command } from './command';
import { BACKEND_FLAG, describeGeneratorOf, drawWith, oneHot } from './draw-with-generator';
import { GENERATOR_FLAGS, GENERATOR_HELP, GENERATOR_USAGE, generatorRef } from './generator-ref';
import { print } from './output';
import { flagsOf, helpLines, parseOptions, validated } from './options';
import { OUT_FLAGS, refuseExisting } from './run-job';
import { withProject } from './session';

/** The studio's request, with the command line's larger batches (a script may draw thousands). */
const schema = GenerateSeedsRequest.extend({ seeds: GenerateSeedsRequest.shape.seeds.max(100_000).optional() }).omit({ source: true });
const FLAGS = flagsOf(schema);
/** NVIDIA's generate.py names, kept. */
const ALIASES = { trunc: 'psi', 'trunc-cutoff': 'cutoff', class: 'class-index' };

/** Latents from a JSON array of arrays, or a 2-D .npy file. */
async function latentsFromFile(file: string): Promise<number[][]> {
  const bytes = await readUserFile(file, 'latents file (.json or .npy)', FILE_LIMITS.small);
  if (file.toLowerCase().endsWith('.npy')) {
    const { shape, data } = decodeNpy(bytes, file);
    const [rows, cols] = shape.length === 1 ? [1, shape[0]!] : shape;
    if (shape.length > 2 || rows === undefined || cols === undefined)
      throw new AppError('invalid_request', `${file} has shape (${shape.join(', ')}); give latents as (N, z_dim)`);
    return Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    parsed = null;
  }
  const rows = Array.isArray(parsed) && parsed.every((x) => typeof x === 'number') ? [parsed] : parsed;
  if (!Array.isArray(rows) || !rows.every((r) => Array.isArray(r) && r.every((x) => typeof x === 'number' && Number.isFinite(x)))) {
    throw new AppError('invalid_request', `${file} is not a JSON array of latents (arrays of numbers)`);
  }
  return rows as number[][];
}

export const generate: Command = {
  name: 'generate',
  usage: `<project> ${GENERATOR_USAGE} (--seeds 0-15 | --z FILE.json|FILE.npy) [--psi X] [--class-index K | --c FILE.json] [--format png|npy] --out DIR`,
  summary:
    "images from a network or a fine-tuned StyleGAN2 run; seed N draws the same z as NVIDIA's generate.py (numpy RandomState(N).randn); npy keeps the raw float output (NCHW)",
  options: () => [
    ...GENERATOR_HELP,
    '  --z FILE\n      Latents instead of seeds: a JSON array of arrays, or a (N, z_dim) .npy file.',
    "  --c FILE\n      A conditional network's labels, one per latent (JSON or .npy).",
    '  --format png|npy\n      PNGs, or the raw float output of all images as one .npy (default png).',
    '  --backend B\n      Where to compute (auto by default).',
    '  --out DIR\n      The folder to write the pictures into.',
    ...helpLines(FLAGS, ALIASES),
  ],
  async run(args, out) {
    const { positionals, values, fields } = parseOptions(
      args,
      FLAGS,
      { ...GENERATOR_FLAGS, ...BACKEND_FLAG, z: { type: 'string' }, c: { type: 'string' }, format: { type: 'string' }, ...OUT_FLAGS },
      ALIASES,
    );
    const usage = `usage: leporello generate ${this.usage}`;
    if (!values.out || (fields.seeds === undefined) === (values.z === undefined)) throw new AppError('invalid_request', usage);
    const format = (values.format as string | undefined) ?? 'png';
    if (format !== 'png' && format !== 'npy') throw new AppError('invalid_request', '--format is png or npy');
    const request = validated(schema, fields);
    await withProject(positionals[0], usage, async (studio, project) => {
      const ref = generatorRef(project, values, usage);
      const { label: name, cDim } = describeGeneratorOf(project, ref);
      const seeds = request.seeds ?? null;
      const z = seeds ? null : await latentsFromFile(resolve(values.z as string));
      const count = seeds?.length ?? z!.length;
      let labels: { each: number[][] } | { every: number[] } | null = null;
      if (cDim > 0) {
        if (values.c !== undefined) labels = { each: await latentsFromFile(resolve(values.c as string)) };
        else if (request.classIndex !== undefined) labels = { every: oneHot(request.classIndex, cDim) };
        else throw new AppError('invalid_request', `network "${name}" is conditional on ${cDim} classes: give --class K or --c FILE`);
      }
      const dir = resolve(values.out as string);
      const npyName = `${name.replace(/[^\p{L}\p{N}_.-]+/gu, '-')}-${seeds ? `seeds-${seeds.length === 1 ? seeds[0] : `${seeds[0]}-${seeds.at(-1)}`}` : 'z'}.npy`;
      const stem = (i: number) => (seeds ? `seed${String(seeds[i]).padStart(4, '0')}` : `z${String(i).padStart(4, '0')}`);
      refuseExisting(format === 'npy' ? [join(dir, npyName)] : Array.from({ length: count }, (_, i) => join(dir, `${stem(i)}.png`)), values.force);
      const result = await drawWith(studio, ref, values.backend, {
        kind: 'seeds',
        latents: seeds ? { seeds } : { z: z! },
        psi: request.psi,
        cutoff: request.cutoff,
        noise: request.noise,
        labels,
        outDir: dir,
        prefix: '',
        format,
        npyName,
      });
      print(
        out,
        { source: ref, backend: result.backend, seeds, psi: request.psi, cutoff: request.cutoff, noise: request.noise, files: result.files },
        `${count} images from "${name}" (ψ ${request.psi}, ${result.backend}) in ${dir}`,
      );
    });
  },
};
