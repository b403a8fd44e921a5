// The training memory estimate against the wasm heap peaks bench/stylegan2.ts and
// bench/training-memory.ts measured, for every family, and the refusal of a run that cannot fit,
// before its first step, with what would.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultModelConfig, type Arch } from '../../electron/engine/models/registry';
import { totalmem } from 'node:os';
import { checkTrainingFits, largestBatch, trainingBytes, trainingMemory, WASM_TRAINING_LIMIT } from '../../electron/engine/train/memory-limit';

const largestWasmBatch = (spec: Parameters<typeof largestBatch>[0]) => largestBatch(spec, WASM_TRAINING_LIMIT);

const paper256 = (resolution: number) =>
  defaultModelConfig('stylegan2', resolution, 3, {
    network: { zDim: 512, wDim: 512, mappingLayers: 8, channelBase: 16384, channelMax: 512 },
    augment: 'none',
    batchSize: 4,
  });

test('the estimate is within 5 % of the wasm heap measured at 64, 128 and 256 px', () => {
  const measuredMB: [number, number, number][] = [
    [64, 4, 2137],
    [128, 2, 2243],
    [128, 4, 3147],
    [256, 1, 2276],
  ];
  for (const [resolution, batch, mb] of measuredMB) {
    const estimate = trainingBytes(paper256(resolution), batch) / 2 ** 20;
    assert.ok(Math.abs(estimate - mb) / mb < 0.05, `${resolution} px batch ${batch}: ${estimate.toFixed(0)} MB estimated, ${mb} MB measured`);
  }
});

test('a StyleGAN2 run too large for wasm is refused with the batch that fits and the backends that can', () => {
  const spec = paper256(256);
  assert.equal(largestWasmBatch(spec), 2);
  assert.doesNotThrow(() => checkTrainingFits(spec, 2, 'wasm'));
  assert.throws(
    () => checkTrainingFits(spec, 8, 'wasm'),
    /StyleGAN2 at 256 px needs about [\d.]+ GB at batch 8 on the wasm backend, whose memory stops at 4 GB: train at batch 2 or less here, or on a GPU backend/,
  );
  assert.doesNotThrow(() => checkTrainingFits(spec, 8, 'webgpu'), 'a GPU backend has no 4 GB limit');
  assert.equal(trainingMemory(spec, 8, 'webgpu').limitBytes, null, "a GPU's memory is not known: the need is said, nothing refused");
});

test('the small families: the estimate is within 6 % of the wasm heap measured, and a batch too large is refused', () => {
  // Peaks of one D step and one G step on wasm at the studio's widths (bench/training-memory.ts).
  const measuredMB: [Arch, number, number, number][] = [
    ['dcgan', 64, 1, 152],
    ['dcgan', 64, 64, 744],
    ['dcgan', 64, 128, 1400],
    ['dcgan', 64, 256, 2573],
    ['dcgan', 128, 64, 2720],
    ['dcgan', 256, 8, 1614],
    ['progan', 64, 2, 358],
    ['progan', 64, 32, 2001],
    ['progan', 64, 64, 3743],
    ['progan', 128, 16, 3784],
    ['thesis', 64, 2, 83],
    ['thesis', 64, 64, 760],
    ['thesis', 128, 32, 1432],
  ];
  for (const [arch, resolution, batch, mb] of measuredMB) {
    const estimate = trainingBytes(defaultModelConfig(arch, resolution, 3, {}), batch) / 2 ** 20;
    assert.ok(Math.abs(estimate - mb) / mb < 0.06, `${arch} ${resolution} px batch ${batch}: ${estimate.toFixed(0)} MB estimated, ${mb} MB measured`);
  }
  // A DCGAN at 128 px fits wasm at batch 64 (measured 2720 MB), not at 128.
  const dcgan128 = defaultModelConfig('dcgan', 128, 3, {});
  assert.ok(largestWasmBatch(dcgan128) >= 64 && largestWasmBatch(dcgan128) < 128, String(largestWasmBatch(dcgan128)));
  assert.throws(
    () => checkTrainingFits(dcgan128, 128, 'wasm'),
    new RegExp(
      `DCGAN at 128 px needs about [\\d.]+ GB at batch 128 on the wasm backend, whose memory stops at 4 GB: train at batch ${largestWasmBatch(dcgan128)} or less here`,
    ),
  );
  // The cpu backend is bounded by the machine's memory instead.
  const onCpu = trainingMemory(dcgan128, 128, 'cpu');
  assert.equal(onCpu.limitBytes, Math.floor(totalmem() * 0.75));
  assert.equal(onCpu.problem === null, onCpu.bytes <= onCpu.limitBytes);
  const huge = trainingMemory(defaultModelConfig('dcgan', 1024, 3, {}), 4096, 'cpu');
  assert.match(
    huge.problem ?? '',
    /DCGAN at 1024 px needs about [\d.]+ GB at batch 4096 on the cpu backend, which can use about [\d.]+ GB of this machine's memory: train at batch \d+ or less here/,
  );
});

/** NVIDIA's FFHQ StyleGAN (v1) widths at a resolution, as an imported network's settings. */
const ffhqV1 = (resolution: number) =>
  defaultModelConfig('stylegan', resolution, 3, {
    network: {
      family: 'stylegan',
      resolution,
      channels: 3,
      zDim: 512,
      wDim: 512,
      cDim: 0,
      mappingLayers: 8,
      mappingFmaps: 512,
      mappingLrMultiplier: 0.01,
      normalizeLatents: true,
      fmapBase: 8192,
      fmapMax: 512,
      fusedScale: 'auto',
      usePixelNorm: false,
      useInstanceNorm: true,
      useNoise: true,
      truncationPsi: 0.7,
      truncationCutoff: 8,
      wAvgBeta: 0.995,
      dFmapBase: 8192,
      dFmapMax: 512,
      dFusedScale: 'auto',
      mbstdGroupSize: 4,
      mbstdChannels: 1,
    },
    augment: 'none',
  });

test('StyleGAN (v1): the estimate is within 5 % of the wasm heap measured, and 1024 px is refused by name', () => {
  // Peaks of one D step (with R1) and one G step on wasm, measured as the comment in memory-limit.ts says.
  for (const [resolution, batch, mb] of [
    [64, 1, 1367],
    [64, 2, 1661],
    [64, 4, 2314],
    [128, 2, 2411],
    [128, 4, 3686],
  ] as const) {
    const estimate = trainingBytes(ffhqV1(resolution), batch) / 2 ** 20;
    assert.ok(Math.abs(estimate - mb) / mb < 0.05, `${resolution} px batch ${batch}: ${estimate.toFixed(0)} MB estimated, ${mb} MB measured`);
  }
  assert.throws(
    () => checkTrainingFits(ffhqV1(1024), 1, 'wasm'),
    /StyleGAN \(v1\) at 1024 px needs about [\d.]+ GB at batch 1 on the wasm backend, whose memory stops at 4 GB: no batch fits here/,
  );
});
