// The one API contract between the untrusted renderer and the main process.
// Every method is a request schema and a response schema; the preload, the HTTP server and the
// renderer client are all typed from this table, and every request is parsed against it at the
// boundary before any service sees it.
import { z } from 'zod';
import type { FeatureReport } from './feature-report';
import { VERDICTS } from './health';

const id = z.number().int().positive();
const shortText = z.string().max(4000);
const labelKey = z
  .string()
  .trim()
  .min(1, 'a label key cannot be empty')
  .max(64)
  .regex(/^[\p{L}\p{N}_ .-]+$/u, 'a label key may hold letters, digits, space, "_", "-" and "."');
const labelValue = z.string().trim().min(1, 'a label value cannot be empty').max(200);
const name = z.string().trim().min(1, 'a name cannot be empty').max(120);

export const ImageStatus = z.enum(['ok', 'rejected', 'duplicate']);
export type ImageStatus = z.infer<typeof ImageStatus>;

export const Labels = z.record(z.string(), z.string());

export const ProjectSummary = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string(),
  imageCount: z.number().int(),
  /** Why the project cannot be opened (damaged, or from a newer Leporello); null when it can. */
  problem: z.string().nullable(),
});
export type ProjectSummary = z.infer<typeof ProjectSummary>;

export const Collection = z.object({
  id,
  name: z.string(),
  counts: z.object({ ok: z.number().int(), rejected: z.number().int(), duplicate: z.number().int() }),
});
export type Collection = z.infer<typeof Collection>;

/** What a grid tile needs: small, so thousands can be listed at once. */
export const ImageTile = z.object({
  id,
  collectionId: id,
  status: ImageStatus,
  reason: z.string().nullable(),
  thumbPath: z.string().nullable(),
  sourceName: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  labels: Labels,
});
export type ImageTile = z.infer<typeof ImageTile>;

export const ImageRecord = ImageTile.extend({
  sha256: z.string().nullable(),
  phash: z.string().nullable(),
  format: z.string().nullable(),
  bytes: z.number().int().nullable(),
  originalPath: z.string().nullable(),
  sourcePath: z.string(),
  archive: z.string(),
  notes: z.string(),
  rights: z.string(),
  sitter: z.string(),
  caption: z.string(),
  date: z.string(),
  /** The archive's own reference for the picture (a catalogue number, a path in its collection). */
  source: z.string(),
  duplicateOf: z.number().int().nullable(),
  importedAt: z.string(),
});
export type ImageRecord = z.infer<typeof ImageRecord>;

export const Provenance = z.object({
  archive: shortText,
  notes: shortText,
  rights: shortText,
  sitter: shortText,
  caption: shortText,
  date: shortText,
  source: shortText,
});
export const PROVENANCE_FIELDS = ['archive', 'notes', 'rights', 'sitter', 'caption', 'date', 'source'] as const;

export const ImportProgress = z.object({
  jobId: z.string(),
  phase: z.enum(['scanning', 'importing', 'done']),
  total: z.number().int(),
  done: z.number().int(),
  imported: z.number().int(),
  duplicates: z.number().int(),
  alreadyPresent: z.number().int(),
  rejected: z.number().int(),
  current: z.string().nullable(),
  imagesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
});
export type ImportProgress = z.infer<typeof ImportProgress>;

export const MetadataRole = z.enum(['file', 'sitter', 'caption', 'date', 'source', 'rights', 'label', 'ignore']);
export type MetadataRole = z.infer<typeof MetadataRole>;

/** What uses pictures about to be deleted: never broken by it, but named. */
export const ImageUsage = z.object({
  /** Datasets built from some of them (they keep their own copies and still train and print). */
  datasets: z.array(z.string()),
  /** Latents projected from some of them (they keep their vectors). */
  projectedLatents: z.number().int(),
});
export type ImageUsage = z.infer<typeof ImageUsage>;

export const ImportSummary = ImportProgress.extend({
  /** What 'import.undo' takes to remove everything this import added. */
  importId: z.string(),
  collectionId: id,
  cancelled: z.boolean(),
  error: z.string().nullable(),
  rejections: z.array(z.object({ path: z.string(), reason: z.string() })),
  duplicatesFound: z.array(z.object({ path: z.string(), duplicateOf: z.string() })),
  /** What a metadata sidecar gave: pictures matched to a row, and what matched nothing (the first of each). */
  metadata: z
    .object({
      file: z.string(),
      matched: z.number().int(),
      unmatchedFiles: z.array(z.string()),
      unmatchedFileCount: z.number().int(),
      unmatchedRows: z.array(z.string()),
      unmatchedRowCount: z.number().int(),
    })
    .nullable(),
});
export type ImportSummary = z.infer<typeof ImportSummary>;

export const CurationProgress = z.object({
  jobId: z.string(),
  done: z.number().int(),
  total: z.number().int(),
  faces: z.number().int(),
  noFace: z.number().int(),
  failed: z.number().int(),
  etaSeconds: z.number().nullable(),
});
export const CurationSummary = CurationProgress.extend({
  /** Pictures an earlier pass had looked at, left as they were. */
  skipped: z.number().int(),
  cancelled: z.boolean(),
  error: z.string().nullable(),
  problems: z.array(z.object({ imageId: z.number().int(), source: z.string(), reason: z.string() })),
  /** The backend the engine found the faces on. */
  backend: z.string().nullable(),
});
export type CurationSummary = z.infer<typeof CurationSummary>;

const point = z.tuple([z.number(), z.number()]);
/** What a quality flag is about (electron/services/curation/quality.ts). */
export const FlagKind = z.enum(['small', 'blurred', 'colour', 'aspect', 'second-look']);
export type FlagKind = z.infer<typeof FlagKind>;

export const FaceItem = z.object({
  id,
  imageId: id,
  source: z.string(),
  /** Project-relative: the picture, and the face's aligned crop. */
  originalPath: z.string(),
  alignedPath: z.string(),
  alignedSize: z.number().int(),
  status: z.enum(['kept', 'excluded']),
  reason: z.string().nullable(),
  /** Which detector pass found it (null for a crop placed by hand) and its confidence. */
  pass: z.string().nullable(),
  score: z.number().nullable(),
  /** The alignment square in the picture's pixels, and why the crop is smaller than asked, if it is. */
  quad: z.object({ topLeft: point, topRight: point, bottomLeft: point, side: z.number() }),
  limitedBy: z.string().nullable(),
  /** 68 landmarks as x0, y0, x1, y1, … in the picture's pixels. */
  landmarks: z.array(z.number()),
  flags: z.array(z.string()),
  /** Each flag's kind (quality.ts), in the same order. */
  flagKinds: z.array(FlagKind),
});
export type FaceItem = z.infer<typeof FaceItem>;
export const FacesQuery = z
  .object({
    collectionId: id.optional(),
    filter: z.enum(['all', 'kept', 'excluded', 'flagged']).default('all'),
    /** With filter 'flagged': only the faces flagged for this. */
    flag: FlagKind.optional(),
  })
  .strict();
export type FacesQuery = z.output<typeof FacesQuery>;
export const QualityThresholds = z
  .object({
    minFacePx: z.number().min(0).describe('Flag faces smaller than this in their source picture, in pixels.'),
    minSharpness: z.number().min(0).describe('Flag crops blurrier than this (variance of the Laplacian at 128 px).'),
    greyBelow: z
      .number()
      .min(0)
      .describe('Flag grey faces in a colour collection, and colour ones (of many hues, not one tint) in a grey or toned one, by this colourfulness.'),
    maxAspect: z.number().min(1).describe('Flag pictures longer than this to one side (a full figure, a strip).'),
  })
  .strict();

