// The launcher's starting points: an architecture with settings that suit a few hundred portraits,
// and one line per setting saying what it does, for the launcher's form.
import type { RunRequest } from './contract';

export interface RunPreset {
  id: string;
  label: string;
  arch: RunRequest['arch'];
  /** The dataset resolution the preset is meant for; the network always trains at the dataset's own. */
  resolution: number;
  about: string;
  defaults: Partial<RunRequest>;
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
};

/** Adam's learning rate each family trains with when the run gives none. */
export function familyLearningRate(arch: RunRequest['arch']): number {
  return FAMILY_OPTIMIZER[arch].learningRate;
}

/** One line per setting, for the launcher's form. */
export const SETTING_HELP: Record<string, string> = {
  epochs: 'Passes over the whole dataset. With ~600 portraits, faces appear after some tens; hundreds refine them.',
  kimg: 'Thousands of images shown to the discriminator; the progressive GAN grows on this clock.',
  batchSize: 'Images per step. Larger is steadier and faster per image, but needs more memory; at most the dataset size.',
  learningRate: "Adam's step size. Too high and training oscillates or collapses; halve it when a run collapses.",
  beta1: "Adam's momentum. 0.5 is DCGAN's choice; 0 for the progressive GAN.",
  dSteps: 'Discriminator steps per generator step. More when the generator wins too easily.',
  width: 'Channels of the networks (base width). Wider learns more detail, and costs quadratically.',
  zDim: 'Size of the latent vector a face is drawn from.',
  checkpointEvery: 'A checkpoint (and a column of the timeline) every this many epochs or kimg.',
  witnesses: 'Fixed latents drawn at every checkpoint: the rows of the timeline and the leporello.',
  seed: 'Same seed, same witnesses and same shuffling: two runs that differ only in one setting.',
  phaseKimg: 'Progressive GAN: kimg per fade-in and per stable phase at each resolution.',
  network: 'The pretrained network to start from; its resolution must be the dataset\'s.',
  augment: 'ADA augments what D sees so that a few hundred images do not make it overfit; p adapts by itself.',
  adaTarget: 'How sure D may be of the reals before augmentation increases (0.6 in StyleGAN2-ADA).',
  freezeD: 'FreezeD: keep the first K layers of the pretrained discriminator as they are (a few, for very small sets).',
  plWeight: "Path-length regularisation: keeps equal steps in W making equal changes in the face, for smoother blends. NVIDIA's weight is 2; 0 leaves it off and saves a double pass through G every 4th step.",
  backend: 'Where the engine computes. Auto takes the best that works here; each one says why it can or cannot run.',
};
