// The model families by name: presets are data, and a checkpoint names the family it belongs to.
import { buildDcgan, DCGAN_DEFAULTS, type DcganConfig } from './dcgan';
import type { GanModel } from './gan-model';
import { buildThesisGan, THESIS_DEFAULTS, type ThesisConfig } from './thesis';
import type { Rng } from '../nn/rng';

export type Arch = 'dcgan' | 'thesis';
export type ModelConfig = { arch: 'dcgan'; config: DcganConfig } | { arch: 'thesis'; config: ThesisConfig };

export function defaultModelConfig(arch: Arch, resolution: number, channels: 1 | 3, overrides: { width?: number; zDim?: number } = {}): ModelConfig {
  // Only the overrides that were given: an absent one must not blank out its default.
  const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const base = { resolution, channels, ...given };
  return arch === 'dcgan' ? { arch, config: { ...DCGAN_DEFAULTS, ...base } } : { arch, config: { ...THESIS_DEFAULTS, ...base } };
}

export function buildModel(spec: ModelConfig, rng: Rng): GanModel {
  return spec.arch === 'dcgan' ? buildDcgan(spec.config, rng) : buildThesisGan(spec.config, rng);
}