export const DatasetFit = z.enum(['crop', 'pad']);
export const Dataset = z.object({
  id,
  name: z.string(),
  collectionId: z.number().int().nullable(),
  label: z.object({ key: z.string(), value: z.string() }).nullable(),
  resolution: z.number().int(),
  channels: z.union([z.literal(1), z.literal(3)]),
  fit: DatasetFit,
  xflip: z.boolean(),
  /** The label whose values are the images' classes, and those values in class order; null when it has none. */
  classes: z.object({ key: z.string(), values: z.array(z.string()) }).nullable(),
  imageCount: z.number().int(),
  /** Project-relative folder holding images.u8 and dataset.json. */
  path: z.string(),
  sha256: z.string(),
  bytes: z.number().int(),
  createdAt: z.string(),
});
export type Dataset = z.infer<typeof Dataset>;

export const DatasetRequest = z
  .object({
    collectionId: id,
    name: name.describe("The dataset's name; from the collection and resolution when not given.").optional(),
    resolution: z
      .number()
      .int()
      .refine((r) => r >= 16 && r <= 1024 && (r & (r - 1)) === 0, 'resolution must be a power of two from 16 to 1024')
      .describe('Side of every image, a power of two from 16 to 1024: the size the networks train at.'),
    grayscale: z.boolean().default(false).describe('One grey channel instead of three colour ones.'),
    fit: DatasetFit.default('crop').describe('crop: fill the square, cutting the long side; pad: keep all of the picture, on black.'),
    xflip: z.boolean().default(false).describe('Add mirrored copies: twice the images for the discriminator.'),
    label: z.object({ key: labelKey, value: labelValue }).strict().optional().describe('Only the images with this label.'),
    classKey: labelKey
      .optional()
      .describe('The label whose values become classes (sorted by name): every image needs one. A conditional network fine-tunes on them.'),
  })
  .strict();
export type DatasetRequest = z.output<typeof DatasetRequest>;

export const DatasetProgress = z.object({ name: z.string(), done: z.number().int(), total: z.number().int(), etaSeconds: z.number().nullable() });
export type DatasetProgress = z.infer<typeof DatasetProgress>;

export const RunStatus = z.enum(['running', 'paused', 'stopped', 'finished', 'failed', 'interrupted']);
/** 'stylegan' (v1) runs only fine-tune an imported NVlabs/stylegan network: a StyleGAN2 run asked to start from one becomes one. */
export const Arch = z.enum(['dcgan', 'thesis', 'progan', 'stylegan2', 'stylegan']);
/** The style-based families: drawn from in W, with the style tools (truncation, style mixing). */
export function isStyleArch(arch: string): arch is 'stylegan2' | 'stylegan' {
  return arch === 'stylegan2' || arch === 'stylegan';
}
export const BackendPreference = z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']);

/** A schema's description, through the optional and default wrappers around it. */
export function describedAs(schema: z.ZodType): string | undefined {
  for (let s: z.ZodType | undefined = schema; s; s = (s.def as { innerType?: z.ZodType }).innerType) if (s.description) return s.description;
  return undefined;
}

export const RunRequest = z
  .object({
    datasetId: id.describe('The dataset to train on (a frozen, curated collection at one resolution).'),
    arch: Arch.describe('The model family: DCGAN, the thesis GAN, the progressive GAN, StyleGAN2, or StyleGAN (v1) fine-tuned from an imported network.'),
    name: name.describe("The run's name (its folder); numbered after the dataset and family when not given.").optional(),
    /** How long to train: whole passes over the dataset, or thousands of images; 25 epochs when neither is given. */
    epochs: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .describe('Passes over the whole dataset. With ~600 portraits, faces appear after some tens; hundreds refine them.')
      .optional(),
    kimg: z.number().positive().max(100_000).describe('Thousands of images shown to the discriminator; the progressive GAN grows on this clock.').optional(),
    batchSize: z
      .number()
      .int()
      .min(1)
      .max(1024)
      .describe('Images per step. Larger is steadier and faster per image, but needs more memory; at most the dataset size.')
      .default(64),
    dSteps: z.number().int().min(1).max(10).describe('Discriminator steps per generator step. More when the generator wins too easily.').default(1),
    /** Adam's settings; the model family's own when absent (FAMILY_OPTIMIZER in run-presets.ts). */
    learningRate: z
      .number()
      .positive()
      .max(1)
      .describe("Adam's step size. Too high and training oscillates or collapses; halve it when a run collapses.")
      .optional(),
    beta1: z.number().min(0).max(0.999).describe("Adam's momentum. 0.5 is DCGAN's choice; 0 for the progressive GAN.").optional(),
    beta2: z.number().min(0).max(0.9999).describe("Adam's second-moment decay. 0.999 for DCGAN; 0.99 for the progressive GAN and StyleGAN2.").optional(),
    backend: BackendPreference.describe('Where the engine computes. Auto takes the best that works here; each one says why it can or cannot run.').default(
      'auto',
    ),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .describe('Same seed, same witnesses and same shuffling: two runs that differ only in one setting.')
      .default(1),
    witnesses: z.number().int().min(1).max(256).describe('Fixed latents drawn at every checkpoint: the rows of the timeline and the leporello.').default(36),
    /** A checkpoint every this many epochs (a whole number) or kimg. */
    checkpointEvery: z.number().positive().max(10_000).describe('A checkpoint (and a column of the timeline) every this many epochs or kimg.').default(1),
    keepWeightsEvery: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .describe(
        'Keep the networks of every Nth checkpoint, and the latest; the others keep their witnesses (the timeline and the book need only those). Saves disk on long runs, but only kept ones can be forked, sampled or resumed from. Every one when not given.',
      )
      .optional(),
    width: z.number().int().min(2).max(512).describe('Channels of the networks (base width). Wider learns more detail, and costs quadratically.').optional(),
    zDim: z.number().int().min(2).max(1024).describe('Size of the latent vector a face is drawn from.').optional(),
    /** Progressive GAN: thousands of images per fade-in and per stable phase, and the half-life of G's moving average. */
    phaseKimg: z.number().positive().max(100_000).describe('Progressive GAN: kimg per fade-in and per stable phase at each resolution.').optional(),
    emaHalfLifeKimg: z
      .number()
      .positive()
      .max(10_000)
      .describe('Progressive GAN and StyleGAN2: half-life, in kimg, of the moving average of G that draws the witnesses.')
      .optional(),
    /** StyleGAN2: fine-tune this imported network (its resolution must be the dataset's). */
    network: id.describe("The pretrained network to start from; its resolution must be the dataset's.").optional(),
    augment: z.enum(['ada', 'none']).describe('ADA augments what D sees so that a few hundred images do not make it overfit; p adapts by itself.').optional(),
    /** ADA's target for the mean sign of D's real logits (0.6 in StyleGAN2-ADA). */
    adaTarget: z.number().min(0).max(1).describe('How sure D may be of the reals before augmentation increases (0.6 in StyleGAN2-ADA).').optional(),
    /** FreezeD: keep the first this many discriminator layers as they are. */
    freezeD: z
      .number()
      .int()
      .min(0)
      .max(64)
      .describe('FreezeD: keep the first K layers of the pretrained discriminator as they are (a few, for very small sets).')
      .optional(),
    r1Gamma: z
      .number()
      .min(0)
      .max(1000)
      .describe("StyleGAN2: weight of the R1 penalty on D's gradient at the real portraits; higher steadies D, lower learns finer detail.")
      .optional(),
    /** StyleGAN2: weight of the path-length regulariser (NVIDIA's 2; 0 leaves it off). */
    plWeight: z
      .number()
      .min(0)
      .max(100)
      .describe(
        "Path-length regularisation: keeps equal steps in W making equal changes in the face, for smoother blends. NVIDIA's weight is 2; 0 leaves it off and saves a double pass through G every 4th step.",
      )
      .optional(),
  })
  .strict()
  .refine((r) => r.epochs === undefined || r.kimg === undefined, { message: 'give either epochs or kimg, not both', path: ['kimg'] })
  .refine((r) => r.kimg !== undefined || Number.isInteger(r.checkpointEvery), {
    message: 'checkpointEvery counts whole epochs when training by epochs',
    path: ['checkpointEvery'],
  });
export type RunRequest = z.output<typeof RunRequest>;

