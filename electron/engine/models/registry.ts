// The model families by name: presets are data, and a checkpoint names the family it belongs to.
import { buildDcgan, DCGAN_DEFAULTS, type DcganConfig } from './dcgan';
import type { GanModel } from './gan-model';
import { buildProgan, PROGAN_DEFAULTS, type ProganConfig } from './progan';
import { buildThesisGan, THESIS_DEFAULTS, type ThesisConfig } from './thesis';
import { buildStyleGan2, STYLEGAN2_DEFAULTS, type StyleGan2TrainConfig } from './stylegan2';
import { buildStyleGan, STYLEGAN_TRAIN_DEFAULTS, type StyleGanTrainConfig } from './stylegan';
import { isStyleGanV1, type StyleNetworkConfig } from '../../formats/stylegan-layout';
import type { Rng } from '../nn/rng';

export type Arch = 'dcgan' | 'thesis' | 'progan' | 'stylegan2' | 'stylegan';
export type ModelConfig =
  | { arch: 'dcgan'; config: DcganConfig }
  | { arch: 'thesis'; config: ThesisConfig }
  | { arch: 'progan'; config: ProganConfig }
  | { arch: 'stylegan2'; config: StyleGan2TrainConfig }
  | { arch: 'stylegan'; config: StyleGanTrainConfig };

export interface ModelOverrides {
  width?: number;
  zDim?: number;
  phaseKimg?: number;
  emaHalfLifeKimg?: number;
  /** StyleGAN2 or v1: a pretrained network's architecture to fine-tune (its weights come with the job). */
  network?: Partial<StyleNetworkConfig> & { initNetwork?: string };
  r1Gamma?: number;
  plWeight?: number;
  augment?: 'ada' | 'none';
  adaTarget?: number;
  freezeD?: number;
  batchSize?: number;
}

export function defaultModelConfig(arch: Arch, resolution: number, channels: 1 | 3, overrides: ModelOverrides = {}): ModelConfig {
  // Only the overrides that were given and that the family has: an absent one must not blank out its default.
  const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const pick = <T extends object>(defaults: T) => Object.fromEntries(Object.entries(given).filter(([k]) => k in defaults)) as Partial<T>;
  const base = { resolution, channels };
  switch (arch) {
    case 'dcgan':
      return { arch, config: { ...DCGAN_DEFAULTS, ...pick(DCGAN_DEFAULTS), ...base } };
    case 'thesis':
      return { arch, config: { ...THESIS_DEFAULTS, ...pick(THESIS_DEFAULTS), ...base } };
    case 'progan':
      return { arch, config: { ...PROGAN_DEFAULTS, ...pick(PROGAN_DEFAULTS), ...base } };
    case 'stylegan2': {
      // A fresh network's width follows `width` (channels at the output resolution); a pretrained one's is its own.
      const fresh = given.width !== undefined ? { channelBase: (given.width as number) * resolution, channelMax: Math.max(given.width as number, 32) * 8 } : {};
      const zDim = (given.zDim as number | undefined) ?? STYLEGAN2_DEFAULTS.zDim;
      const config: StyleGan2TrainConfig = {
        ...STYLEGAN2_DEFAULTS,
        ...fresh,
        zDim,
        wDim: zDim,
        ...(overrides.network as Partial<StyleGan2TrainConfig> | undefined),
        ...base,
        r1Gamma: overrides.r1Gamma ?? (0.0002 * resolution * resolution) / (overrides.batchSize ?? 32),
        plWeight: overrides.plWeight ?? STYLEGAN2_DEFAULTS.plWeight,
        augment: overrides.augment ?? 'ada',
        adaTarget: overrides.adaTarget ?? STYLEGAN2_DEFAULTS.adaTarget,
        freezeD: overrides.freezeD ?? 0,
        initNetwork: (overrides.network?.initNetwork as string | undefined) ?? null,
      };
      return { arch, config };
    }
    case 'stylegan': {
      // Only fine-tuned: the architecture is the imported network's own.
      const network = overrides.network as (StyleNetworkConfig & { initNetwork?: string }) | undefined;
      if (!network || !isStyleGanV1(network)) throw new Error('a StyleGAN (v1) run starts from an imported StyleGAN (v1) network');
      const config: StyleGanTrainConfig = {
        ...network,
        ...STYLEGAN_TRAIN_DEFAULTS,
        ...base,
        r1Gamma: overrides.r1Gamma ?? (0.0002 * resolution * resolution) / (overrides.batchSize ?? 32),
        augment: overrides.augment ?? 'ada',
        adaTarget: overrides.adaTarget ?? STYLEGAN_TRAIN_DEFAULTS.adaTarget,
        freezeD: overrides.freezeD ?? 0,
        initNetwork: network.initNetwork ?? null,
      };
      return { arch, config };
    }
  }
}

export function buildModel(spec: ModelConfig, rng: Rng): GanModel {
  switch (spec.arch) {
    case 'dcgan':
      return buildDcgan(spec.config, rng);
    case 'thesis':
      return buildThesisGan(spec.config, rng);
    case 'progan':
      return buildProgan(spec.config, rng);
    case 'stylegan2':
      return buildStyleGan2(spec.config, rng);
    case 'stylegan':
      return buildStyleGan(spec.config, rng);
  }
}
