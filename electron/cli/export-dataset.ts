import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { atomicWrite } from '../formats/atomic-write';
import { findCollectionByName } from '../services/collections';
import { clusterCommand, trainScript } from '../services/exchange/cluster-run';
import { exportNetworkPickle } from '../services/exchange/network-export';
import { findNetwork } from '../services/networks/network-store';
import { exportStyleganArchive } from '../services/exchange/stylegan-archive';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';
import { OUT_FLAGS, refuseExisting } from './run-job';
import { withProject } from './session';

const USAGE =
  'usage: leporello export-dataset <project> --collection NAME --resolution R [--label-key KEY] --out FILE.zip [--train-command [--gpus 8] --kimg K [--network N] [--mirror] [--batch B] [--gamma G] [--ada-target T] [--freezed K] [--snap-kimg K] [--seed S]]';

const number = (v: unknown, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new AppError('invalid_request', `${flag} takes a number, not "${String(v)}"`);
  return n;
};

export const exportDataset: Command = {
  name: 'export-dataset',
  usage:
    '<project> --collection NAME --resolution R [--label-key KEY] --out FILE.zip [--train-command --kimg K [--gpus 8] [--network N] [--mirror] [--gamma G] …]',
  summary:
    "a StyleGAN2-ADA dataset archive (PNGs + dataset.json, the label KEY's values as integer classes); --train-command also writes train.sh beside it, the command for NVIDIA's multi-GPU train.py (and the network to resume from, as a pickle)",
  options: () => [
    '  --train-command\n      Also write train.sh beside the archive: the train.py command, and what to copy to the cluster.',
    '  --gpus N\n      GPUs on the cluster, a power of two (default 8).',
    '  --kimg K\n      How long to train, in thousands of images.',
    '  --network N\n      Fine-tune this imported network: it is written beside the archive as N.pkl and train.py resumes from it.',
    '  --mirror\n      Let train.py add mirrored copies (x-flips).',
    '  --batch B, --gamma G, --ada-target T, --freezed K, --seed S\n      As in the launcher: images per step, R1 weight, ADA target, FreezeD layers, seed.',
    '  --snap-kimg K\n      A snapshot every K kimg (train.py rounds to its ticks of 4 kimg; default 50 ticks).',
  ],
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], {
      collection: { type: 'string' },
      resolution: { type: 'string' },
      'label-key': { type: 'string' },
      'train-command': { type: 'boolean' },
      gpus: { type: 'string' },
      kimg: { type: 'string' },
      network: { type: 'string' },
      mirror: { type: 'boolean' },
      batch: { type: 'string' },
      gamma: { type: 'string' },
      'ada-target': { type: 'string' },
      freezed: { type: 'string' },
      'snap-kimg': { type: 'string' },
      seed: { type: 'string' },
      ...OUT_FLAGS,
    });
    if (!positionals[0] || !values.collection || !values.resolution || !values.out) throw new AppError('invalid_request', USAGE);
    const file = resolve(values.out as string);
    const withCommand = values['train-command'] === true;
    if (withCommand && values.kimg === undefined) throw new AppError('invalid_request', `--train-command needs --kimg K; ${USAGE}`);
    refuseExisting([file, ...(withCommand ? [join(dirname(file), 'train.sh')] : [])], values.force);
    await withProject(positionals[0], USAGE, async (_, project) => {
      const collectionId = findCollectionByName(project, values.collection as string).id;
      const resolution = Number(values.resolution);
      const settings = withCommand
        ? {
            gpus: number(values.gpus, '--gpus') ?? 8,
            kimg: number(values.kimg, '--kimg')!,
            batch: number(values.batch, '--batch'),
            gamma: number(values.gamma, '--gamma'),
            augment: 'ada' as const,
            adaTarget: number(values['ada-target'], '--ada-target'),
            freezeD: number(values.freezed, '--freezed'),
            seed: number(values.seed, '--seed') ?? 1,
            snapshotKimg: number(values['snap-kimg'], '--snap-kimg') ?? 200,
            networkId: values.network === undefined ? undefined : findNetwork(project, values.network as string).id,
          }
        : null;
      const archive = (classes: number | null) => ({ file: basename(file), resolution, classes, mirror: values.mirror === true });
      // Worked out once before the archive, so that a network train.py cannot resume from is refused before minutes of PNG encoding.
      if (settings) await clusterCommand(project, archive(null), settings);
      const result = await exportStyleganArchive(project, { collectionId, resolution, labelKey: values['label-key'] as string | undefined, out: file });
      let text = `${result.file}: ${result.images} images at ${resolution} px${result.classes.length ? `, classes ${result.classes.map((c, i) => `${i} = ${c}`).join(', ')}` : ', no labels'}`;
      if (!settings) {
        print(out, result, text);
        return;
      }
      const command = await clusterCommand(project, archive(result.classes.length), settings);
      const files = [basename(file)];
      if (command.resumeFile) {
        const pkl = join(dirname(file), command.resumeFile);
        if (existsSync(pkl) && values.force !== true) throw new AppError('conflict', `${pkl} exists already: give another --out, or --force to replace it`);
        await exportNetworkPickle(project, { networkId: findNetwork(project, values.network as string).id }, pkl);
        files.push(command.resumeFile);
      }
      const script = join(dirname(file), 'train.sh');
      await atomicWrite(script, trainScript(command, files));
      text += `\n${script}: ${command.command}\n${command.notes.join('\n')}`;
      print(out, { ...result, trainScript: script, command: command.command, cfg: command.cfg, files }, text);
    });
  },
};
