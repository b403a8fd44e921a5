// StyleGAN (v1, Karras et al. 2019) as a model the studio fine-tunes (style-model.ts): a network
// imported from NVlabs/stylegan's pickle, its networks (stylegan-networks.ts) in NVIDIA's names
// and TensorFlow layouts, trained as StyleGAN2 fine-tunes are — non-saturating loss, lazy R1, ADA —
// without path-length regularisation, which v1 never had. Fresh weights follow NVIDIA's v1
// initialisation, so a network built here has the shapes and scales of one imported.
import * as tf from '../tf';
import type { Rng } from '../nn/rng';
import { log2Of, styleGanShapes, type StyleGanConfig } from '../../formats/stylegan-layout';
import { buildStyleModel, type StyleModel, type StyleNets, type StyleTrainConfig } from './style-model';
import { discriminator, mapping, synthesis } from './stylegan-networks';
import { FAMILY_MODEL, FAMILY_OPTIMIZER } from '../../../shared/run-presets';

export type StyleGanTrainConfig = StyleGanConfig & StyleTrainConfig;

/** The training settings a v1 fine-tune starts with (the network's own settings come from its file). */
export const STYLEGAN_TRAIN_DEFAULTS = {
  r1Interval: 16,
  plWeight: 0,
  plInterval: 4,
  emaKimg: FAMILY_MODEL.stylegan.emaHalfLifeKimg,
  augment: 'ada',
  adaTarget: FAMILY_MODEL.stylegan.adaTarget,
  adaKimg: 500,
  freezeD: FAMILY_MODEL.stylegan.freezeD,
  initNetwork: null,
} as const satisfies Partial<StyleGanTrainConfig>;

/** D's layers in NVIDIA's order, from the image inward (FreezeD counts them). */
export function styleGanDiscriminatorLayers(config: StyleGanConfig): string[] {
  const layers = ['FromRGB_lod0'];
  for (let res = log2Of(config.resolution); res > 2; res--) layers.push(`${2 ** res}x${2 ** res}/Conv0`, `${2 ** res}x${2 ** res}/Conv1_down`);
  return [...layers, '4x4/Conv', '4x4/Dense0', '4x4/Dense1'];
}

const isNoise = (name: string) => /^synthesis\/noise\d+$/.test(name);

/** NVIDIA's v1 initialisation: weights N(0, 1/lr multiplier) (equalised learning rate), biases and noise strengths 0, the constant 1, noise inputs N(0, 1). */
function initialValue(name: string, shape: number[], config: StyleGanConfig, rng: Rng): tf.Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  if (name === 'dlatent_avg' || name.endsWith('/bias') || name.endsWith('/Noise/weight')) return tf.zeros(shape);
  if (name.endsWith('/Const/const')) return tf.ones(shape);
  const scale = /^mapping\/Dense\d+\/weight$/.test(name) ? 1 / config.mappingLrMultiplier : 1;
  return tf.tensor(rng.normals(count, scale), shape);
}

function styleGanNets(config: StyleGanTrainConfig): StyleNets {
  return {
    arch: 'stylegan',
    shapes: (network) => styleGanShapes(config, network),
    dLayers: styleGanDiscriminatorLayers(config),
    layerOf: (name) => name.slice(0, name.lastIndexOf('/')),
    isBuffer: (name) => name === 'dlatent_avg' || isNoise(name),
    wAverage: 'dlatent_avg',
    initialValue: (name, shape, rng) => initialValue(name, shape, config, rng),
    mapping: (w, z, c) => mapping(w, config, z, c),
    synthesis: (w, ws, { noise, randomNormal }) => synthesis(w, config, ws, { noise, ...(randomNormal ? { randomNormal } : {}) }),
    discriminator: (w, x, c) => discriminator(w, config, x, c),
    pathLengthReady: false,
    optimizer: FAMILY_OPTIMIZER.stylegan,
  };
}

export function buildStyleGan(config: StyleGanTrainConfig, rng: Rng): StyleModel {
  if (config.plWeight > 0) throw new Error('StyleGAN (v1) is not trained with path-length regularisation');
  return buildStyleModel(config, styleGanNets(config), rng);
}
