// NVIDIA's sg2-tiny-32 fixture pickle (../shared/fixtures/stylegan2) as the latent tools' W generator.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { styleGan2LatentGenerator, type LatentGenerator } from '../electron/engine/latent/latent-generator';
import { StyleGan2Sampler } from '../electron/engine/stylegan2-sampler';
import { styleGan2Config } from '../electron/services/exchange/pickle/stylegan2-config';
import { readNetworkPickle } from '../electron/services/exchange/pickle/stylegan2-pickle';
import { sharedData } from './helpers';

export function sg2TinyGenerator(): LatentGenerator {
  const net = readNetworkPickle(readFileSync(join(sharedData, '..', 'fixtures', 'stylegan2', 'sg2-tiny-32.pkl')), 'sg2-tiny-32.pkl');
  const config = styleGan2Config(net.G_ema, net.D, 'sg2-tiny-32.pkl');
  const weights = new Map([...net.G_ema.tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array }]));
  return styleGan2LatentGenerator(new StyleGan2Sampler(config, weights));
}
