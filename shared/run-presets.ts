// The launcher's starting points: an architecture with settings that suit a few hundred portraits,
// and one line per setting saying what it does, for the launcher's form.
import { describedAs, RunRequest } from './contract';

export interface RunPreset {
  id: string;
  label: string;
  arch: RunRequest['arch'];
  /** The dataset resolution the preset is meant for; the network always trains at the dataset's own. */
  resolution: number;
  about: string;
  /** What the launcher fills in; length, batch, checkpoint spacing and witnesses are always given. */
  defaults: Partial<RunRequest> & Pick<RunRequest, 'batchSize' | 'checkpointEvery' | 'witnesses'>;
}

export const RUN_PRESETS: RunPreset[] = [
  {
    id: 'dcgan-64',
    label: 'DCGAN 64',
    arch: 'dcgan',
    resolution: 64,
    about: 'Radford et al.: strided convolutions, batch norm. Quick to show faces at 64 px.',
    defaults: { epochs: 200, batchSize: 32, width: 64, zDim: 100, checkpointEvery: 5, witnesses: 36 },
  },
  {
    id: 'dcgan-128',
    label: 'DCGAN 128',
    arch: 'dcgan',
    resolution: 128,
    about: 'The same network one level deeper; four times the work per image.',
    defaults: { epochs: 300, batchSize: 32, width: 64, zDim: 100, checkpointEvery: 10, witnesses: 36 },
  },
  {
    id: 'thesis',
    label: 'Thesis GAN',
    arch: 'thesis',
    resolution: 64,
    about: 'The thesis-style Keras GAN: dense + transposed convolutions, LeakyReLU, dropout.',
    defaults: { epochs: 200, batchSize: 32, checkpointEvery: 5, witnesses: 36 },
  },
  {
    id: 'progan',
    label: 'Progressive GAN',
    arch: 'progan',
    resolution: 128,
    about: 'Grows from 4×4 with fade-ins; WGAN-GP. Slow to start, steadier at higher resolutions.',
    defaults: { kimg: 600, batchSize: 16, phaseKimg: 60, checkpointEvery: 10, witnesses: 36 },
  },
  {
    id: 'stylegan2-finetune',
    label: 'StyleGAN2 fine-tune',
    arch: 'stylegan2',
    resolution: 256,
    about: "NVIDIA's pretrained network (e.g. FFHQ) trained further on this collection, with ADA. How the source projects worked.",
    defaults: { kimg: 200, batchSize: 16, checkpointEvery: 4, witnesses: 36, augment: 'ada', adaTarget: 0.6 },
  },
];

/**
 * Adam's settings each family trains with when the run gives none: the one place they live (the
 * models read them, the launcher shows them). DCGAN's and the thesis GAN's are Radford et al.'s;
 * the progressive GAN's Karras et al.'s; StyleGAN2's NVIDIA's (β₁ 0, lr 0.0025).
 */
export const FAMILY_OPTIMIZER: Record<RunRequest['arch'], { learningRate: number; beta1: number; beta2: number }> = {
  dcgan: { learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
  thesis: { learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
  progan: { learningRate: 1e-3, beta1: 0, beta2: 0.99 },
  stylegan2: { learningRate: 0.0025, beta1: 0, beta2: 0.99 },
  // NVlabs/stylegan's training loop (its G and D at 0.001 from 512 px down; the higher rates were for growing at low resolution).
  stylegan: { learningRate: 0.001, beta1: 0, beta2: 0.99 },
};

/**
 * The network settings each family uses when the run gives none: the one place they live (the
 * engine's models build with them, the launcher shows them). Radford et al.'s DCGAN, the thesis
 * GAN's Keras defaults, Karras et al.'s progressive GAN at a curator's scale, NVIDIA's StyleGAN2.
 */
export const FAMILY_MODEL = {
  dcgan: { zDim: 100, width: 64 },
  thesis: { zDim: 100, width: 64 },
  progan: { zDim: 256, width: 32, phaseKimg: 20, emaHalfLifeKimg: 10 },
  stylegan2: { zDim: 512, emaHalfLifeKimg: 10, adaTarget: 0.6, plWeight: 0, freezeD: 0 },
  stylegan: { zDim: 512, emaHalfLifeKimg: 10, adaTarget: 0.6, plWeight: 0, freezeD: 0 },
} as const;

/** Adam's learning rate each family trains with when the run gives none. */
export function familyLearningRate(arch: RunRequest['arch']): number {
  return FAMILY_OPTIMIZER[arch].learningRate;
}

/** One line per setting, for the launcher's form and the command line's help: the schema's own descriptions. */
export const SETTING_HELP: Record<string, string> = Object.fromEntries(
  Object.entries(RunRequest.shape).flatMap(([key, field]) => {
    const text = describedAs(field);
    return text ? [[key, text]] : [];
  }),
);
