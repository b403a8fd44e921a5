// The same tiny convolutional model trained on `cpu` and on `webgpu` — Dawn on SwiftShader, the
// software Vulkan driver that Debian's chromium package ships — must give the same losses.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { selectBackend } from '../../electron/engine/backends';
import { curvesAgree, portraits8, trainTiny, trainTinyProgan } from '../tiny-model';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

test('the same tiny model trains to the same losses on cpu and on webgpu (SwiftShader)', async () => {
  assert.ok(existsSync(SWIFTSHADER), `${SWIFTSHADER} is missing: install Debian's chromium package, which ships SwiftShader's Vulkan driver`);
  process.env.VK_ICD_FILENAMES = SWIFTSHADER;
  const data = await portraits8(6);

  await selectBackend('cpu');
  const onCpu = await trainTiny(data, 12);
  const gpu = await selectBackend('webgpu');
  assert.match(gpu.detail, /swiftshader/i);
  const onGpu = await trainTiny(data, 12);

  assert.ok(onCpu[11]! < onCpu[0]! * 0.8, `the loss falls: ${onCpu[0]} → ${onCpu[11]}`);
  for (let s = 0; s < onCpu.length; s++) {
    const rel = Math.abs(onCpu[s]! - onGpu[s]!) / onCpu[s]!;
    assert.ok(rel < 1e-3, `step ${s}: cpu ${onCpu[s]} vs webgpu ${onGpu[s]}`);
  }

  // The progressive GAN, whose gradient penalty differentiates a gradient, on both.
  const portraits = await portraits8(4);
  await selectBackend('cpu');
  const proganCpu = await trainTinyProgan(portraits, 3);
  await selectBackend('webgpu');
  const proganGpu = await trainTinyProgan(portraits, 3);
  assert.equal(curvesAgree(proganCpu.d, proganGpu.d, 1e-3), null, 'progressive GAN D losses agree');
  assert.equal(curvesAgree(proganCpu.g, proganGpu.g, 1e-3), null, 'progressive GAN G losses agree');
});
