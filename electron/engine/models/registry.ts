// The model families by name: presets are data, and a checkpoint names the family it belongs to.
import { buildDcgan, DCGAN_DEFAULTS, type DcganConfig } from './dcgan';
import type { GanModel } from './gan-model';
import { buildProgan, PROGAN_DEFAULTS, type ProganConfig } from './progan';
import { buildThesisGan, THESIS_DEFAULTS, type ThesisConfig } from './thesis';
import type { Rng } from '../nn/rng';

export type Arch = 'dcgan' | 'thesis' | 'progan';
export type ModelConfig = { arch: 'dcgan'; config: DcganConfig } | { arch: 'thesis'; config: ThesisConfig } | { arch: 'progan'; config: ProganConfig };

export interface ModelOverrides {
  width?: number;
  zDim?: number;
  phaseKimg?: number;
  emaHalfLifeKimg?: number;
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
  }
}