/** A run for NVIDIA's multi-GPU trainer (train.py): the launcher's settings, and how many GPUs. */
export const ClusterRequest = z
  .object({
    datasetId: id,
    network: id.optional(),
    gpus: z
      .number()
      .int()
      .refine((n) => n >= 1 && n <= 64 && (n & (n - 1)) === 0, 'a power of two from 1 to 64')
      .describe("GPUs to train on; NVIDIA's trainer splits each batch among them.")
      .default(8),
    kimg: z.number().positive().max(100_000),
    batchSize: z.number().int().min(1).max(4096).optional(),
    r1Gamma: z.number().min(0).max(1000).optional(),
    augment: z.enum(['ada', 'none']).default('ada'),
    adaTarget: z.number().min(0).max(1).optional(),
    freezeD: z.number().int().min(0).max(64).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    checkpointEvery: z.number().positive().max(10_000).describe('A snapshot every this many kimg.'),
  })
  .strict();
export type ClusterRequest = z.output<typeof ClusterRequest>;

export const Checkpoint = z.object({
  id,
  epoch: z.number().int(),
  step: z.number().int(),
  imagesSeen: z.number().int(),
  kimg: z.number(),
  path: z.string(),
  sha256: z.string(),
  witnessGrid: z.string(),
  /** False where the run let this checkpoint's networks go (keepWeightsEvery): witnesses and health only. */
  weightsKept: z.boolean(),
  createdAt: z.string(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

export const RunHealth = z.object({
  /** The latest checkpoint's verdict, or failed when the run itself stopped with an error. */
  verdict: z.enum(VERDICTS),
  /** Where the current collapse began (epoch and kimg); null unless collapsing. */
  onsetEpoch: z.number().int().nullable(),
  onsetKimg: z.number().nullable(),
  epoch: z.number().int(),
  kimg: z.number(),
  metrics: z.record(z.string(), z.number().nullable()),
  reasons: z.array(z.string()),
  /** What to try, in words (none when healthy). */
  advice: z.array(z.string()),
});
export type RunHealth = z.infer<typeof RunHealth>;

export const RunOrigin = z.object({
  trainer: z.literal('stylegan2-ada-pytorch'),
  folder: z.string(),
  options: z.record(z.string(), z.unknown()),
  /** The snapshots' classes, when the network is conditional (0 otherwise). */
  cDim: z.number().int(),
});
export type RunOrigin = z.infer<typeof RunOrigin>;

export const Run = z.object({
  id,
  name: z.string(),
  datasetId: id,
  arch: z.string(),
  options: RunRequest,
  backend: z.string().nullable(),
  backendDetail: z.string().nullable(),
  status: RunStatus,
  reason: z.string().nullable(),
  parentRunId: z.number().int().nullable(),
  /** A run trained elsewhere and brought in: the trainer, the folder, and that trainer's own options. */
  origin: RunOrigin.nullable(),
  path: z.string(),
  lastCheckpoint: Checkpoint.nullable(),
  health: RunHealth.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Run = z.infer<typeof Run>;

export const RunProgress = z.object({
  runId: id,
  epoch: z.number().int(),
  /** Epochs to train, or null for a run measured in kimg (then kimgTotal). */
  epochs: z.number().int().nullable(),
  kimgTotal: z.number().nullable(),
  step: z.number().int(),
  stepsPerEpoch: z.number().int(),
  imagesSeen: z.number().int(),
  /** Images the whole run trains on, for a progress bar in either unit. */
  imagesTotal: z.number().int(),
  dLoss: z.number(),
  gLoss: z.number().nullable(),
  imagesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  /** A progressive GAN's current resolution and fade-in α. */
  stage: z.object({ resolution: z.number().int(), alpha: z.number() }).nullable(),
  /** ADA's augmentation probability (StyleGAN2), null for families that do not augment. */
  augmentP: z.number().nullable(),
  /** The step's statistics by name (`Loss/r1`, `D/signs`, `ADA/p`, `Timing/step_s`…). */
  stats: z.record(z.string(), z.number()).default({}),
});
export type RunProgress = z.infer<typeof RunProgress>;

export const Timeline = z.object({
  /** Columns are epochs, or kimg when either run is measured in kimg. */
  unit: z.enum(['epochs', 'kimg']),
  positions: z.array(z.number()),
  runs: z.array(
    z.object({
      runId: id,
      name: z.string(),
      witnesses: z.number().int(),
      resolution: z.number().int(),
      /** Per position: the witness grid written at that checkpoint, or null where the run has none. */
      cells: z.array(z.string().nullable()),
      /** The same grids with each witness at most `thumbSize` px, for the overview (the grid itself when already that small). */
      thumbs: z.array(z.string().nullable()),
      thumbSize: z.number().int(),
    }),
  ),
});

/** A run's losses and speed, downsampled to at most `points` buckets (mean, min and max of each). */
export const RunSeries = z.object({
  runId: id,
  unit: z.enum(['epochs', 'kimg']),
  batchSize: z.number().int(),
  stepsPerEpoch: z.number().int(),
  /** Per bucket: its last step, and the mean / min / max of each series over the bucket. */
  step: z.array(z.number().int()),
  dLoss: z.array(z.number()),
  dMin: z.array(z.number()),
  dMax: z.array(z.number()),
  gLoss: z.array(z.number().nullable()),
  imagesPerSecond: z.array(z.number().nullable()),
  /** Every other statistic the run stored (train-stats.ts), per bucket, by name. */
  stats: z.array(z.object({ name: z.string(), values: z.array(z.number().nullable()) })),
  /** Every checkpoint with its health, in order. */
  checkpoints: z.array(
    z.object({
      at: z.number(),
      step: z.number().int(),
      imagesSeen: z.number().int(),
      witnessGrid: z.string(),
      /** False where the run let this checkpoint's networks go (it keeps only every Nth): nothing to fork from. */
      weightsKept: z.boolean(),
      verdict: z.enum(VERDICTS).nullable(),
      metrics: z.record(z.string(), z.number().nullable()),
      reasons: z.array(z.string()),
    }),
  ),
  /** Where the current collapse began, in the run's unit; null unless collapsing. */
  onsetAt: z.number().nullable(),
});
export type RunSeries = z.infer<typeof RunSeries>;

/** What the health panel shows beside the numbers: the samples themselves, at one checkpoint. */
export const RunInspection = z.object({
  runId: id,
  at: z.number(),
  witnessGrid: z.string(),
  witnesses: z.number().int(),
  resolution: z.number().int(),
  /** Groups of witnesses (by index in the grid) that are near-duplicates of one another, largest first. */
  duplicateClusters: z.array(z.array(z.number().int())),
  /** The witnesses closest to a training portrait, closest first: that portrait (a project file) and how close, relative to real portraits' spacing. */
  nearest: z.array(z.object({ witness: z.number().int(), trainingImage: z.string(), ratio: z.number() })),
  /** What to try, each with the action the studio can take for it. */
  advice: z.array(
    z.object({
      text: z.string(),
      action: z
        .discriminatedUnion('kind', [
          z.object({ kind: z.literal('fork'), at: z.number(), learningRate: z.number() }),
          z.object({ kind: z.literal('curate') }),
          z.object({ kind: z.literal('augment') }),
          z.object({ kind: z.literal('restart') }),
        ])
        .nullable(),
    }),
  ),
});
export type RunInspection = z.infer<typeof RunInspection>;

export const RunEstimate = z.object({
  backend: z.string(),
  backendDetail: z.string(),
  stepsMeasured: z.number().int(),
  imagesPerSecond: z.number(),
  secondsPerEpoch: z.number(),
  /** The whole run at that speed, checkpoints aside. */
  secondsTotal: z.number(),
  /** One checkpoint on disk (networks, optimiser state, witnesses), as the warm-up wrote it. */
  checkpointBytes: z.number(),
  /** How many the run will write, the untrained start included. */
  checkpoints: z.number().int(),
  /** Of one checkpoint, what its networks and optimiser state take (the rest is its witnesses). */
  weightsBytes: z.number(),
  /** How many of them keep their networks (all, unless the run keeps only every Nth). */
  weightsKept: z.number().int(),
  diskBytes: z.number(),
  /** Free on the project's disk now. */
  freeBytes: z.number(),
});
export type RunEstimate = z.infer<typeof RunEstimate>;

/** What a run would need of the backend's memory at its batch, asked before it starts. */
export const RunLimits = z.object({
  /** The backend the run would train on here. */
  backend: z.string(),
  /** Estimated peak memory of a training step at the batch asked for. */
  memoryBytes: z.number(),
  /** What that backend can hold (wasm's 4 GB, the cpu backend's share of this machine); null for a GPU, whose memory the studio cannot know. */
  memoryLimitBytes: z.number().nullable(),
  largestBatch: z.number().int().nullable(),
  /** Why the batch cannot train here, with what would; null when it fits. */
  batchProblem: z.string().nullable(),
});
export type RunLimits = z.infer<typeof RunLimits>;

export const BackendAvailability = z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() }));

/** A pretrained network imported into the project (NVIDIA's StyleGAN2 and StyleGAN v1 pickles). */
export const Network = z.object({
  id,
  name: z.string(),
  arch: z.enum(['stylegan2', 'stylegan']),
  sourceFile: z.string(),
  sourceSha256: z.string(),
  resolution: z.number().int(),
  channels: z.number().int(),
  zDim: z.number().int(),
  wDim: z.number().int(),
  cDim: z.number().int(),
  /** One line: G and D architectures, mapping depth, channel base / max. */
  architecture: z.string(),
  /** The terms it came with, shown at import and kept with it. */
  license: z.string(),
  path: z.string(),
  bytes: z.number().int(),
  createdAt: z.string(),
});
export type Network = z.infer<typeof Network>;

/** One of NVIDIA's published networks (shared/network-catalogue.ts) and where the studio has it. */
export const CatalogueState = z.object({
  id: z.string(),
  title: z.string(),
  about: z.string(),
  /** Where it is fetched from (NVIDIA's address, or the mirror's). */
  url: z.string(),
  resolution: z.number().int(),
  approxBytes: z.number(),
  license: z.string(),
  fileName: z.string(),
  /** Size of the complete download kept in the studio's downloads/ folder, or null. */
  downloadedBytes: z.number().nullable(),
  /** What a cut or cancelled download left to resume from, or null. */
  partialBytes: z.number().nullable(),
  /** The sha256 kept from its first download. */
  sha256: z.string().nullable(),
  /** The open project's network made from it, or null. */
  networkId: id.nullable(),
});
export type CatalogueState = z.infer<typeof CatalogueState>;

/** A StyleGAN2 generator to draw from: an imported network, or a fine-tuned run at a checkpoint (its last by default). */
export const GeneratorRef = z.union([z.object({ networkId: id }).strict(), z.object({ runId: id, checkpointId: id.optional() }).strict()]);
export type GeneratorRef = z.infer<typeof GeneratorRef>;

export const GeneratorSource = z.object({
  ref: GeneratorRef,
  /** What the curator reads: the network's or the run's name, and which checkpoint. */
  label: z.string(),
  /** The family: only StyleGAN2 generators can be exported for NVIDIA's tools. */
  arch: z.enum(['stylegan2', 'stylegan']),
  resolution: z.number().int(),
  cDim: z.number().int(),
  /** The classes' names where they are known (a run fine-tuned on a dataset's label values), in class order. */
  classNames: z.array(z.string()).nullable(),
  /** Style layers (W vectors) of the synthesis network: coarse, middle and fine styles are ranges of them. */
  numWs: z.number().int(),
  license: z.string().nullable(),
});
export type GeneratorSource = z.infer<typeof GeneratorSource>;

const seedList = z.array(
  z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
);
const psi = z.number().min(-2).max(2).describe('Truncation ψ: 1 draws faces as trained; toward 0 they approach the average face.');
const classIndex = z.number().int().min(0).max(4095).optional().describe("A conditional network's class.");

export const GenerateSeedsRequest = z
  .object({
    source: GeneratorRef,
    seeds: seedList.min(1).max(64).describe("Seeds: seed N draws the same z as NVIDIA's generate.py."),
    psi: psi.default(1),
    cutoff: z
      .number()
      .int()
      .min(0)
      .max(64)
      .nullable()
      .default(null)
      .describe("Truncate only the first this many style layers (by default all; a StyleGAN (v1) network's own cutoff, 8 in NVIDIA's)."),
    noise: z
      .enum(['const', 'random', 'none'])
      .default('const')
      .describe("The synthesis network's noise: the network's constant noise, fresh random noise, or none."),
    classIndex,
  })
  .strict();

export const InterpolateRequest = z
  .object({
    source: GeneratorRef,
    fromSeed: seedList.element.describe('The seed of the first face.'),
    toSeed: seedList.element.describe('The seed of the last face.'),
    steps: z.number().int().min(2).max(32).default(9).describe('Faces along the path, both ends included.'),
    space: z.enum(['w', 'z']).default('w').describe("w: a straight line between the faces' W; z: the great circle between their latents."),
    easing: z.enum(['linear', 'smooth']).default('linear').describe('smooth: slow in and out at the ends; linear: at one pace.'),
    psi: psi.default(1),
    classIndex,
  })
  .strict();

export const StyleMixRequest = z
  .object({
    source: GeneratorRef,
    rowSeeds: seedList.min(1).max(8).describe('Seeds of the rows: the faces that take the styles.'),
    colSeeds: seedList.min(1).max(8).describe('Seeds of the columns: the faces that give their styles.'),
    /** Which styles the rows take from the columns: a named range of layers, or the layers themselves. */
    styles: z.union([z.enum(['coarse', 'middle', 'fine']), z.array(z.number().int().min(0).max(63)).min(1).max(64)]),
    psi: psi.default(1),
    classIndex,
  })
  .strict();

export const AppInfo = z.object({
  version: z.string(),
  shell: z.enum(['electron', 'browser']),
  projectsRoot: z.string(),
  ffmpeg: z.object({ path: z.string().nullable(), source: z.string(), message: z.string() }),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** Any generator the latent tools draw from: a network, or a run of any architecture at a checkpoint. */
export const LatentGenerator = z.object({
  ref: GeneratorRef,
  /** Which latents belong to it (network:N, run:R:C for DCGAN and progressive GAN, run:R:C for StyleGAN2). */
  key: z.string(),
  label: z.string(),
  arch: z.string(),
  space: z.enum(['z', 'w']),
  resolution: z.number().int(),
  /** A conditional network's classes (0 when it has none): its seeds map with one. */
  cDim: z.number().int(),
});
export type LatentGenerator = z.infer<typeof LatentGenerator>;

export const LatentSummary = z.object({
  id,
  name: z.string().nullable(),
  kind: z.string(),
  source: z.string(),
  imageId: id.nullable(),
  labels: z.record(z.string(), z.string()),
  detail: z.record(z.string(), z.unknown()),
});
export type LatentSummary = z.infer<typeof LatentSummary>;

export const Anchor = z
  .string()
  .regex(/^(seed|latent|image):\d{1,9}$|^label:[^=,]{1,60}=[^,]{1,60}$/, 'an anchor is seed:N, latent:ID, image:ID or label:key=value');
/** A vector given as it is (a path file on the command line can hold one), with a name for captions. */
const VectorAnchor = z.object({ vector: z.array(z.number().finite()).min(1).max(4096), name: z.string().max(80).optional() }).strict();
const fileStem = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[\p{L}\p{N} _.-]+$/u, 'a file name of letters, digits, spaces, dots, dashes and underscores');
const easing = z.enum(['linear', 'smooth']).describe('smooth: slow in and out at each keyframe; linear: at one pace');
const latentIds = z.array(id).min(1).max(500);
const QualityMetricName = z.enum(['swd', 'kid', 'fd', 'pr', 'fid', 'kid-inception']);
const jobBackend = BackendPreference.optional().describe('Where the engine computes; the best that works here when not given.');

/**
 * Long work, each kind run as one job in an engine process: its progress and end come as job
 * events, and its result has one type per kind (JobResults). Output files are named by `name`
 * and always lie under the project's renders/.
 */
/** Which of a collection's pictures face the learning on the recto, and in what order. */
export const RectoChoice = z
  .object({
    from: z.enum(['portraits', 'faces']).default('portraits').describe("portraits: the imported pictures whole; faces: the kept faces' aligned crops"),
    label: z
      .string()
      .regex(/^[^=]+=.+$/, 'a label is key=value')
      .optional()
      .describe('only pictures with this label (key=value)'),
    pick: z
      .array(id)
      .min(1)
      .max(400)
      .optional()
      .describe('these pictures (portrait or face ids, as chosen above), in this order, one per panel; all of them spread evenly otherwise'),
  })
  .strict();
export type RectoChoice = z.infer<typeof RectoChoice>;

/** A leporello book: what its job is asked, and what the Book view previews (books.plan) before it is. */
export const LeporelloRequest = z
  .object({
    kind: z.literal('leporello'),
    collectionId: id,
    recto: RectoChoice.default({ from: 'portraits' }),
    verso: z.union([
      z
        .object({
          runId: id,
          untilCheckpointId: id
            .optional()
            .describe('end the timeline at this checkpoint (the best by a quality metric, say): the learning up to it, not what came after'),
        })
        .strict(),
      z.object({ videoRenderId: id }).strict(),
    ]),
    panels: z
      .number()
      .int()
      .min(2)
      .max(400)
      .describe('panels of the strip (the command line: for a run, its checkpoints with witnesses, at most 46; needed with a video)'),
    panelWidthMm: z.number().min(30).max(1000),
    panelHeightMm: z.number().min(30).max(1000),
    sheet: z.enum(['strip', 'A4', 'A3']).default('strip').describe('strip: long sheets for a print shop; A4 or A3: home printing, joined with glue tabs'),
    bleedMm: z.number().min(0).max(10).default(3),
    marginMm: z.number().min(0).max(100).default(10),
    background: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb')
      .default('#ffffff'),
    columns: z.number().int().min(1).max(8).default(1).describe('verso: checkpoints (or frames) across each panel'),
    rows: z.number().int().min(1).max(8).default(3).describe('verso: witnesses (or frames) down each panel'),
    witnesses: z.array(z.number().int().min(0).max(4095)).max(8).optional().describe('verso: which witnesses, one per row (the first ones by default)'),
    upscale: z
      .boolean()
      .default(false)
      .describe('enlarge pictures that would print below 300 dpi to 300 dpi (Lanczos: smoother pixels, no new detail); the book says how many'),
    title: z.string().max(200).optional(),
    name: fileStem,
  })
  .strict();

/** One picture of a planned panel: a project file, a witness cut from its checkpoint's grid, or a video's frame. */
export const BookPicture = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), file: z.string(), width: z.number().int(), height: z.number().int() }),
  z.object({ kind: z.literal('cell'), file: z.string(), index: z.number().int(), perRow: z.number().int(), side: z.number().int() }),
  z.object({ kind: z.literal('frame'), frame: z.number().int() }),
]);
export type BookPicture = z.infer<typeof BookPicture>;

