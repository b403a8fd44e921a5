// The thesis-style Keras GAN that the source projects started from: a dense layer to 4×4, then
// Conv2DTranspose + LeakyReLU up to the image (tanh); a discriminator of strided convolutions,
// LeakyReLU and dropout ending in one sigmoid unit; latents drawn on the unit hypersphere.
// The sigmoid is folded into the loss (binary cross-entropy on logits), which is the same
// function and stays finite where a separate sigmoid would saturate.
import * as tf from '../tf';
import { Conv, ConvTranspose, Dense } from '../nn/layers';
import { Params } from '../nn/params';
import { Rng } from '../nn/rng';
import { log2Exact, type GanModel } from './gan-model';
import { FAMILY_MODEL, FAMILY_OPTIMIZER } from '../../../shared/run-presets';

export interface ThesisConfig {
  resolution: number;
  channels: 1 | 3;
  zDim: number;
  /** Channels next to the image; doubled towards 4×4. */
  width: number;
  maxChannels: number;
  /** Dropout rate after each discriminator convolution. */
  dropout: number;
}

export const THESIS_DEFAULTS: Omit<ThesisConfig, 'resolution' | 'channels'> = { ...FAMILY_MODEL.thesis, maxChannels: 256, dropout: 0.3 };

export function buildThesisGan(config: ThesisConfig, rng: Rng): GanModel {
  const p = new Params();
  const stages = log2Exact(config.resolution) - 2;
  const ch = (level: number) => Math.min(config.maxChannels, config.width * 2 ** level);
  const top = ch(stages - 1);
  const noise = new Rng(rng.seed());

  const gIn = new Dense(p, 'G/in', config.zDim, 16 * top, rng);
  const gUp: ConvTranspose[] = [];
  for (let i = stages - 1; i >= 1; i--) gUp.push(new ConvTranspose(p, `G/up${stages - i}`, 4, ch(i), ch(i - 1), 2, rng));
  const gOut = new ConvTranspose(p, 'G/out', 4, ch(0), config.channels, 2, rng);

  const dConvs: Conv[] = [];
  for (let i = 0; i < stages; i++) dConvs.push(new Conv(p, `D/conv${i}`, 4, i === 0 ? config.channels : ch(i - 1), ch(i), 2, rng));
  const dOut = new Dense(p, 'D/out', 16 * ch(stages - 1), 1, rng);

  return {
    arch: 'thesis',
    resolution: config.resolution,
    channels: config.channels,
    zDim: config.zDim,
    params: p,
    noise,
    objective: 'nonsaturating',
    optimizer: FAMILY_OPTIMIZER.thesis,
    generate(z, _training) {
      return tf.tidy(() => {
        let h = tf.leakyRelu(tf.reshape(gIn.apply(z), [z.shape[0], 4, 4, top]) as tf.Tensor4D, 0.2);
        for (const up of gUp) h = tf.leakyRelu(up.apply(h), 0.2);
        return tf.tanh(gOut.apply(h));
      });
    },
    discriminate(x, training) {
      return tf.tidy(() => {
        let h: tf.Tensor4D = x;
        for (const conv of dConvs) {
          h = tf.leakyRelu(conv.apply(h), 0.2);
          if (training && config.dropout > 0) h = tf.dropout(h, config.dropout, undefined, noise.seed()) as tf.Tensor4D;
        }
        return dOut.apply(tf.reshape(h, [x.shape[0], -1]) as tf.Tensor2D);
      });
    },
    sampleLatents(count, r) {
      // Gaussian directions normalised to length one: uniform on the hypersphere.
      return tf.tidy(() => {
        const z = tf.tensor2d(r.normals(count * config.zDim), [count, config.zDim]);
        return tf.div(z, tf.norm(z, 'euclidean', 1, true)) as tf.Tensor2D;
      });
    },
  };
}
