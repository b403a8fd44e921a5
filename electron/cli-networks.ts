// The command line for pretrained networks: import one of NVIDIA's pickles, list them, draw images
// by seed or from given latents, and the style-mixing figure. Generation runs here, in the CLI's
// process, on the best backend (or --backend).
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BackendPreference, type GeneratorRef, type Network } from '../shared/contract';
import { AppError } from '../shared/errors';
import type { Out } from './cli';
import { decodeNpy, encodeNpy } from './services/exchange/npy';
import { FILE_LIMITS, readUserFile } from './services/fs/user-file';
import { atomicWrite } from './formats/atomic-write';
import { gridFigure, styleMixFigure, writePng } from './engine/sample-images';
import { MANIFEST, WEIGHTS } from './formats/network-file';
import { findNetwork, importNetwork, listNetworks } from './services/networks/network-store';
import { resolveGenerator } from './services/networks/generator-sessions';
import { findRun, listCheckpoints } from './services/runs/run-store';
import type { Project } from './services/projects/project';
import { checkpointAt, describeAt, progressUnit } from '../shared/progress';
import type { Studio } from './services/studio';

export interface CliHelpers {
  print(out: Out, value: unknown, text: string): void;
  newStudio(): Studio;
  parseIdList(text: string, option?: string, what?: string): number[];
}

export async function withProject<T>(cli: CliHelpers, dir: string | undefined, usage: string, work: (studio: Studio) => Promise<T>): Promise<T> {
  if (!dir) throw new AppError('invalid_request', usage);
  const studio = cli.newStudio();
  await studio.openProject(dir);
  try {
    return await work(studio);
  } finally {
    await studio.closeProject();
  }
}

function describeNetwork(n: Network): string {
  return `#${n.id} ${n.name}: StyleGAN2 ${n.resolution} px, z ${n.zDim}, w ${n.wDim}${n.cDim ? `, ${n.cDim} classes` : ''} (${n.architecture}) from ${n.sourceFile}`;
}

export async function importNetworkCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' }, json: { type: 'boolean' } } });
  const usage = 'usage: leporello import-network <project> FILE.pkl [--name NAME]';
  if (!positionals[1]) throw new AppError('invalid_request', usage);
  await withProject(cli, positionals[0], usage, async (studio) => {
    const network = await importNetwork(studio.requireProject(), resolve(positionals[1]!), values.name);
    cli.print(out, network, `imported ${describeNetwork(network)}\n\nLicense: ${network.license}`);
  });
}

export async function networksCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  await withProject(cli, positionals[0], 'usage: leporello networks <project>', async (studio) => {
    const networks = listNetworks(studio.requireProject());
    cli.print(out, networks, networks.length ? networks.map(describeNetwork).join('\n') : 'no networks yet; import one with "leporello import-network"');
  });
}

/** The network in the studio's own format (network.json + float32 weights.bin): no pickle, no Python. */
export async function exportNetworkCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { network: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } } });
  const usage = 'usage: leporello export-network <project> --network N --out DIR';
  if (!values.network || !values.out) throw new AppError('invalid_request', usage);
  await withProject(cli, positionals[0], usage, async (studio) => {
    const project = studio.requireProject();
    const network = findNetwork(project, values.network!);
    const dir = resolve(values.out!);
    await mkdir(dir, { recursive: true });
    const files = [];
    for (const name of [MANIFEST, WEIGHTS]) {
      await copyFile(join(project.dir, network.path, name), join(dir, name));
      files.push(join(dir, name));
    }
    cli.print(out, { network: network.id, files, license: network.license }, `network "${network.name}" written to ${dir} (${MANIFEST}, ${WEIGHTS})\n\nLicense: ${network.license}`);
  });
}

/** Latents from a JSON array of arrays, or a 2-D .npy file. */
async function latentsFromFile(file: string): Promise<number[][]> {
  const bytes = await readUserFile(file, 'latents file (.json or .npy)', FILE_LIMITS.small);
  if (file.toLowerCase().endsWith('.npy')) {
    const { shape, data } = decodeNpy(bytes, file);
    const [rows, cols] = shape.length === 1 ? [1, shape[0]!] : shape;
    if (shape.length > 2 || rows === undefined || cols === undefined) throw new AppError('invalid_request', `${file} has shape (${shape.join(', ')}); give latents as (N, z_dim)`);
    return Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
  }
  const parsed = JSON.parse(bytes.toString('utf8')) as unknown;
  const rows = Array.isArray(parsed) && parsed.every((x) => typeof x === 'number') ? [parsed] : parsed;
  if (!Array.isArray(rows) || !rows.every((r) => Array.isArray(r) && r.every((x) => typeof x === 'number' && Number.isFinite(x)))) {
    throw new AppError('invalid_request', `${file} is not a JSON array of latents (arrays of numbers)`);
  }
  return rows as number[][];
}

