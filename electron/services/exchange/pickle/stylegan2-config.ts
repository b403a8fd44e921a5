// NVIDIA's init kwargs for Generator and Discriminator as Leporello's StyleGAN2 configuration,
// with NVIDIA's defaults where a pickle leaves a setting out; what Leporello cannot compute is
// refused with the setting's name.
import { AppError } from '../../../../shared/errors';
import type { StyleGan2Config } from '../../../formats/stylegan2-layout';
import type { ImportedNetwork, JsonValue } from './stylegan2-pickle';

type Kwargs = { [k: string]: JsonValue };

const num = (v: JsonValue | undefined, fallback: number): number => (typeof v === 'number' ? v : fallback);
const obj = (v: JsonValue | undefined): Kwargs => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});

export function styleGan2Config(G: ImportedNetwork, D: ImportedNetwork | null, file: string): StyleGan2Config {
  const g = G.initKwargs;
  const d = D?.initKwargs ?? {};
  const synthesis = obj(g.synthesis_kwargs);
  const mappingKw = obj(g.mapping_kwargs);
  const epilogue = obj(d.epilogue_kwargs);
  const refuse = (what: string) => {
    throw new AppError('invalid_request', `${file}: ${what}, which Leporello's StyleGAN2 does not support`);
  };
  const resolution = num(g.img_resolution, 0);
  if (resolution < 4 || (resolution & (resolution - 1)) !== 0) refuse(`an image resolution of ${String(g.img_resolution)}`);
  const channels = num(g.img_channels, 3);
  if (channels !== 1 && channels !== 3) refuse(`${channels} colour channels`);
  const gArchitecture = String(synthesis.architecture ?? 'skip');
  if (gArchitecture !== 'skip' && gArchitecture !== 'orig') refuse(`a '${gArchitecture}' generator architecture`);
  const dArchitecture = String(d.architecture ?? 'resnet');
  if (dArchitecture !== 'resnet' && dArchitecture !== 'skip') refuse(`a '${dArchitecture}' discriminator architecture`);
  for (const [key, kw] of [
    ['mapping_kwargs', mappingKw],
    ['synthesis_kwargs', synthesis],
  ] as const) {
    for (const unsupported of ['embed_features', 'layer_features', 'activation', 'resample_filter']) {
      if (kw[unsupported] !== undefined && kw[unsupported] !== null) refuse(`${key}.${unsupported} = ${JSON.stringify(kw[unsupported])}`);
    }
  }
  const cDim = num(g.c_dim, 0);
  const channelBase = num(synthesis.channel_base, 32768);
  const channelMax = num(synthesis.channel_max, 512);
  const convClamp = synthesis.conv_clamp === undefined || synthesis.conv_clamp === null ? null : num(synthesis.conv_clamp, 256);
  const wDim = num(g.w_dim, 512);
  return {
    resolution,
    channels: channels as 1 | 3,
    zDim: num(g.z_dim, 512),
    wDim,
    cDim,
    mappingLayers: num(mappingKw.num_layers, 8),
    channelBase,
    channelMax,
    gArchitecture: gArchitecture as StyleGan2Config['gArchitecture'],
    dArchitecture: dArchitecture as StyleGan2Config['dArchitecture'],
    convClamp,
    mbstdGroupSize: num(epilogue.mbstd_group_size, 4),
    mbstdChannels: num(epilogue.mbstd_num_channels, 1),
    cmapDim: cDim > 0 ? num(d.cmap_dim, Math.min(Math.floor(num(d.channel_base, channelBase) / 4), num(d.channel_max, channelMax))) : 0,
    dMappingLayers: num(obj(d.mapping_kwargs).num_layers, 8),
    mappingLrMultiplier: num(mappingKw.lr_multiplier, 0.01),
    wAvgBeta: num(mappingKw.w_avg_beta, 0.995),
  };
}
