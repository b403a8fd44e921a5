// NVIDIA's published StyleGAN2-ADA networks that suit portraits, as the studio offers them for
// download: where each lives, about how large it is, and the terms it comes with. Nothing is
// downloaded until the curator asks; the sizes are estimates from the networks' parameter counts
// (G, G_ema and D in float32) until the server states the real one, and a file's checksum is the
// one kept from its first download (NVIDIA publishes none).

export interface CatalogueNetwork {
  /** Short name used by the command line and kept with the download. */
  id: string;
  title: string;
  /** What it is for, in a curator's words. */
  about: string;
  url: string;
  resolution: number;
  /** An estimate (see above), in bytes. */
  approxBytes: number;
  license: string;
}

/** Where NVIDIA's files are served from; a mirror (LEPORELLO_NETWORK_MIRROR) replaces exactly this prefix. */
export const NVIDIA_CDN = 'https://nvlabs-fi-cdn.nvidia.com/';

const ADA = `${NVIDIA_CDN}stylegan2-ada-pytorch/pretrained/`;
const NC = 'NVIDIA Source Code License-NC (non-commercial)';
const FFHQ_TERMS = `${NC}; trained on FFHQ, whose images are CC BY-NC-SA 4.0`;

export const NETWORK_CATALOGUE: readonly CatalogueNetwork[] = [
  {
    id: 'ffhq-256',
    title: 'FFHQ 256 px (transfer source)',
    about: "Faces at 256 px, trained without augmentation: the starting point of NVIDIA's --resume=ffhq256, the quickest to fine-tune on a small collection.",
    url: `${ADA}transfer-learning-source-nets/ffhq-res256-mirror-paper256-noaug.pkl`,
    resolution: 256,
    approxBytes: 296e6,
    license: FFHQ_TERMS,
  },
  {
    id: 'ffhq-512',
    title: 'FFHQ 512 px (transfer source)',
    about: "Faces at 512 px: the starting point of NVIDIA's --resume=ffhq512.",
    url: `${ADA}transfer-learning-source-nets/ffhq-res512-mirror-stylegan2-noaug.pkl`,
    resolution: 512,
    approxBytes: 364e6,
    license: FFHQ_TERMS,
  },
  {
    id: 'ffhq-1024',
    title: 'FFHQ 1024 px (transfer source)',
    about: "Faces at 1024 px: the starting point of NVIDIA's --resume=ffhq1024; needs a GPU to fine-tune.",
    url: `${ADA}transfer-learning-source-nets/ffhq-res1024-mirror-stylegan2-noaug.pkl`,
    resolution: 1024,
    approxBytes: 382e6,
    license: FFHQ_TERMS,
  },
  {
    id: 'ffhq',
    title: 'FFHQ 1024 px',
    about: 'The published FFHQ generator (StyleGAN2 config F) for drawing and exploring faces.',
    url: `${ADA}ffhq.pkl`,
    resolution: 1024,
    approxBytes: 382e6,
    license: FFHQ_TERMS,
  },
  {
    id: 'metfaces',
    title: 'MetFaces 1024 px',
    about: "Portraits from the Metropolitan Museum's collection, fine-tuned from FFHQ with ADA: painted and drawn faces.",
    url: `${ADA}metfaces.pkl`,
    resolution: 1024,
    approxBytes: 382e6,
    license: `${NC}; trained on MetFaces (CC BY-NC 2.0) from FFHQ`,
  },
  {
    id: 'celebahq-256',
    title: 'CelebA-HQ 256 px (transfer source)',
    about: "Celebrity faces at 256 px: NVIDIA's --resume=celebahq256.",
    url: `${ADA}transfer-learning-source-nets/celebahq-res256-mirror-paper256-kimg100000-ada-target0.5.pkl`,
    resolution: 256,
    approxBytes: 296e6,
    license: `${NC}; trained on CelebA-HQ, for non-commercial research`,
  },
];

/** The file name a catalogue network is kept under. */
export function catalogueFileName(entry: CatalogueNetwork): string {
  return entry.url.slice(entry.url.lastIndexOf('/') + 1);
}
