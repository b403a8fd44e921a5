// The layout of a StyleGAN2 network, as NVIDIA's stylegan2-ada-pytorch names it: its settings,
// the channels and blocks at each resolution, and every weight with its shape. What an imported
// pickle must hold and what the network file stores; the engine builds the network from it, the
// studio checks an import against it. No TensorFlow.js here.

export interface StyleGan2Config {
  /** Absent in files written before StyleGAN (v1) networks could be imported. */
  family?: 'stylegan2';
  resolution: number;
  channels: 1 | 3;
  zDim: number;
  wDim: number;
  /** Label classes (0 = unconditional). */
  cDim: number;
  mappingLayers: number;
  channelBase: number;
  channelMax: number;
  gArchitecture: 'skip' | 'orig';
  dArchitecture: 'resnet' | 'skip';
  /** Clamp of convolution outputs (256 in NVIDIA's configs), null for none. */
  convClamp: number | null;
  mbstdGroupSize: number;
  mbstdChannels: number;
  /** The conditional discriminator's label mapping: its width and depth. */
  cmapDim: number;
  dMappingLayers: number;
  /** Learning-rate multiplier of the mapping network (0.01). */
  mappingLrMultiplier: number;
  wAvgBeta: number;
}

export function channelsAt(config: StyleGan2Config, res: number): number {
  return Math.min(Math.floor(config.channelBase / res), config.channelMax);
}

export function blockResolutions(config: StyleGan2Config): number[] {
  const out: number[] = [];
  for (let r = 4; r <= config.resolution; r *= 2) out.push(r);
  return out;
}

/** W vectors the synthesis network takes: two per block (one for the 4×4 block) and the last toRGB. */
export function numWs(config: StyleGan2Config): number {
  return blockResolutions(config).length * 2;
}

/**
 * Every weight a network of this configuration has, with its shape: what an imported file must
 * hold, and what a fresh network is built with.
 */
export function expectedShapes(config: StyleGan2Config, network: 'G' | 'D'): Map<string, number[]> {
  const s = new Map<string, number[]>();
  const dense = (name: string, inF: number, outF: number, bias = true) => {
    s.set(`${name}.weight`, [outF, inF]);
    if (bias) s.set(`${name}.bias`, [outF]);
  };
  const mappingNet = (prefix: string, zDim: number, cDim: number, wDim: number, layers: number) => {
    const embed = cDim > 0 ? wDim : 0;
    if (cDim > 0) dense(`${prefix}.embed`, cDim, embed);
    for (let i = 0; i < layers; i++) dense(`${prefix}.fc${i}`, i === 0 ? zDim + embed : wDim, wDim);
  };
  if (network === 'G') {
    mappingNet('mapping', config.zDim, config.cDim, config.wDim, config.mappingLayers);
    s.set('mapping.w_avg', [config.wDim]);
    for (const res of blockResolutions(config)) {
      const b = `synthesis.b${res}`;
      const out = channelsAt(config, res);
      const layer = (name: string, inC: number) => {
        s.set(`${name}.weight`, [out, inC, 3, 3]);
        s.set(`${name}.bias`, [out]);
        s.set(`${name}.noise_strength`, []);
        s.set(`${name}.noise_const`, [res, res]);
        dense(`${name}.affine`, config.wDim, inC);
      };
      if (res === 4) s.set(`${b}.const`, [out, 4, 4]);
      else layer(`${b}.conv0`, channelsAt(config, res / 2));
      layer(`${b}.conv1`, out);
      if (res === config.resolution || config.gArchitecture === 'skip') {
        s.set(`${b}.torgb.weight`, [config.channels, out, 1, 1]);
        s.set(`${b}.torgb.bias`, [config.channels]);
        dense(`${b}.torgb.affine`, config.wDim, out);
      }
    }
    return s;
  }
  const conv = (name: string, inC: number, outC: number, k: number, bias = true) => {
    s.set(`${name}.weight`, [outC, inC, k, k]);
    if (bias) s.set(`${name}.bias`, [outC]);
  };
  for (let res = config.resolution; res > 4; res /= 2) {
    const b = `b${res}`;
    const tmp = channelsAt(config, res);
    const out = channelsAt(config, res / 2);
    if (res === config.resolution || config.dArchitecture === 'skip') conv(`${b}.fromrgb`, config.channels, tmp, 1);
    conv(`${b}.conv0`, tmp, tmp, 3);
    conv(`${b}.conv1`, tmp, out, 3);
    if (config.dArchitecture === 'resnet') conv(`${b}.skip`, tmp, out, 1, false);
  }
  const c4 = channelsAt(config, 4);
  if (config.cDim > 0) mappingNet('mapping', 0, config.cDim, config.cmapDim, config.dMappingLayers);
  if (config.dArchitecture === 'skip') conv('b4.fromrgb', config.channels, c4, 1);
  conv('b4.conv', c4 + config.mbstdChannels, c4, 3);
  dense('b4.fc', c4 * 16, c4);
  dense('b4.out', c4, config.cDim > 0 ? config.cmapDim : 1);
  return s;
}
