// Render speed: blend-video frames per second at 64 px (the studio's default StyleGAN2) and 256 px
// (the paper256 width of an FFHQ fine-tune) on the best backend here, with ffmpeg's H.264
// encoding included, against drawing alone and encoding alone measured in the same run (encoding
// should never be the bottleneck: ffmpeg encodes while the next batch is drawn), each the mean of
// --repeats renders; at 256 px against PyTorch generating the same network in the same run
// (bench/stylegan2_torch.py, defaults and denormals flushed, the faster); and the time to export
// a 46-panel leporello of 15×21 cm (target: under 30 s).
//   node --import tsx bench/render.ts [--backend auto] [--frames64 640] [--frames256 320] [--repeats 3] [--torch-batch N]
// The defaults render 20 batches of the video's size after 3 warm-up batches, as the rules ask of
// every timing (bench/README.md); fewer frames are printed as a quick look, not a measurement.
// --torch-batch: PyTorch's batch at 256 px (default the video's, 16). Its 2 settings × 3 repetitions of
// 23 batches of 16 take about 30 minutes on 2 cores; a smaller batch times the same network sooner.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend, type BackendName } from '../electron/engine/backends';
import { drawBatch, drawInBatches } from '../electron/engine/latent/latent-images';
import { framePositions, latentAt } from '../shared/latent/keyframes';
import { modelLatentGenerator } from '../electron/engine/latent/latent-generator';
import { defaultModelConfig } from '../electron/engine/models/registry';
import { buildStyleGan2 } from '../electron/engine/models/stylegan2';
import { Rng } from '../electron/engine/nn/rng';
import { videoBatchSize } from '../electron/engine/jobs/render-video';
import { renderLeporello, type PanelContent } from '../electron/engine/render/leporello-pdf';
import { pictureFromBytes } from '../electron/engine/render/pictures';
import { renderVideo } from '../electron/engine/render/video-encoder';
import { locateFfmpeg } from '../electron/services/ffmpeg';
import { MIN_WARMUP, mean, methodLine, runTorchReference, spread, useSwiftShaderWithoutGpu } from './common';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'auto' },
    frames64: { type: 'string', default: '640' },
    frames256: { type: 'string', default: '320' },
    repeats: { type: 'string', default: '3' },
    'torch-batch': { type: 'string' },
  },
});
const repeats = Number(values.repeats);
useSwiftShaderWithoutGpu();
const choice = await selectBackend(values.backend as BackendName | 'auto', 'train');
const dir = mkdtempSync(join(tmpdir(), 'leporello-bench-render-'));
const ffmpeg =
  locateFfmpeg().path ??
  (() => {
    throw new Error(locateFfmpeg().message);
  })();

async function* fromMemory(batches: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const b of batches) yield b;
}

const PAPER256 = { zDim: 512, wDim: 512, mappingLayers: 8, channelBase: 16384, channelMax: 512 };
const threads = availableParallelism();
/** PyTorch generating the paper256 network at 256 px in batches of the video's size, the faster of its two settings. */
function torchGeneration(batch: number): { label: string; rate: number[] } | string {
  let best: { label: string; rate: number[] } | string = 'not run';
  for (const flush of [false, true]) {
    const r = runTorchReference<{ generate_img_s: number[] }>('stylegan2_torch.py', [
      String(threads),
      '3',
      '20',
      String(batch),
      '256',
      String(repeats),
      flush ? '1' : '0',
      '0',
    ]);
    if (typeof r === 'string') return r;
    if (typeof best === 'string' || mean(r.result.generate_img_s) > mean(best.rate))
      best = { label: `PyTorch ${r.version}, ${threads} threads, ${flush ? 'denormals flushed' : 'defaults'}, batch ${batch}`, rate: r.result.generate_img_s };
  }
  return best;
}

