// StyleGAN2 (Karras et al. 2020) as a model the studio trains (style-model.ts): its networks
// (stylegan2-networks.ts) in PyTorch's names, NVIDIA's initialisation, its defaults.
import * as tf from '../tf';
import type { Rng } from '../nn/rng';
import { buildStyleModel, type StyleModel, type StyleNets, type StyleTrainConfig } from './style-model';
import { discriminator, expectedShapes, mapping, synthesis, type StyleGan2Config } from './stylegan2-networks';
import { FAMILY_MODEL, FAMILY_OPTIMIZER } from '../../../shared/run-presets';

export type StyleGan2TrainConfig = StyleGan2Config & StyleTrainConfig;

export const STYLEGAN2_DEFAULTS = {
  zDim: FAMILY_MODEL.stylegan2.zDim,
  wDim: 512,
  cDim: 0,
  mappingLayers: 2,
  channelBase: 16384,
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
  r1Interval: 16,
  plWeight: FAMILY_MODEL.stylegan2.plWeight,
  plInterval: 4,
  emaKimg: FAMILY_MODEL.stylegan2.emaHalfLifeKimg,
  augment: 'ada',
  adaTarget: FAMILY_MODEL.stylegan2.adaTarget,
  adaKimg: 500,
  freezeD: FAMILY_MODEL.stylegan2.freezeD,
  initNetwork: null,
} as const satisfies Partial<StyleGan2TrainConfig>;

/** D's layers in NVIDIA's order (FreezeD counts them): per block fromrgb, conv0, conv1, skip; then the epilogue. */
export function discriminatorLayers(config: StyleGan2Config): string[] {
  const layers: string[] = [];
  for (let res = config.resolution; res > 4; res /= 2) {
    const b = `b${res}`;
    if (res === config.resolution || config.dArchitecture === 'skip') layers.push(`${b}.fromrgb`);
    layers.push(`${b}.conv0`, `${b}.conv1`);
    if (config.dArchitecture === 'resnet') layers.push(`${b}.skip`);
  }
  return layers;
}

/** NVIDIA's initialisation: unit Gaussian weights (mapping weights over their lr multiplier), zero biases, affine biases 1. */
function initialValue(name: string, shape: number[], config: StyleGan2Config, rng: Rng): tf.Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  if (name.endsWith('.bias')) return tf.fill(shape, name.includes('.affine.') ? 1 : 0);
  if (name.endsWith('noise_strength') || name.endsWith('w_avg')) return tf.zeros(shape);
  const scale = name.startsWith('mapping.fc') ? 1 / config.mappingLrMultiplier : 1;
  return tf.tensor(rng.normals(count, scale), shape);
}

function styleGan2Nets(config: StyleGan2TrainConfig): StyleNets {
  return {
    arch: 'stylegan2',
    shapes: (network) => expectedShapes(config, network),
    dLayers: discriminatorLayers(config),
    layerOf: (name) => name.slice(0, name.lastIndexOf('.')),
    isBuffer: (name) => name.endsWith('w_avg') || name.endsWith('noise_const'),
    wAverage: 'mapping.w_avg',
    initialValue: (name, shape, rng) => initialValue(name, shape, config, rng),
    mapping: (w, z, c) => mapping(w, config, z, c),
    synthesis: (w, ws, options) => synthesis(w, config, ws, options),
    discriminator: (w, x, c) => discriminator(w, config, x, c),
    pathLengthReady: true,
    optimizer: FAMILY_OPTIMIZER.stylegan2,
  };
}

export function buildStyleGan2(config: StyleGan2TrainConfig, rng: Rng): StyleModel {
  return buildStyleModel(config, styleGan2Nets(config), rng);
}
