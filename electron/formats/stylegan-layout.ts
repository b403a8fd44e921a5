// The layout of a StyleGAN (v1) network, as NVlabs/stylegan's TensorFlow code names and shapes its
// variables: G's mapping/Dense0/weight, synthesis/8x8/Conv0_up/StyleMod/weight, synthesis/noise3,
// dlatent_avg; D's FromRGB_lod0/weight, 8x8/Conv1_down/bias, 4x4/Dense1/weight. The weights keep
// TensorFlow's layouts (dense [in, out], convolutions HWIO): there is no PyTorch release of this
// family to agree with. A finished network only (lod 0): the lower levels' ToRGB/FromRGB layers that
// progressive growing left behind are not kept. No TensorFlow.js here.

import type { StyleGan2Config } from './stylegan2-layout';

/** Either style-based family: what an imported network or a style run's checkpoint holds. */
export type StyleNetworkConfig = StyleGan2Config | StyleGanConfig;

export function isStyleGanV1(config: StyleNetworkConfig): config is StyleGanConfig {
  return config.family === 'stylegan';
}

/**
 * What the two families share by name (cDim: for v1, classes embedded and concatenated with z,
 * switched in D's output).
 */
type SharedSettings = Pick<
  StyleGan2Config,
  'resolution' | 'channels' | 'zDim' | 'wDim' | 'cDim' | 'mappingLayers' | 'mappingLrMultiplier' | 'wAvgBeta' | 'mbstdGroupSize' | 'mbstdChannels'
>;

export interface StyleGanConfig extends SharedSettings {
  family: 'stylegan';
  mappingFmaps: number;
  /** Pixel norm of [z | embedded label] before the mapping layers. */
  normalizeLatents: boolean;
  /** Feature maps at stage s (resolution 2^(s+1)): min(fmapBase / 2^s, fmapMax). */
  fmapBase: number;
  fmapMax: number;
  /** Up- and down-sampling fused with the convolution (a 4×4 strided kernel): true, false, or 'auto' (from 128 px). */
  fusedScale: boolean | 'auto';
  usePixelNorm: boolean;
  useInstanceNorm: boolean;
  useNoise: boolean;
  /** The truncation NVIDIA's Gs applies by default (0.7 of the first 8 styles for FFHQ). */
  truncationPsi: number;
  truncationCutoff: number;
  /** D's own feature-map counts and resampling (NVIDIA's configs give both networks the same). */
  dFmapBase: number;
  dFmapMax: number;
  dFusedScale: boolean | 'auto';
}

export function featureMaps(base: number, max: number, stage: number): number {
  return Math.min(Math.floor(base / 2 ** stage), max);
}

/** Whether the resampling that produces (G) or reads (D) this resolution is the fused strided kernel. */
export function fusedAt(setting: boolean | 'auto', res: number): boolean {
  return setting === 'auto' ? res >= 128 : setting;
}

export function log2Of(resolution: number): number {
  return Math.round(Math.log2(resolution));
}

/** Style inputs of the synthesis network: two per resolution from 4×4 up. */
export function numStyles(config: { resolution: number }): number {
  return log2Of(config.resolution) * 2 - 2;
}

/** Every weight a network of this configuration has, with its shape, under the names NVIDIA's code gives them. */
export function styleGanShapes(config: StyleGanConfig, network: 'G' | 'D'): Map<string, number[]> {
  const s = new Map<string, number[]>();
  const log2 = log2Of(config.resolution);
  if (network === 'G') {
    const nf = (stage: number) => featureMaps(config.fmapBase, config.fmapMax, stage);
    s.set('dlatent_avg', [config.wDim]);
    if (config.cDim > 0) s.set('mapping/LabelConcat/weight', [config.cDim, config.zDim]);
    let width = config.cDim > 0 ? config.zDim * 2 : config.zDim;
    for (let i = 0; i < config.mappingLayers; i++) {
      const out = i === config.mappingLayers - 1 ? config.wDim : config.mappingFmaps;
      s.set(`mapping/Dense${i}/weight`, [width, out]);
      s.set(`mapping/Dense${i}/bias`, [out]);
      width = out;
    }
    if (config.useNoise)
      for (let layer = 0; layer < numStyles(config); layer++) {
        const r = 2 ** (Math.floor(layer / 2) + 2);
        s.set(`synthesis/noise${layer}`, [1, 1, r, r]);
      }
    const epilogue = (scope: string, ch: number) => {
      if (config.useNoise) s.set(`synthesis/${scope}/Noise/weight`, [ch]);
      s.set(`synthesis/${scope}/bias`, [ch]);
      s.set(`synthesis/${scope}/StyleMod/weight`, [config.wDim, ch * 2]);
      s.set(`synthesis/${scope}/StyleMod/bias`, [ch * 2]);
    };
    s.set('synthesis/4x4/Const/const', [1, nf(1), 4, 4]);
    epilogue('4x4/Const', nf(1));
    s.set('synthesis/4x4/Conv/weight', [3, 3, nf(1), nf(1)]);
    epilogue('4x4/Conv', nf(1));
    for (let res = 3; res <= log2; res++) {
      const scope = `${2 ** res}x${2 ** res}`;
      s.set(`synthesis/${scope}/Conv0_up/weight`, [3, 3, nf(res - 2), nf(res - 1)]);
      epilogue(`${scope}/Conv0_up`, nf(res - 1));
      s.set(`synthesis/${scope}/Conv1/weight`, [3, 3, nf(res - 1), nf(res - 1)]);
      epilogue(`${scope}/Conv1`, nf(res - 1));
    }
    s.set('synthesis/ToRGB_lod0/weight', [1, 1, nf(log2 - 1), config.channels]);
    s.set('synthesis/ToRGB_lod0/bias', [config.channels]);
    return s;
  }
  const nf = (stage: number) => featureMaps(config.dFmapBase, config.dFmapMax, stage);
  s.set('FromRGB_lod0/weight', [1, 1, config.channels, nf(log2 - 1)]);
  s.set('FromRGB_lod0/bias', [nf(log2 - 1)]);
  for (let res = log2; res > 2; res--) {
    const scope = `${2 ** res}x${2 ** res}`;
    s.set(`${scope}/Conv0/weight`, [3, 3, nf(res - 1), nf(res - 1)]);
    s.set(`${scope}/Conv0/bias`, [nf(res - 1)]);
    s.set(`${scope}/Conv1_down/weight`, [3, 3, nf(res - 1), nf(res - 2)]);
    s.set(`${scope}/Conv1_down/bias`, [nf(res - 2)]);
  }
  s.set('4x4/Conv/weight', [3, 3, nf(1) + (config.mbstdGroupSize > 1 ? config.mbstdChannels : 0), nf(1)]);
  s.set('4x4/Conv/bias', [nf(1)]);
  s.set('4x4/Dense0/weight', [nf(1) * 16, nf(0)]);
  s.set('4x4/Dense0/bias', [nf(0)]);
  s.set('4x4/Dense1/weight', [nf(0), Math.max(config.cDim, 1)]);
  s.set('4x4/Dense1/bias', [Math.max(config.cDim, 1)]);
  return s;
}
