// The wasm memory estimate for StyleGAN2 training against the peaks bench/stylegan2.ts measured,
// and the refusal of a run that cannot fit, before its first step, with what would.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultModelConfig } from '../../electron/engine/models/registry';
import { checkTrainingFits, largestWasmBatch, wasmTrainingBytes } from '../../electron/engine/train/memory-limit';

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
    const estimate = wasmTrainingBytes(paper256(resolution), batch)! / 2 ** 20;
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
  assert.equal(wasmTrainingBytes(defaultModelConfig('dcgan', 64, 3, { batchSize: 64 }), 64), null, 'the small families are not estimated');
});
