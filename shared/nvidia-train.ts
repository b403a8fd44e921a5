// The command line for NVIDIA's multi-GPU trainer (stylegan2-ada-pytorch's train.py) that trains
// what Leporello's launcher would train here, for a collection that outgrows one GPU: the dataset
// archive, the launcher's settings, and — to fine-tune — the network exported for NVIDIA's tools.
// train.py builds its networks from a base configuration (--cfg) and copies a resumed pickle's
// weights into them by name, so the configuration must give the network's exact shape; where none
// does, that is said rather than a command that would fail on the cluster.

/** What train.py's networks are made of, as far as resuming needs them to agree. */
export interface NetworkShape {
  resolution: number;
  zDim: number;
  wDim: number;
  cDim: number;
  channelBase: number;
  channelMax: number;
  mappingLayers: number;
  mbstdGroupSize: number;
  gArchitecture: string;
  dArchitecture: string;
}

export interface ClusterTrainSettings {
  /** The dataset archive's file name, as it will lie beside the command on the cluster. */
  archive: string;
  resolution: number;
  /** Classes in the archive (0: unlabelled; null: not known yet, and not checked). */
  classes: number | null;
  mirror: boolean;
  gpus: number;
  kimg: number;
  /** Images per step over all GPUs; the configuration's own when absent. */
  batch?: number;
  gamma?: number;
  augment: 'ada' | 'none';
  adaTarget?: number;
  freezeD?: number;
  seed: number;
  /** A snapshot (network-snapshot-*.pkl) every this many kimg; train.py counts in ticks of 4 kimg. */
  snapshotKimg: number;
  /** The network to fine-tune: its exported pickle's file name and its shape. */
  resume?: { file: string; shape: NetworkShape };
}

export interface ClusterTrainCommand {
  cfg: string;
  argv: string[];
  /** One line to paste into a shell. */
  command: string;
  /** What else to know: a rounded snapshot interval, the batch each GPU holds. */
  notes: string[];
}

const KIMG_PER_TICK = 4;

/** The networks each of train.py's base configurations builds at a resolution on a number of GPUs. */
function cfgShape(cfg: string, resolution: number, gpus: number): { channelBase: number; mappingLayers: number; mbstd: number; batch: number } {
  const fixed: Record<string, [number, number, number, number]> = {
    stylegan2: [1, 8, 4, 32],
    paper256: [0.5, 8, 8, 64],
    paper512: [1, 8, 8, 64],
    paper1024: [1, 8, 4, 32],
  };
  if (cfg !== 'auto') {
    const [fmaps, map, mbstd, mb] = fixed[cfg]!;
    return { channelBase: fmaps * 32768, mappingLayers: map, mbstd, batch: mb };
  }
  const mb = Math.max(Math.min(gpus * Math.min(Math.floor(4096 / resolution), 32), 64), gpus);
  return { channelBase: resolution >= 512 ? 32768 : 16384, mappingLayers: 2, mbstd: Math.min(Math.floor(mb / gpus), 4), batch: mb };
}

export class ClusterCommandError extends Error {}

const quote = (s: string) => (/^[\w./=:,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function nvidiaTrainCommand(s: ClusterTrainSettings): ClusterTrainCommand {
  if (!(s.gpus >= 1 && (s.gpus & (s.gpus - 1)) === 0)) throw new ClusterCommandError(`train.py runs on a power of two of GPUs, not ${s.gpus}`);
  if (s.batch !== undefined && s.batch % s.gpus !== 0) throw new ClusterCommandError(`a batch of ${s.batch} does not divide among ${s.gpus} GPUs`);
  const cfgs = ['auto', 'stylegan2', 'paper256', 'paper512', 'paper1024'];
  let cfg = 'auto';
  if (s.resume) {
    const n = s.resume.shape;
    const why: string[] = [];
    if (n.resolution !== s.resolution) why.push(`it draws ${n.resolution} px images and the dataset is ${s.resolution} px`);
    if (n.zDim !== 512 || n.wDim !== 512) why.push(`its latents are ${n.zDim}/${n.wDim}-dimensional (train.py builds 512/512)`);
    if (n.channelMax !== 512) why.push(`its channel maximum is ${n.channelMax} (train.py builds 512)`);
    if (n.gArchitecture !== 'skip' || n.dArchitecture !== 'resnet')
      why.push(`its architecture is ${n.gArchitecture}/${n.dArchitecture} (train.py builds skip/resnet)`);
    if (n.cDim > 0 && s.classes !== null && n.cDim !== s.classes)
      why.push(`it is conditional on ${n.cDim} classes and the archive has ${s.classes || 'no'} classes`);
    const match = cfgs.find((c) => {
      const shape = cfgShape(c, s.resolution, s.gpus);
      return shape.channelBase === n.channelBase && shape.mappingLayers === n.mappingLayers && shape.mbstd === n.mbstdGroupSize;
    });
    if (!match)
      why.push(
        `no --cfg builds its channel base ${n.channelBase}, ${n.mappingLayers} mapping layers and groups of ${n.mbstdGroupSize} (` +
          cfgs
            .map(
              (c) =>
                `${c}: ${Object.values(cfgShape(c, s.resolution, s.gpus))
                  .slice(0, 3)
                  .join('/')}`,
            )
            .join(', ') +
          ')',
      );
    if (why.length) throw new ClusterCommandError(`NVIDIA's train.py cannot resume from this network: ${why.join('; ')}`);
    cfg = match!;
  }
  const snap = Math.max(1, Math.round(s.snapshotKimg / KIMG_PER_TICK));
  const argv = [
    'python',
    'train.py',
    '--outdir=training-runs',
    `--data=${s.archive}`,
    `--gpus=${s.gpus}`,
    `--cfg=${cfg}`,
    `--kimg=${Math.max(1, Math.round(s.kimg))}`,
    `--snap=${snap}`,
    `--seed=${s.seed}`,
    `--mirror=${s.mirror ? 1 : 0}`,
    ...((s.classes ?? 0) > 0 && (!s.resume || s.resume.shape.cDim > 0) ? ['--cond=1'] : []),
    ...(s.batch !== undefined ? [`--batch=${s.batch}`] : []),
    ...(s.gamma !== undefined ? [`--gamma=${s.gamma}`] : []),
    `--aug=${s.augment === 'ada' ? 'ada' : 'noaug'}`,
    ...(s.augment === 'ada' && s.adaTarget !== undefined ? [`--target=${s.adaTarget}`] : []),
    ...(s.resume ? [`--resume=${s.resume.file}`] : []),
    ...(s.freezeD ? [`--freezed=${s.freezeD}`] : []),
    '--metrics=none',
  ];
  const batch = s.batch ?? cfgShape(cfg, s.resolution, s.gpus).batch;
  const notes = [
    `${batch} images per step, ${batch / s.gpus} on each of ${s.gpus} GPU${s.gpus > 1 ? 's' : ''}.`,
    `A snapshot every ${snap * KIMG_PER_TICK} kimg${snap * KIMG_PER_TICK !== s.snapshotKimg ? ` (train.py counts in ticks of ${KIMG_PER_TICK} kimg; ${s.snapshotKimg} asked)` : ''}.`,
    'Metrics are off (--metrics=none): Leporello measures the snapshots when the run is brought back with "Import a run trained elsewhere…".',
  ];
  return { cfg, argv, command: argv.map(quote).join(' '), notes };
}
