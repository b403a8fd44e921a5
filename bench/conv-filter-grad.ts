// The filter gradient of DCGAN-64's convolutions on the cpu backend: tfjs-cpu's stock kernel
// against ours, measured in the same run on the same tensors. Prints GMAC/s per layer.
//   node --import tsx bench/conv-filter-grad.ts
import * as tf from '../electron/engine/tf';
import { selectBackend } from '../electron/engine/backends';
import { installFastCpuFilterGradient, uninstallFastCpuFilterGradient } from '../electron/engine/kernels/conv2d-backprop-filter';

await selectBackend('cpu');

// DCGAN-64 discriminator layers (ndf = 64): input side, channels in → out, stride 2, kernel 4.
const layers: [string, number, number, number][] = [
  ['D conv1 64→32, 3→64', 64, 3, 64],
  ['D conv2 32→16, 64→128', 32, 64, 128],
  ['D conv3 16→8, 128→256', 16, 128, 256],
  ['D conv4 8→4, 256→512', 8, 256, 512],
];

async function time(batch: number, side: number, cin: number, cout: number): Promise<number> {
  const x = tf.randomNormal([batch, side, side, cin]) as tf.Tensor4D;
  const dy = tf.randomNormal([batch, side / 2, side / 2, cout]) as tf.Tensor4D;
  const run = () =>
    tf.tidy(
      () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [4, 4, cin, cout] }) as tf.Tensor,
    );
  (run() as tf.Tensor).dispose(); // warm-up
  const t0 = performance.now();
  const out = run() as tf.Tensor;
  await out.data();
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose([x, dy, out]);
  return seconds;
}

console.log('| layer (batch) | MACs | tfjs-cpu stock GMAC/s | Leporello GMAC/s | speed-up |');
console.log('|---|---:|---:|---:|---:|');
for (const [name, side, cin, cout] of layers) {
  const batch = 2;
  const macs = batch * (side / 2) ** 2 * cout * 16 * cin;
  uninstallFastCpuFilterGradient();
  const stock = await time(batch, side, cin, cout);
  installFastCpuFilterGradient();
  const fast = await time(batch, side, cin, cout);
  console.log(
    `| ${name} (${batch}) | ${(macs / 1e6).toFixed(0)} M | ${(macs / stock / 1e9).toFixed(3)} | ${(macs / fast / 1e9).toFixed(3)} | ${(stock / fast).toFixed(0)}× |`,
  );
}
