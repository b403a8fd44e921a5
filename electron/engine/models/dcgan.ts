// DCGAN, after Radford, Metz & Chintala (2015), in the shape of PyTorch's DCGAN example:
// G: z → 4×4 (a 4×4 transposed convolution on a 1×1 input, written as the dense layer it equals)
//    → [ConvT 4, stride 2 → BatchNorm → ReLU] × (log2 R − 3) → ConvT 4, stride 2 → tanh.
// D: Conv 4/2 → LeakyReLU 0.2 → [Conv 4/2 → BatchNorm → LeakyReLU 0.2] × … → 4×4 → one logit.
// Channels halve on the way up from width·2^(log2 R − 3) and double on the way down.
import * as tf from '../tf';
import { BatchNorm, Conv, ConvTranspose, Dense, fusedDrawing } from '../nn/layers';
import { Params } from '../nn/params';
import { Rng } from '../nn/rng';
import { log2Exact, type GanModel } from './gan-model';
import { FAMILY_MODEL, FAMILY_OPTIMIZER } from '../../../shared/run-presets';

export interface DcganConfig {
  resolution: number;
  channels: 1 | 3;
  zDim: number;
  /** ngf = ndf: channels of the layers nearest the image. 64 in the paper. */
  width: number;
  /** Cap on channels, so that 256 px and above stay trainable. */
  maxChannels: number;
}

export const DCGAN_DEFAULTS: Omit<DcganConfig, 'resolution' | 'channels'> = { ...FAMILY_MODEL.dcgan, maxChannels: 512 };

export function buildDcgan(config: DcganConfig, rng: Rng): GanModel {
  const p = new Params();
  const stages = log2Exact(config.resolution) - 2; // number of ×2 steps from 4×4
  const ch = (level: number) => Math.min(config.maxChannels, config.width * 2 ** level); // level 0 next to the image

  // Generator.
  const top = ch(stages - 1);
  const gIn = new Dense(p, 'G/in', config.zDim, 16 * top, rng);
  const gInBn = new BatchNorm(p, 'G/in/bn', top, rng);
  const gUp: { conv: ConvTranspose; bn: BatchNorm }[] = [];
  for (let i = stages - 1; i >= 1; i--) {
    gUp.push({
      conv: new ConvTranspose(p, `G/up${stages - i}/conv`, 4, ch(i), ch(i - 1), 2, rng, false),
      bn: new BatchNorm(p, `G/up${stages - i}/bn`, ch(i - 1), rng),
    });
  }
  const gOut = new ConvTranspose(p, 'G/out', 4, ch(0), config.channels, 2, rng, false);

  // Discriminator.
  const dIn = new Conv(p, 'D/in', 4, config.channels, ch(0), 2, rng, false);
  const dDown: { conv: Conv; bn: BatchNorm }[] = [];
  for (let i = 1; i < stages; i++) {
    dDown.push({ conv: new Conv(p, `D/down${i}/conv`, 4, ch(i - 1), ch(i), 2, rng, false), bn: new BatchNorm(p, `D/down${i}/bn`, ch(i), rng) });
  }
  const dOut = new Dense(p, 'D/out', 16 * ch(stages - 1), 1, rng);

  return {
    arch: 'dcgan',
    resolution: config.resolution,
    channels: config.channels,
    zDim: config.zDim,
    params: p,
    noise: new Rng(rng.seed()),
    objective: 'nonsaturating',
    optimizer: FAMILY_OPTIMIZER.dcgan,
    generate(z, training) {
      return tf.tidy(() => {
        let h = tf.reshape(gIn.apply(z), [z.shape[0], 4, 4, top]) as tf.Tensor4D;
        h = tf.relu(gInBn.apply(h, training));
        if (!training && fusedDrawing()) {
          // Drawing on the CPU: each batch norm, ReLU and the last tanh finish their convolution's output in cache.
          for (const { conv, bn } of gUp) h = conv.applyPost(h, { ...bn.evalAffine(), act: 'relu' });
          return gOut.applyPost(h, { scale: null, shift: null, act: 'tanh' });
        }
        for (const { conv, bn } of gUp) h = tf.relu(bn.apply(conv.apply(h), training));
        return tf.tanh(gOut.apply(h));
      });
    },
    discriminate(x, training) {
      return tf.tidy(() => {
        let h = tf.leakyRelu(dIn.apply(x), 0.2);
        for (const { conv, bn } of dDown) h = tf.leakyRelu(bn.apply(conv.apply(h), training), 0.2);
        return dOut.apply(tf.reshape(h, [x.shape[0], -1]) as tf.Tensor2D);
      });
    },
    sampleLatents(count, r) {
      return tf.tensor2d(r.normals(count * config.zDim), [count, config.zDim]);
    },
  };
}
