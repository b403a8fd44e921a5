// The two style-based families behind one face: what drawing needs from a network (its mapping to
// W, its synthesis from W, how many W it takes, where its average W is kept), so that the Styles
// view, the latent tools, videos, analysis and the book draw from StyleGAN (v1) and StyleGAN2 alike.
import type * as tf from '../tf';
import { isStyleGanV1, numStyles, type StyleNetworkConfig } from '../../formats/stylegan-layout';
import * as v1 from './stylegan-networks';
import * as v2 from './stylegan2-networks';
import type { MappingOptions, NoiseMode, Weights } from './stylegan2-networks';

export interface DrawOptions {
  noise?: NoiseMode;
  randomNormal?: (shape: number[]) => tf.Tensor;
}

export interface StyleFamily {
  /** W vectors the synthesis network takes (its style inputs). */
  readonly numWs: number;
  /** The weight that holds the moving average of W (truncation's centre). */
  readonly wAverage: string;
  mapping(w: Weights, z: tf.Tensor2D, c: tf.Tensor2D | null, options?: MappingOptions): tf.Tensor3D;
  synthesis(w: Weights, ws: tf.Tensor3D, options?: DrawOptions): tf.Tensor4D;
}

export function styleFamily(config: StyleNetworkConfig): StyleFamily {
  if (isStyleGanV1(config))
    return {
      numWs: numStyles(config),
      wAverage: 'dlatent_avg',
      mapping: (w, z, c, options) => v1.mapping(w, config, z, c, options),
      synthesis: (w, ws, options) => v1.synthesis(w, config, ws, options),
    };
  return {
    numWs: v2.numWs(config),
    wAverage: 'mapping.w_avg',
    mapping: (w, z, c, options) => v2.mapping(w, config, z, c, options),
    synthesis: (w, ws, options) => v2.synthesis(w, config, ws, options),
  };
}