function oneHot(k: number, classes: number): number[] {
  if (!Number.isInteger(k) || k < 0 || k >= classes) throw new AppError('invalid_request', `--class ${k}: this network has classes 0–${classes - 1}`);
  return Array.from({ length: classes }, (_, i) => (i === k ? 1 : 0));
}

/** `--network N`, or `--run R [--at KIMG]` for a fine-tuned run at one of its checkpoints (its last by default). */
export function generatorRef(project: Project, values: { network?: string; run?: string; at?: string }, usage: string): GeneratorRef {
  if (!!values.network === !!values.run) throw new AppError('invalid_request', usage);
  if (values.network) return { networkId: findNetwork(project, values.network).id };
  const run = findRun(project, values.run!);
  if (values.at === undefined) return { runId: run.id };
  const unit = progressUnit(run.options);
  const checkpoints = listCheckpoints(project, run.id);
  const at = Number(values.at);
  const c = checkpoints.find((x) => checkpointAt(unit, x) === at);
  if (!c) throw new AppError('not_found', `run "${run.name}" has no checkpoint at ${describeAt(unit, at)} (its checkpoints, in ${unit}: ${checkpoints.map((x) => checkpointAt(unit, x)).join(', ') || 'none'})`);
  return { runId: run.id, checkpointId: c.id };
}

async function samplerFor(studio: Studio, values: { network?: string; run?: string; at?: string; backend?: string }, usage: string) {
  const project = studio.requireProject();
  const ref = generatorRef(project, values, usage);
  const { source, describe } = resolveGenerator(project, ref);
  const { selectBackend } = await import('./engine/backends');
  const { StyleGan2Sampler, seedLatents } = await import('./engine/stylegan2-sampler');
  const { loadGenerator } = await import('./engine/sampler-host');
  const choice = await selectBackend(BackendPreference.exclude(['auto']).safeParse(values.backend).data ?? 'auto', 'sample');
  const { config, weights } = await loadGenerator(source);
  return { ref, label: describe.label, config, sampler: new StyleGan2Sampler(config, weights), seedLatents, backend: choice.name };
}

function numberOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new AppError('invalid_request', `${name} must be a number from ${min} to ${max}`);
  return n;
}

export async function generateCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      network: { type: 'string' },
      run: { type: 'string' },
      at: { type: 'string' },
      seeds: { type: 'string' },
      z: { type: 'string' },
      class: { type: 'string' },
      c: { type: 'string' },
      trunc: { type: 'string' },
      'trunc-cutoff': { type: 'string' },
      noise: { type: 'string' },
      format: { type: 'string' },
      backend: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const usage = 'usage: leporello generate <project> (--network N | --run R [--at KIMG]) (--seeds 0-15 | --z FILE) [--trunc PSI] --out DIR';
  if (!values.out || (values.seeds === undefined) === (values.z === undefined)) throw new AppError('invalid_request', usage);
  const format = values.format ?? 'png';
  if (format !== 'png' && format !== 'npy') throw new AppError('invalid_request', '--format is png or npy');
  const noise = values.noise ?? 'const';
  if (noise !== 'const' && noise !== 'random' && noise !== 'none') throw new AppError('invalid_request', '--noise is const, random or none');
  await withProject(cli, positionals[0], usage, async (studio) => {
    const { ref, label: name, config, sampler, seedLatents, backend } = await samplerFor(studio, values, usage);
    try {
      const seeds = values.seeds !== undefined ? cli.parseIdList(values.seeds, '--seeds', 'a seed') : null;
      const z = seeds ? seedLatents(seeds, config.zDim) : await latentsFromFile(resolve(values.z!));
      const labels =
        config.cDim === 0
          ? undefined
          : values.c !== undefined
            ? await latentsFromFile(resolve(values.c))
            : values.class !== undefined
              ? z.map(() => oneHot(Number(values.class), config.cDim))
              : (() => {
                  throw new AppError('invalid_request', `network "${name}" is conditional on ${config.cDim} classes: give --class K or --c FILE`);
                })();
      const psi = numberOption(values.trunc, '--trunc', 1, -2, 2);
      const cutoff = values['trunc-cutoff'] === undefined ? null : numberOption(values['trunc-cutoff'], '--trunc-cutoff', 0, 0, 64);
      const generated = await sampler.generate(z, { psi, cutoff, noise, labels });
      const dir = resolve(values.out!);
      await mkdir(dir, { recursive: true });
      const files: string[] = [];
      const stem = (i: number) => (seeds ? `seed${String(seeds[i]).padStart(4, '0')}` : `z${String(i).padStart(4, '0')}`);
      if (format === 'npy') {
        const r = config.resolution;
        const all = new Float32Array(generated.raw.length * config.channels * r * r);
        generated.raw.forEach((img, i) => all.set(img, i * img.length));
        const file = join(dir, `${name.replace(/[^\p{L}\p{N}_.-]+/gu, '-')}-${seeds ? `seeds-${values.seeds}` : 'z'}.npy`);
        await writeFile(file, encodeNpy(all, [generated.raw.length, config.channels, r, r]));
        files.push(file);
      } else {
        for (const [i, img] of generated.images.entries()) {
          const file = join(dir, `${stem(i)}.png`);
          await writePng(file, img, config.resolution, config.channels);
          files.push(file);
        }
      }
      cli.print(out, { source: ref, backend, seeds, psi, cutoff, noise, files }, `${z.length} images from "${name}" (ψ ${psi}, ${backend}) in ${dir}`);
    } finally {
      sampler.dispose();
    }
  });
}