/** What a book's panels will hold, one entry per panel in reading order (null: left empty). */
export const BookPlan = z.object({
  recto: z.array(z.object({ pictures: z.array(BookPicture), columns: z.number().int(), rows: z.number().int(), caption: z.string() }).nullable()),
  verso: z.array(z.object({ pictures: z.array(BookPicture), columns: z.number().int(), rows: z.number().int(), caption: z.string() }).nullable()),
  warnings: z.array(z.string()),
  /** Why this book cannot be made as asked (too few checkpoints, an empty collection), said before it is tried; null when it can. */
  problem: z.string().nullable(),
});
export type BookPlan = z.infer<typeof BookPlan>;

export const JobRequest = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('seeds'),
      ref: GeneratorRef,
      backend: jobBackend,
      seeds: z
        .array(
          z
            .number()
            .int()
            .min(0)
            .max(2 ** 31 - 1),
        )
        .min(1)
        .max(500)
        .describe('the seeds to draw latents from'),
      classIndex: classIndex.describe("A conditional network's class for every seed (seed N's own, N mod the classes, when not given)."),
      name: name.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('draw'), ref: GeneratorRef, backend: jobBackend, ids: latentIds.describe('the latents to draw, side by side') }).strict(),
  /** The frames of a keyframe path through latents, as one strip: the pictures a blend video is made of. */
  z
    .object({
      kind: z.literal('path'),
      ref: GeneratorRef,
      backend: jobBackend,
      ids: z.array(id).min(2).max(64).describe('the keyframes, in order'),
      frames: z.number().int().min(2).max(256).default(12).describe('frames along the whole path, holds included'),
      hold: z.number().int().min(0).max(256).default(0).describe('still frames at each keyframe'),
      loop: z.boolean().default(false).describe('back to the first keyframe, to repeat without a seam'),
      easing: easing.default('linear'),
    })
    .strict(),
  /** New latents from others: a mean, a sum or difference of two, a truncation toward the average face, a label's centroid. */
  z
    .object({
      kind: z.literal('arithmetic'),
      ref: GeneratorRef,
      backend: jobBackend,
      operation: z.enum(['mean', 'add', 'subtract', 'truncate', 'centroid']),
      ids: z.array(id).max(500).optional(),
      psi: z.number().min(-2).max(2).optional().describe('truncation: 1 leaves the latent, 0 gives the average face'),
      label: z.object({ key: labelKey, value: labelValue }).strict().optional(),
      name: name.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('project'),
      ref: GeneratorRef,
      backend: jobBackend,
      imageId: id,
      steps: z.number().int().min(1).max(5000).default(300).describe('optimisation steps'),
      featureWeight: z.number().min(0).max(100).default(1).describe('weight of the face-descriptor distance in the loss (0 leaves it out)'),
      name: name.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('video'),
      ref: GeneratorRef,
      backend: jobBackend,
      anchors: z
        .array(z.union([Anchor, VectorAnchor]))
        .min(2)
        .max(64),
      seconds: z.number().positive().max(3600).describe('length of the path, holds included'),
      fps: z.number().min(1).max(120).default(30).describe('frames per second'),
      size: z
        .number()
        .int()
        .min(16)
        .max(4096)
        .multipleOf(2, 'H.264 in yuv420p needs an even size: give an even number of pixels')
        .optional()
        .describe("side of the video in pixels (upscaled with Lanczos); the generator's own by default"),
      easing: easing.default('smooth'),
      loop: z.boolean().default(false).describe('back to the first anchor at the end'),
      hold: z.number().min(0).max(60).default(0).describe('seconds to hold at each anchor'),
      title: z.string().max(200).optional().describe('a title card before the path'),
      titleSeconds: z.number().positive().max(30).default(3).describe('how long the title card lasts'),
      prores: z.boolean().default(false).describe('also a ProRes 422 HQ .mov, for editing'),
      name: fileStem,
    })
    .strict(),
  z
    .object({
      kind: z.literal('analyze'),
      ref: GeneratorRef,
      feature: labelKey,
      shrinkage: z.number().min(0).max(0.99).optional().describe("LDA's shrinkage toward a scaled identity (chosen from the counts when not given)"),
    })
    .strict(),
  z
    .object({
      kind: z.literal('generate'),
      ref: GeneratorRef,
      backend: jobBackend,
      feature: labelKey,
      value: labelValue,
      count: z.number().int().min(1).max(500).default(16).describe('faces to generate'),
      multiplier: z.number().min(1).max(1000).default(2).describe("how many times the requested value's probability must exceed every other's"),
      startSeed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .optional()
        .describe('the first seed drawn (a random one when not given)'),
    })
    .strict(),
  LeporelloRequest,
  /** A run NVIDIA's train.py wrote elsewhere (its folder of snapshots, options and statistics), brought in as a run. */
  z
    .object({
      kind: z.literal('import-run'),
      folder: z.string().min(1).max(4096).describe('the folder train.py wrote: network-snapshot-*.pkl, training_options.json, stats.jsonl'),
      datasetId: id.optional().describe('the dataset it was trained on (the only one at its resolution by default)'),
      name: name.optional().describe("the run's name (the folder's by default)"),
      into: id.optional().describe('a run imported before: only the snapshots past its last checkpoint are brought in'),
      backend: jobBackend,
    })
    .strict(),
  /** One of NVIDIA's published networks (shared/network-catalogue.ts), downloaded when not yet, verified and imported. */
  z
    .object({
      kind: z.literal('fetch-network'),
      network: z.string().min(1).max(64).describe("the list's name for it, e.g. ffhq-256"),
      name: name.optional().describe("the network's name in the project (the list's by default)"),
    })
    .strict(),
  /** How close a generator's pictures come to the real portraits: one checkpoint, every checkpoint of a run, or an imported network against a dataset. */
  z
    .object({
      kind: z.literal('metrics'),
      source: z.union([
        z
          .object({
            runId: id,
            checkpointId: id.optional().describe('one checkpoint; the latest when neither this nor every is given'),
            every: z.boolean().optional().describe('every checkpoint of the run'),
          })
          .strict(),
        z.object({ networkId: id, datasetId: id.describe('the portraits to compare with') }).strict(),
      ]),
      metrics: z
        .array(QualityMetricName)
        .min(1)
        .max(6)
        .optional()
        .describe('swd; kid, fd and pr on face descriptors; fid and kid-inception once the Inception weights are imported (all available ones by default)'),
      samples: z
        .number()
        .int()
        .min(8)
        .max(10_000)
        .default(256)
        .describe('generated pictures measured: the latents of seeds 0 … N−1, the same at every checkpoint'),
      reals: z.number().int().min(8).max(100_000).optional().describe('real portraits compared with (a fixed spread of the dataset; all of them by default)'),
      backend: jobBackend,
    })
    .strict(),
  z
    .object({
      kind: z.literal('contact-sheet'),
      source: z.union([
        z.object({ collectionId: id }).strict(),
        z.object({ runId: id, checkpointId: id.optional() }).strict(),
        z.object({ videoRenderId: id }).strict(),
      ]),
      count: z.number().int().min(1).max(5000).optional().describe('pictures (spread evenly over the collection, the witnesses or the video)'),
      columns: z.number().int().min(1).max(40).default(6),
      cell: z.number().int().min(16).max(2048).default(192).describe('PNG: side of each picture, in pixels'),
      format: z.enum(['png', 'pdf']).default('png').describe('png: one picture; pdf: A4 pages with the pictures at their own resolution'),
      title: z.string().max(200).optional(),
      name: fileStem,
    })
    .strict(),
]);
export type JobRequest = z.input<typeof JobRequest>;
export type ParsedJobRequest = z.output<typeof JobRequest>;
export type JobKind = JobRequest['kind'];