const rows: string[] = [];
/** Batches each resolution's renders drew, for the method line. */
const timedBatches: number[] = [];
let frames256: Uint8Array[] = [];
let torch256: ReturnType<typeof torchGeneration> = 'not run';
let video256: number[] = [];
for (const [resolution, frames] of [
  [64, Number(values.frames64)],
  [256, Number(values.frames256)],
] as const) {
  // At 64 px the StyleGAN2 the studio trains at that size; at 256 px the paper256 width an FFHQ
  // fine-tune has. Drawn in Z along a two-seed path.
  const spec = defaultModelConfig('stylegan2', resolution, 3, { augment: 'none', batchSize: 8, ...(resolution === 256 ? { network: PAPER256 } : {}) });
  if (spec.arch !== 'stylegan2') throw new Error('unreachable');
  const generator = modelLatentGenerator(buildStyleGan2(spec.config, new Rng(1)));
  const keys = await generator.fromSeeds([1, 2]);
  const latents = framePositions(2, { fps: 30, seconds: frames / 30, easing: 'smooth', loop: false, hold: 0 }).map((at) => latentAt(keys, at, 'z'));
  const batch = videoBatchSize(resolution);
  for (let w = 0; w < MIN_WARMUP; w++) await drawBatch(generator, latents.slice(0, batch)); // warm-up: kernels compiled, heap grown
  timedBatches.push(Math.floor(frames / batch));
  const format = { frameSize: resolution, channels: 3 as const, fps: 30, size: resolution, prores: false };

  const draw: number[] = [];
  const encode: number[] = [];
  const full: number[] = [];
  for (let r = 0; r < repeats; r++) {
    let t = performance.now();
    const drawn: Uint8Array[] = [];
    for await (const b of drawInBatches(generator, latents, batch)) drawn.push(b);
    draw.push(frames / ((performance.now() - t) / 1000));
    t = performance.now();
    await renderVideo(join(dir, `encode-${resolution}.mp4`), fromMemory(drawn), frames, format, { ffmpeg });
    encode.push(frames / ((performance.now() - t) / 1000));
    t = performance.now();
    await renderVideo(join(dir, `full-${resolution}.mp4`), drawInBatches(generator, latents, batch), frames, format, { ffmpeg });
    full.push(frames / ((performance.now() - t) / 1000));
    if (resolution === 256) frames256 = drawn;
  }
  generator.dispose();
  if (resolution === 256) {
    video256 = full;
    torch256 = torchGeneration(values['torch-batch'] ? Number(values['torch-batch']) : batch);
  }
  rows.push(
    `| ${resolution} px | ${choice.name} | ${frames} | ${batch} | ${spread(draw)} | ${spread(encode)} | **${spread(full)}** | ${((mean(draw) / mean(full)) * 100).toFixed(0)} % |`,
  );
}
console.log(
  `\nBlend video, StyleGAN2 (64 px: the studio default config; 256 px: paper256 width), H.264 CRF 16 "medium", on this machine; ${repeats} renders each (mean, min–max): ${methodLine(MIN_WARMUP, Math.min(...timedBatches), repeats).replace(/steps/g, 'batches')}\n`,
);
console.log(
  '| resolution | backend | frames rendered | batch | drawing alone (fps) | encoding alone (fps) | drawn + encoded (fps) | full time / drawing time |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
if (typeof torch256 === 'string') console.log(`\nPyTorch reference at 256 px: ${torch256}`);
else
  console.log(
    `\n256 px video drawn + encoded: ${spread(video256)} fps against ${torch256.label} generating the same network: ${spread(torch256.rate, 2)} img/s (${methodLine(3, 20, repeats).replace(', the same on both sides', '')}) — ${(mean(video256) / mean(torch256.rate)).toFixed(2)}×`,
  );

// A 46-panel book: real portraits (their own JPEGs) on the recto, 256 px frames on the verso (1×3).
const portraits = join(import.meta.dirname, '..', '..', 'shared', 'data', 'portraits600');
const { readdirSync } = await import('node:fs');
const files = readdirSync(portraits)
  .filter((f) => f.endsWith('.jpg'))
  .slice(0, 46);
const t0 = performance.now();
const recto: PanelContent[] = [];
for (const f of files) recto.push({ pictures: [await pictureFromBytes(await readFile(join(portraits, f)), f)], columns: 1, rows: 1, caption: f });
const framePngs = await Promise.all(
  frames256
    .flatMap((batch) => Array.from({ length: batch.length / (256 * 256 * 3) }, (_, i) => batch.subarray(i * 256 * 256 * 3, (i + 1) * 256 * 256 * 3)))
    .map(async (raw) => {
      const sharp = (await import('sharp')).default;
      return {
        bytes: await sharp(raw, { raw: { width: 256, height: 256, channels: 3 } })
          .png()
          .toBuffer(),
        format: 'png' as const,
        width: 256,
        height: 256,
      };
    }),
);
const verso: PanelContent[] = Array.from({ length: 46 }, (_, p) => ({
  pictures: [0, 1, 2].map((k) => framePngs[(p * 3 + k) % framePngs.length]!),
  columns: 1,
  rows: 3,
  caption: `frame ${p * 3 + 1}`,
}));
const prepared = (performance.now() - t0) / 1000;
const t1 = performance.now();
const { pdf, result } = await renderLeporello(
  { panels: 46, panelWidthMm: 150, panelHeightMm: 210, bleedMm: 3, marginMm: 10, sheet: 'strip', background: [255, 255, 255], title: 'bench' },
  recto,
  verso,
);
writeFileSync(join(dir, 'book.pdf'), pdf);
const layoutSeconds = (performance.now() - t1) / 1000;
console.log('\nLeporello export, 46 panels of 15×21 cm (6.9 m), strip sheets\n');
console.log('| pictures | reading and preparing them (s) | laying out and writing the PDF (s) | total (s) | PDF size | pages |');
console.log('|---:|---:|---:|---:|---:|---:|');
console.log(
  `| ${files.length} portraits + 138 frames | ${prepared.toFixed(2)} | ${layoutSeconds.toFixed(2)} | **${(prepared + layoutSeconds).toFixed(2)}** | ${(statSync(join(dir, 'book.pdf')).size / 1e6).toFixed(1)} MB | ${result.pages} |`,
);
rmSync(dir, { recursive: true, force: true });