export async function styleMixCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { network: { type: 'string' }, run: { type: 'string' }, at: { type: 'string' }, rows: { type: 'string' }, cols: { type: 'string' }, styles: { type: 'string' }, trunc: { type: 'string' }, class: { type: 'string' }, backend: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  });
  const usage = 'usage: leporello style-mix <project> (--network N | --run R [--at KIMG]) --rows 85,100 --cols 55,821 [--styles 0-6] [--trunc PSI] [--class K] --out FILE.png';
  if (!values.rows || !values.cols || !values.out) throw new AppError('invalid_request', usage);
  await withProject(cli, positionals[0], usage, async (studio) => {
    const { ref, label: name, config, sampler, seedLatents, backend } = await samplerFor(studio, values, usage);
    try {
      const rowSeeds = cli.parseIdList(values.rows!, '--rows', 'a seed');
      const colSeeds = cli.parseIdList(values.cols!, '--cols', 'a seed');
      const styles = cli.parseIdList(values.styles ?? '0-6', '--styles', 'a style layer');
      const psi = numberOption(values.trunc, '--trunc', 1, -2, 2);
      const label = config.cDim ? oneHot(Number(values.class ?? 0), config.cDim) : undefined;
      const { width, height, png } = await styleMixFigure(sampler, seedLatents(rowSeeds, config.zDim), seedLatents(colSeeds, config.zDim), styles, { psi, ...(label ? { label } : {}) });
      const file = resolve(values.out!);
      await mkdir(dirname(file), { recursive: true });
      await atomicWrite(file, png);
      cli.print(out, { source: ref, backend, rows: rowSeeds, cols: colSeeds, styles, psi, file, width, height }, `style mixing of "${name}" (${rowSeeds.length} × ${colSeeds.length}, styles ${values.styles ?? '0-6'}) in ${file}`);
    } finally {
      sampler.dispose();
    }
  });
}

/** The faces between two seeds, side by side: a straight line in W, or the great circle in Z. */
export async function interpolateCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      network: { type: 'string' }, run: { type: 'string' }, at: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, steps: { type: 'string' },
      space: { type: 'string' }, easing: { type: 'string' }, trunc: { type: 'string' }, class: { type: 'string' }, backend: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' },
    },
  });
  const usage = 'usage: leporello interpolate <project> (--network N | --run R [--at KIMG]) --from SEED --to SEED [--steps 9] [--space w|z] [--easing linear|smooth] [--trunc PSI] --out FILE.png';
  if (values.from === undefined || values.to === undefined || !values.out) throw new AppError('invalid_request', usage);
  const space = values.space ?? 'w';
  if (space !== 'w' && space !== 'z') throw new AppError('invalid_request', '--space is w (a straight line between the faces\' W) or z (the great circle between their latents)');
  const easing = values.easing ?? 'linear';
  if (easing !== 'linear' && easing !== 'smooth') throw new AppError('invalid_request', '--easing is linear or smooth');
  await withProject(cli, positionals[0], usage, async (studio) => {
    const { ref, label: name, config, sampler, seedLatents, backend } = await samplerFor(studio, values, usage);
    try {
      const from = numberOption(values.from, '--from', 0, 0, 2 ** 32 - 1);
      const to = numberOption(values.to, '--to', 0, 0, 2 ** 32 - 1);
      const steps = numberOption(values.steps, '--steps', 9, 2, 256);
      const psi = numberOption(values.trunc, '--trunc', 1, -2, 2);
      const label = config.cDim ? oneHot(Number(values.class ?? 0), config.cDim) : undefined;
      const { pathPositions } = await import('./engine/latent/interpolate');
      const [a, b] = seedLatents([from, to], config.zDim);
      const path = await sampler.interpolate(a!, b!, pathPositions(Math.round(steps), easing), space, { psi, ...(label ? { label } : {}) });
      const { width, height, png } = await gridFigure([path.images], config.resolution, config.channels);
      const file = resolve(values.out!);
      await mkdir(dirname(file), { recursive: true });
      await atomicWrite(file, png);
      cli.print(out, { source: ref, backend, from, to, steps, space, easing, psi, file, width, height }, `${steps} faces from seed ${from} to seed ${to} of "${name}" (${space === 'w' ? 'straight in W' : 'great circle in Z'}) in ${file}`);
    } finally {
      sampler.dispose();
    }
  });
}