const LatentsMade = z.object({ latents: z.array(LatentSummary), backend: z.string() });
const Strip = z.object({ file: z.string(), width: z.number().int(), height: z.number().int(), backend: z.string() });
const RenderedFile = z.object({ file: z.string(), render: id, warnings: z.array(z.string()), seconds: z.number() });

/** What each kind of job answers. Files are project-relative where they lie in the project. */
export const JobResults = {
  'fetch-network': z.object({
    network: Network,
    downloaded: z.boolean(),
    resumedFrom: z.number(),
    sha256: z.string(),
    firstDownload: z.boolean(),
    bytes: z.number(),
    imported: z.boolean(),
    seconds: z.number(),
  }),
  'import-run': z.object({
    runId: id,
    name: z.string(),
    snapshots: z.number().int(),
    skippedLines: z.number().int(),
    seconds: z.number(),
    backend: z.string(),
  }),
  seeds: LatentsMade,
  arithmetic: LatentsMade.extend({ backend: z.string().nullable() }),
  draw: Strip.extend({ latents: z.array(id) }),
  path: Strip.extend({ frames: z.number().int(), keyframes: z.array(id), loop: z.boolean() }),
  project: z.object({
    latent: LatentSummary,
    mse: z.number(),
    msssim: z.number(),
    featureDistance: z.number().nullable(),
    steps: z.number().int(),
    seconds: z.number(),
    loss: z.string(),
    /** The latent's drawing, when asked for (the command line's --out). */
    file: z.string().nullable(),
    backend: z.string(),
  }),
  video: z.object({
    files: z.array(z.string()),
    renders: z.array(id),
    frames: z.number().int(),
    seconds: z.number(),
    elapsed: z.number(),
    framesPerSecond: z.number(),
    anchors: z.array(z.string()),
    backend: z.string(),
  }),
  analyze: z.object({ report: z.custom<FeatureReport>((v) => typeof v === 'object' && v !== null), file: z.string().nullable() }),
  generate: LatentsMade.extend({ attempts: z.number().int(), acceptance: z.number() }),
  leporello: RenderedFile.extend({
    pages: z.number().int(),
    sheets: z.number().int(),
    pageWidthMm: z.number(),
    pageHeightMm: z.number(),
    stripLengthMm: z.number(),
    lowestDpi: z.object({ recto: z.number().nullable(), verso: z.number().nullable() }),
  }),
  metrics: z.object({
    measured: z.array(z.object({ checkpointId: id.nullable(), at: z.number().nullable(), values: z.record(z.string(), z.number()) })),
    samples: z.number().int(),
    reals: z.number().int(),
    seconds: z.number(),
    backend: z.string(),
  }),
  'contact-sheet': RenderedFile.extend({
    pictures: z.number().int(),
    pages: z.number().int().nullable(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
  }),
} satisfies Record<JobKind, z.ZodType>;
export type JobResult<K extends JobKind> = z.infer<(typeof JobResults)[K]>;

export const JobProgress = z.object({
  jobId: id,
  kind: z.string(),
  done: z.number(),
  total: z.number(),
  secondsLeft: z.number().nullable(),
  message: z.string(),
});
export type JobProgress = z.infer<typeof JobProgress>;

const jobKinds = Object.keys(JobResults) as [JobKind, ...JobKind[]];
/** A job's end: its kind's result, or why it failed (cancelled jobs say so and leave no file). */
export type JobFinished =
  | { [K in JobKind]: { jobId: number; kind: K; ok: true; result: JobResult<K>; error: null; cancelled: false } }[JobKind]
  | { jobId: number; kind: JobKind; ok: false; result: null; error: string; cancelled: boolean };
export const JobFinished = z.union([
  ...jobKinds.map((kind) =>
    z.object({ jobId: id, kind: z.literal(kind), ok: z.literal(true), result: JobResults[kind], error: z.null(), cancelled: z.literal(false) }),
  ),
  z.object({ jobId: id, kind: z.enum(jobKinds), ok: z.literal(false), result: z.null(), error: z.string(), cancelled: z.boolean() }),
] as unknown as [z.ZodType, z.ZodType]) as unknown as z.ZodType<JobFinished>;

export const RenderRecord = z.object({
  id,
  kind: z.enum(['video', 'leporello', 'contact-sheet']),
  path: z.string(),
  sha256: z.string(),
  bytes: z.number().int(),
  generator: z.string().nullable(),
  settings: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type RenderRecord = z.infer<typeof RenderRecord>;

const empty = z.object({}).strict();
const method = <Q extends z.ZodType, R extends z.ZodType>(request: Q, response: R) => ({ request, response });

export const contract = {
  'app.info': method(empty, AppInfo),
  'projects.list': method(empty, z.object({ projects: z.array(ProjectSummary), current: ProjectSummary.nullable() })),
  /** "Try the sample project": the shipped sample imported and curated, its run started (sample.progress on the way). */
  'projects.createSample': method(empty, z.object({ project: ProjectSummary, runId: id })),
  'projects.cancelSample': method(empty, z.object({ cancelled: z.boolean() })),
  'projects.create': method(z.object({ name }).strict(), ProjectSummary),
  'projects.open': method(z.object({ path: z.string().min(1) }).strict(), ProjectSummary),
  /** The whole project folder, once its name is typed (`name` must be the project's). */
  'projects.delete': method(z.object({ path: z.string().min(1), name: z.string().max(200) }).strict(), z.object({ deleted: z.boolean() })),
  'collections.list': method(empty, z.array(Collection)),
  'collections.create': method(z.object({ name }).strict(), Collection),
  'images.list': method(
    z
      .object({
        collectionId: id.optional(),
        status: ImageStatus.optional(),
        label: z.object({ key: labelKey, value: labelValue }).strict().optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(100_000).default(100_000),
      })
      .strict(),
    z.object({ total: z.number().int(), items: z.array(ImageTile) }),
  ),
  'images.get': method(z.object({ id }).strict(), ImageRecord),
  'images.updateProvenance': method(z.object({ id }).merge(Provenance.partial()).strict(), ImageRecord),
  'labels.list': method(empty, z.array(z.object({ key: z.string(), values: z.array(z.object({ value: z.string(), count: z.number().int() })) }))),
  'labels.set': method(
    z.object({ imageIds: z.array(id).min(1).max(100_000), key: labelKey, value: labelValue }).strict(),
    z.object({ updated: z.number().int() }),
  ),
  'labels.remove': method(z.object({ imageIds: z.array(id).min(1).max(100_000), key: labelKey }).strict(), z.object({ updated: z.number().int() })),
  'import.start': method(
    z
      .object({
        paths: z.array(z.string().min(1)).min(1, 'name at least one file or folder to import').max(10_000),
        collection: name,
        labels: z.record(labelKey, labelValue).optional(),
        archive: z.string().max(200).optional(),
        /** A CSV or JSON sidecar: file name → sitter, caption, date, source, rights, labels. */
        metadata: z.string().min(1).max(4096).optional(),
        /** Where each of its columns goes, where not by its header (see 'import.previewMetadata'). */
        metadataRoles: z.record(z.string().max(200), MetadataRole).optional(),
      })
      .strict(),
    z.object({ jobId: z.string() }),
  ),
  'import.previewMetadata': method(
    z.object({ path: z.string().min(1).max(4096), roles: z.record(z.string().max(200), MetadataRole).optional() }).strict(),
    z.object({
      rows: z.number().int(),
      columns: z.array(z.object({ name: z.string(), role: MetadataRole, examples: z.array(z.string()) })),
    }),
  ),
  'import.cancel': method(z.object({ jobId: z.string() }).strict(), z.object({ cancelled: z.boolean() })),
  /** Takes an import back: what it added, the collection it created, and what it changed on pictures already there (`restored`). */
  'import.undo': method(
    z.object({ importId: z.string().min(1).max(100) }).strict(),
    z.object({ deleted: z.number().int(), collectionRemoved: z.boolean(), restored: z.number().int() }),
  ),
  /** What uses these pictures, said before they are deleted. */
  'images.usage': method(z.object({ ids: z.array(id).min(1).max(100_000) }).strict(), ImageUsage),
  'images.delete': method(z.object({ ids: z.array(id).min(1).max(100_000) }).strict(), z.object({ deleted: z.number().int() })),
  'collections.delete': method(z.object({ id }).strict(), z.object({ deleted: z.number().int() })),
  'dialog.chooseImportPaths': method(empty, z.object({ paths: z.array(z.string()) })),
  'datasets.list': method(empty, z.array(Dataset)),
  'datasets.create': method(DatasetRequest, Dataset),
  'runs.list': method(empty, z.array(Run)),
  'runs.start': method(RunRequest, Run),
  'runs.stop': method(z.object({ runId: id }).strict(), Run),
  'runs.pause': method(z.object({ runId: id }).strict(), Run),
  'runs.resume': method(z.object({ runId: id }).strict(), Run),
  'runs.fork': method(
    z
      .object({
        runId: id,
        /** The checkpoint to continue from, by its epoch or kimg (the parent's unit); the latest when absent. */
        at: z.number().min(0).optional(),
        name: name.optional(),
        /** The fork's length, in the parent's unit; the parent's when absent. */
        epochs: z.number().int().min(1).max(100_000).optional(),
        kimg: z.number().positive().max(100_000).optional(),
        learningRate: z.number().positive().max(1).optional(),
        batchSize: z.number().int().min(1).max(1024).optional(),
        dSteps: z.number().int().min(1).max(10).optional(),
        backend: BackendPreference.optional(),
      })
      .strict(),
    Run,
  ),
  'curation.start': method(
    z
      .object({
        collectionId: id.optional(),
        masterSize: z
          .number()
          .int()
          .min(16)
          .max(4096)
          .default(1024)
          .describe('Side of the aligned crops, in pixels (smaller where the source is: never upscaled).'),
        backend: BackendPreference.default('auto').describe('Where the faces are found. Auto takes the best that works here.'),
      })
      .strict(),
    z.object({ jobId: z.string() }),
  ),
  'curation.cancel': method(z.object({ jobId: z.string() }).strict(), z.object({ cancelled: z.boolean() })),
  'faces.list': method(
    FacesQuery,
    z.object({
      items: z.array(FaceItem),
      /**
       * Pictures curation found no face in (or could not read), for the curator to place a crop by
       * hand or set aside; those set aside carry the curator's reason, and come last.
       */
      noFace: z.array(z.object({ imageId: id, source: z.string(), originalPath: z.string(), reason: z.string(), setAside: z.string().nullable() })),
      counts: z.object({
        kept: z.number().int(),
        excluded: z.number().int(),
        flagged: z.number().int(),
        /** Without a face and not set aside: still to be dealt with. */
        noFace: z.number().int(),
        setAside: z.number().int(),
        /** Of those waiting, the ones an older version of the detector looked at: worth a look again. */
        olderDetector: z.number().int(),
        /** Faces flagged, per kind of flag (a face may have several). */
        byFlag: z.array(z.object({ kind: FlagKind, faces: z.number().int() })),
        notLookedAt: z.number().int(),
      }),
    }),
  ),
  /** Pictures without a face set aside with a reason (out of the curator's to-do list), or brought back. */
  'pictures.setAside': method(
    z.object({ imageIds: z.array(id).min(1).max(100_000), reason: z.string().trim().min(1).max(500) }).strict(),
    z.object({ updated: z.number().int() }),
  ),
  'pictures.bringBack': method(z.object({ imageIds: z.array(id).min(1).max(100_000) }).strict(), z.object({ updated: z.number().int() })),
  /** Pictures without a face (these, or all of a collection's not set aside) to be looked at again by the next curation pass. */
  'pictures.lookAgain': method(
    z.object({ imageIds: z.array(id).min(1).max(100_000).optional(), collectionId: id.optional() }).strict(),
    z.object({ queued: z.number().int() }),
  ),
  'faces.setStatus': method(
    z.object({ faceIds: z.array(id).min(1).max(100_000), status: z.enum(['kept', 'excluded']), reason: z.string().trim().min(1).max(500).optional() }).strict(),
    z.object({ updated: z.number().int() }),
  ),
  'faces.placeByHand': method(
    z.object({ imageId: id, leftEye: point, rightEye: point, mouth: point, masterSize: z.number().int().min(16).max(4096).default(1024) }).strict(),
    z.object({ faceId: id }),
  ),
  'duplicates.list': method(
    z.object({ collectionId: id.optional() }).strict(),
    z.array(
      z.object({
        faces: z.array(z.object({ faceId: id, imageId: id, source: z.string(), sourceSide: z.number(), sharpness: z.number() })),
        /** Pictures joined by the whole-picture look alone: a copy whose face was not found, or found elsewhere. */
        pictures: z.array(z.object({ imageId: id, source: z.string(), thumbPath: z.string() })),
        /** The face to keep; null when the cluster holds pictures only (no face to choose). */
        keeper: id.nullable(),
        scores: z.array(z.object({ a: id, b: id, score: z.number() })),
        /** Residuals of the picture pairs (image ids) that the whole-picture look joined. */
        picturePairs: z.array(z.object({ a: id, b: id, residual: z.number() })),
      }),
    ),
  ),
  'duplicates.keep': method(
    z
      .object({
        keeperFaceId: id,
        faceIds: z.array(id).min(1).max(10_000),
        /** The cluster's pictures joined by the whole picture: set aside (no face) or their faces excluded. */
        pictureIds: z.array(id).max(10_000).optional(),
      })
      .strict(),
    z.object({ excluded: z.number().int(), setAside: z.number().int() }),
  ),
  'quality.thresholds': method(QualityThresholds.partial(), QualityThresholds),
  'runs.timeline': method(z.object({ runId: id, vsRunId: id.optional() }).strict(), Timeline),
  'runs.live': method(empty, z.array(RunProgress)),
  'runs.series': method(z.object({ runId: id, points: z.number().int().min(10).max(5000).default(800) }).strict(), RunSeries),
  /** A run's measured quality, per checkpoint: the newest full measurement of each metric, else the quick one. */
  'runs.quality': method(
    z.object({ runId: id }).strict(),
    z.object({
      unit: z.enum(['epochs', 'kimg']),
      checkpoints: z.array(
        z.object({
          checkpointId: id,
          at: z.number(),
          values: z.record(z.string(), z.number()),
          quick: z.array(z.string()),
          /** False where the run let its networks go (it keeps only every Nth): witnesses and scores, nothing to draw from. */
          weightsKept: z.boolean(),
        }),
      ),
    }),
  ),
  'runs.inspect': method(z.object({ runId: id, at: z.number().min(0).optional() }).strict(), RunInspection),
  'runs.delete': method(z.object({ runId: id }).strict(), z.object({ deleted: z.string(), filesRemoved: z.number().int() })),
  'runs.estimate': method(RunRequest, RunEstimate),
  /** The run's memory need on the backend it would train on, for the launcher's batch field (no training). */
  'runs.limits': method(RunRequest, RunLimits),
  /** Each run's folder on disk, in bytes (checkpoints, witnesses, curves). */
  'runs.diskUse': method(empty, z.array(z.object({ runId: id, bytes: z.number() }))),
  'runs.exportTimeline': method(
    z.object({ runId: id, vsRunId: id.optional(), witnesses: z.array(z.number().int().min(0).max(255)).max(256).optional() }).strict(),
    z.object({ path: z.string(), width: z.number().int(), height: z.number().int() }),
  ),
  'backends.probe': method(empty, BackendAvailability),
  'networks.list': method(empty, z.array(Network)),
  /** NVIDIA's published networks the studio can fetch, and which are downloaded or in the project. */
  'networks.catalogue': method(empty, z.array(CatalogueState)),
  /** Imports a network pickle from a path on the studio's machine (chosen in a file dialog or typed). */
  'networks.import': method(z.object({ path: z.string().min(1).max(4096), name: name.optional() }).strict(), Network),
  /**
   * Writes a network, or a StyleGAN2 run at a checkpoint, as a pickle NVIDIA's tools load (their
   * TensorFlow layout: weights and settings, no code) into the project's renders/networks/.
   */
  'networks.exportPickle': method(
    z.object({ source: GeneratorRef }).strict(),
    z.object({ path: z.string(), bytes: z.number().int(), label: z.string(), license: z.string().nullable() }),
  ),
  /** The train.py command for a run on a cluster; with write, its folder (archive, network pickle, train.sh) in renders/cluster/. */
  'cluster.prepare': method(
    ClusterRequest.extend({ write: z.boolean().default(false) }),
    z.union([
      z.object({ cfg: z.string(), command: z.string(), notes: z.array(z.string()), dir: z.string().nullable(), files: z.array(z.string()) }),
      /** Why train.py cannot train it (a preview says so instead of failing). */
      z.object({ refusal: z.string() }),
    ]),
  ),
  /** Every generator the style tools can draw from: imported networks and StyleGAN2 runs with a checkpoint. */
  'generate.sources': method(empty, z.array(GeneratorSource)),
  /** Every generator the latent tools work with: networks, and runs of every architecture with a checkpoint. */
  /** Networks, and runs at their latest checkpoint; with `also`, that checkpoint of a run too (first). */
  'latents.generators': method(z.object({ also: z.object({ runId: id, checkpointId: id }).strict().optional() }).strict(), z.array(LatentGenerator)),
  'latents.list': method(z.object({ ref: GeneratorRef }).strict(), z.array(LatentSummary)),
  /** The questionnaire's answers: key = value on latents of the generator ("invalid" for an unreadable face). */
  'latents.label': method(
    z.object({ ref: GeneratorRef, ids: z.array(id).min(1).max(1000), key: labelKey, value: labelValue }).strict(),
    z.object({ labelled: z.number().int() }),
  ),
  'jobs.start': method(JobRequest, z.object({ jobId: id })),
  'jobs.cancel': method(z.object({ jobId: id }).strict(), z.object({ cancelled: z.boolean() })),
  'renders.list': method(empty, z.array(RenderRecord)),
  /** The pictures a recto may be chosen from (a collection's portraits or kept faces, with a label), for picking and ordering. */
  'books.rectoCandidates': method(
    z.object({ collectionId: id, recto: RectoChoice.omit({ pick: true }).default({ from: 'portraits' }) }).strict(),
    z.array(z.object({ id, file: z.string(), thumb: z.string(), width: z.number().int(), height: z.number().int(), caption: z.string() })),
  ),
  /** What a book would hold, panel by panel, for the Book view's preview: nothing is rendered. */
  'books.plan': method(LeporelloRequest.omit({ kind: true, name: true, title: true }), BookPlan),
  'generate.seeds': method(
    GenerateSeedsRequest,
    z.object({ backend: z.string(), seconds: z.number(), images: z.array(z.object({ seed: z.number().int(), path: z.string() })) }),
  ),
  'generate.interpolate': method(
    InterpolateRequest,
    z.object({ backend: z.string(), seconds: z.number(), path: z.string(), width: z.number().int(), height: z.number().int(), steps: z.number().int() }),
  ),
  'generate.styleMix': method(
    StyleMixRequest,
    z.object({
      backend: z.string(),
      seconds: z.number(),
      path: z.string(),
      width: z.number().int(),
      height: z.number().int(),
      resolution: z.number().int(),
      styles: z.array(z.number().int()),
    }),
  ),
} as const;

export type Contract = typeof contract;
export type Method = keyof Contract;
export type Request<M extends Method> = z.input<Contract[M]['request']>;
export type ParsedRequest<M extends Method> = z.output<Contract[M]['request']>;
export type Response<M extends Method> = z.output<Contract[M]['response']>;
export const methods = Object.keys(contract) as Method[];

export const events = {
  'import.progress': ImportProgress,
  'import.finished': ImportSummary,
  'project.changed': z.object({ project: ProjectSummary.nullable() }),
  'images.changed': z.object({ collectionId: id.nullable() }),
  'dataset.progress': DatasetProgress,
  'curation.progress': CurationProgress,
  'curation.finished': CurationSummary,
  'sample.progress': z.object({ step: z.enum(['import', 'curate', 'dataset', 'train']), done: z.number(), total: z.number(), message: z.string() }),
  'run.progress': RunProgress,
  'run.changed': Run,
  'job.progress': JobProgress,
  'job.finished': JobFinished,
  /** A run's health turned to collapsing or failed at this checkpoint (once per turn, not per checkpoint). */
  'run.health': z.object({ runId: id, name: z.string(), health: RunHealth }),
  /** The desktop app's menu or a notification asks the window to go somewhere or to import what was chosen. */
  'shell.menu': z.discriminatedUnion('action', [
    z.object({ action: z.literal('navigate'), hash: z.string().regex(/^#\/[\w/-]*$/) }),
    z.object({ action: z.literal('import'), paths: z.array(z.string()).min(1) }),
  ]),
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: EventPayload<E>;
}

export const ErrorCode = z.enum(['invalid_request', 'unknown_method', 'not_found', 'conflict', 'no_project', 'unavailable', 'cancelled', 'internal']);
export type ErrorCode = z.infer<typeof ErrorCode>;
export interface ApiError {
  code: ErrorCode;
  message: string;
}
export type Reply<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(contract, name);
}
