// NVIDIA's sg2-tiny-32 fixture pickle (../shared/fixtures/stylegan2) as the latent tools' W generator.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { styleLatentGenerator, type LatentGenerator } from '../electron/engine/latent/latent-generator';
import { StyleSampler } from '../electron/engine/style-sampler';
import { styleGan2Config } from '../electron/services/exchange/pickle/stylegan2-config';
import { readNetworkPickle } from '../electron/services/exchange/pickle/stylegan2-pickle';
import { sharedData } from './helpers';

export function sg2TinyGenerator(): LatentGenerator {
  const net = readNetworkPickle(readFileSync(join(sharedData, '..', 'fixtures', 'stylegan2', 'sg2-tiny-32.pkl')), 'sg2-tiny-32.pkl');
  const config = styleGan2Config(net.G_ema, net.D, 'sg2-tiny-32.pkl');
  const weights = new Map([...net.G_ema.tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array }]));
  return styleLatentGenerator(new StyleSampler(config, weights));
}
