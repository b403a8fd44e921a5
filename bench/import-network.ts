// Importing a large StyleGAN2 network pickle: time and peak memory of Leporello's import (read
// as data, checked, written in the studio's own format) against PyTorch unpickling the same file
// in the same run. NVIDIA's FFHQ files cannot be downloaded here, so the input is written by
// bench/make_network_pickle.py in their layout, with random weights: config E's width (channel base
// 16384) below 512 px, config F's (32768, as ffhq.pkl) from 512 px.
//   node --import tsx bench/import-network.ts [--resolutions 256,1024]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { expectedShapes, type StyleGan2Config } from '../electron/engine/models/stylegan2-networks';
import { runTorchReference } from './common';

const { values } = parseArgs({ options: { resolutions: { type: 'string', default: '256,1024' }, child: { type: 'string' } } });

if (values.child) {
  // In a process of its own, so that its peak memory is the import's alone.
  const { Project } = await import('../electron/services/projects/project');
  const { importNetwork } = await import('../electron/services/networks/network-store');
  const dir = mkdtempSync(join(tmpdir(), 'leporello-bench-'));
  const project = Project.create(join(dir, 'p'), 'bench');
  const started = performance.now();
  await importNetwork(project, values.child);
  console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
  project.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

function shapesFile(resolution: number, dir: string): string {
  const channelBase = resolution >= 512 ? 32768 : 16384;
  const config: StyleGan2Config = {
    resolution,
    channels: 3,
    zDim: 512,
    wDim: 512,
    cDim: 0,
    mappingLayers: 8,
    channelBase,
    channelMax: 512,
    gArchitecture: 'skip',
    dArchitecture: 'resnet',
    convClamp: 256,
    mbstdGroupSize: 4,
    mbstdChannels: 1,
    cmapDim: 0,
    dMappingLayers: 8,
    mappingLrMultiplier: 0.01,
    wAvgBeta: 0.995,
  };
  const synthesis = { channel_base: channelBase, channel_max: 512, conv_clamp: 256, architecture: 'skip' };
  const spec = {
    kwargs: {
      G: { z_dim: 512, c_dim: 0, w_dim: 512, img_resolution: resolution, img_channels: 3, mapping_kwargs: { num_layers: 8 }, synthesis_kwargs: synthesis },
      D: {
        c_dim: 0,
        img_resolution: resolution,
        img_channels: 3,
        architecture: 'resnet',
        channel_base: channelBase,
        channel_max: 512,
        conv_clamp: 256,
        epilogue_kwargs: { mbstd_group_size: 4 },
      },
    },
    shapes: { G: Object.fromEntries(expectedShapes(config, 'G')), D: Object.fromEntries(expectedShapes(config, 'D')) },
  };
  const file = join(dir, `shapes-${resolution}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

const rows: string[] = [];
const work = mkdtempSync(join(tmpdir(), 'leporello-pickles-'));
try {
  for (const resolution of values.resolutions!.split(',').map(Number)) {
    const pkl = join(work, `sg2-${resolution}.pkl`);
    const made = runTorchReference<unknown>('make_network_pickle.py', [shapesFile(resolution, work), pkl]);
    if (typeof made === 'string') {
      console.log(`cannot write the input pickle: python3-torch ${made}`);
      process.exit(1);
    }
    const torch = runTorchReference<{ seconds: number; maxRssMB: number }>('make_network_pickle.py', ['--load', pkl]);
    const ours = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', pkl], { encoding: 'utf8' });
    if (ours.status !== 0) throw new Error(ours.stderr);
    const mine = JSON.parse(ours.stdout.trim().split('\n').at(-1)!) as { seconds: number; maxRssMB: number };
    const sizeMB = statSync(pkl).size / 2 ** 20;
    const ref = typeof torch === 'string' ? null : torch.result;
    rows.push(
      `| ${resolution} | ${sizeMB.toFixed(0)} | ${mine.seconds.toFixed(2)} | ${mine.maxRssMB.toFixed(0)} (${(mine.maxRssMB / sizeMB).toFixed(2)}× the file) | ${ref ? `${ref.seconds.toFixed(2)} | ${ref.maxRssMB.toFixed(0)}` : '– | –'} |`,
    );
    rmSync(pkl, { force: true });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log('| resolution | pickle (MiB) | Leporello import (s) | Leporello peak RSS (MiB) | torch pickle.load (s) | torch peak RSS (MiB) |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
