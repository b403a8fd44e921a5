// The one API contract between the untrusted renderer and the main process.
// Every method is a request schema and a response schema; the preload, the HTTP server and the
// renderer client are all typed from this table, and every request is parsed against it at the
// boundary before any service sees it.
import { z } from 'zod';

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
  duplicateOf: z.number().int().nullable(),
  importedAt: z.string(),
});
export type ImageRecord = z.infer<typeof ImageRecord>;

export const Provenance = z.object({ archive: shortText, notes: shortText, rights: shortText });

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

export const ImportSummary = ImportProgress.extend({
  collectionId: id,
  cancelled: z.boolean(),
  error: z.string().nullable(),
  rejections: z.array(z.object({ path: z.string(), reason: z.string() })),
  duplicatesFound: z.array(z.object({ path: z.string(), duplicateOf: z.string() })),
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
});
export type CurationSummary = z.infer<typeof CurationSummary>;

const point = z.tuple([z.number(), z.number()]);
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
});
export type FaceItem = z.infer<typeof FaceItem>;
export const FacesQuery = z
  .object({ collectionId: id.optional(), filter: z.enum(['all', 'kept', 'excluded', 'flagged']).default('all') })
  .strict();
export type FacesQuery = z.output<typeof FacesQuery>;
export const QualityThresholds = z
  .object({ minFacePx: z.number().min(0), minSharpness: z.number().min(0), greyBelow: z.number().min(0), maxAspect: z.number().min(1) })
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
    name: name.optional(),
    resolution: z
      .number()
      .int()
      .refine((r) => r >= 16 && r <= 1024 && (r & (r - 1)) === 0, 'resolution must be a power of two from 16 to 1024'),
    grayscale: z.boolean().default(false),
    fit: DatasetFit.default('crop'),
    xflip: z.boolean().default(false),
    label: z.object({ key: labelKey, value: labelValue }).strict().optional(),
  })
  .strict();
export type DatasetRequest = z.output<typeof DatasetRequest>;

export const DatasetProgress = z.object({ name: z.string(), done: z.number().int(), total: z.number().int(), etaSeconds: z.number().nullable() });
export type DatasetProgress = z.infer<typeof DatasetProgress>;

export const RunStatus = z.enum(['running', 'paused', 'stopped', 'finished', 'failed', 'interrupted']);
export const Arch = z.enum(['dcgan', 'thesis', 'progan', 'stylegan2']);
export const BackendPreference = z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']);

export const RunRequest = z
  .object({
    datasetId: id,
    arch: Arch,
    name: name.optional(),
    /** How long to train: whole passes over the dataset, or thousands of images; 25 epochs when neither is given. */
    epochs: z.number().int().min(1).max(100_000).optional(),
    kimg: z.number().positive().max(100_000).optional(),
    batchSize: z.number().int().min(1).max(1024).default(64),
    dSteps: z.number().int().min(1).max(10).default(1),
    /** Adam's settings; the model family's own when absent (FAMILY_OPTIMIZER in run-presets.ts). */
    learningRate: z.number().positive().max(1).optional(),
    beta1: z.number().min(0).max(0.999).optional(),
    beta2: z.number().min(0).max(0.9999).optional(),
    backend: BackendPreference.default('auto'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    witnesses: z.number().int().min(1).max(256).default(36),
    /** A checkpoint every this many epochs (a whole number) or kimg. */
    checkpointEvery: z.number().positive().max(10_000).default(1),
    width: z.number().int().min(2).max(512).optional(),
    zDim: z.number().int().min(2).max(1024).optional(),
    /** Progressive GAN: thousands of images per fade-in and per stable phase, and the half-life of G's moving average. */
    phaseKimg: z.number().positive().max(100_000).optional(),
    emaHalfLifeKimg: z.number().positive().max(10_000).optional(),
    /** StyleGAN2: fine-tune this imported network (its resolution must be the dataset's). */
    network: id.optional(),
    augment: z.enum(['ada', 'none']).optional(),
    /** ADA's target for the mean sign of D's real logits (0.6 in StyleGAN2-ADA). */
    adaTarget: z.number().min(0).max(1).optional(),
    /** FreezeD: keep the first this many discriminator layers as they are. */
    freezeD: z.number().int().min(0).max(64).optional(),
    r1Gamma: z.number().min(0).max(1000).optional(),
    /** StyleGAN2: weight of the path-length regulariser (NVIDIA's 2; 0 leaves it off). */
    plWeight: z.number().min(0).max(100).optional(),
  })
  .strict()
  .refine((r) => r.epochs === undefined || r.kimg === undefined, { message: 'give either epochs or kimg, not both', path: ['kimg'] })
  .refine((r) => r.kimg !== undefined || Number.isInteger(r.checkpointEvery), { message: 'checkpointEvery counts whole epochs when training by epochs', path: ['checkpointEvery'] });
export type RunRequest = z.output<typeof RunRequest>;

export const Checkpoint = z.object({
  id,
  epoch: z.number().int(),
  step: z.number().int(),
  imagesSeen: z.number().int(),
  kimg: z.number(),
  path: z.string(),
  sha256: z.string(),
  witnessGrid: z.string(),
  createdAt: z.string(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

export const RunHealth = z.object({
  verdict: z.enum(['healthy', 'collapsed']),
  /** Where the current collapse began (epoch and kimg); null when healthy. */
  onsetEpoch: z.number().int().nullable(),
  onsetKimg: z.number().nullable(),
  epoch: z.number().int(),
  kimg: z.number(),
  metrics: z.record(z.string(), z.number().nullable()),
  reasons: z.array(z.string()),
});
export type RunHealth = z.infer<typeof RunHealth>;

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
      verdict: z.enum(['healthy', 'collapsed']).nullable(),
      metrics: z.record(z.string(), z.number().nullable()),
      reasons: z.array(z.string()),
    }),
  ),
  /** Where the current collapse began, in the run's unit; null when healthy. */
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
      action: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('fork'), at: z.number(), learningRate: z.number() }),
        z.object({ kind: z.literal('curate') }),
        z.object({ kind: z.literal('augment') }),
      ]).nullable(),
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
});
export type RunEstimate = z.infer<typeof RunEstimate>;

export const BackendAvailability = z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() }));

/** A pretrained network imported into the project (NVIDIA's StyleGAN2 pickles). */
export const Network = z.object({
  id,
  name: z.string(),
  arch: z.literal('stylegan2'),
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

/** A StyleGAN2 generator to draw from: an imported network, or a fine-tuned run at a checkpoint (its last by default). */
export const GeneratorRef = z.union([z.object({ networkId: id }).strict(), z.object({ runId: id, checkpointId: id.optional() }).strict()]);
export type GeneratorRef = z.infer<typeof GeneratorRef>;

export const GeneratorSource = z.object({
  ref: GeneratorRef,
  /** What the curator reads: the network's or the run's name, and which checkpoint. */
  label: z.string(),
  resolution: z.number().int(),
  cDim: z.number().int(),
  /** Style layers (W vectors) of the synthesis network: coarse, middle and fine styles are ranges of them. */
  numWs: z.number().int(),
  license: z.string().nullable(),
});
export type GeneratorSource = z.infer<typeof GeneratorSource>;

const seedList = z.array(z.number().int().min(0).max(2 ** 32 - 1));
const psi = z.number().min(-2).max(2);
const classIndex = z.number().int().min(0).max(4095).optional();

export const GenerateSeedsRequest = z
  .object({
    source: GeneratorRef,
    seeds: seedList.min(1).max(64),
    /** Truncation ψ: 1 draws faces as trained, toward 0 they approach the average face. */
    psi: psi.default(1),
    /** Truncate only the first this many style layers (null: all). */
    cutoff: z.number().int().min(0).max(64).nullable().default(null),
    noise: z.enum(['const', 'random', 'none']).default('const'),
    classIndex,
  })
  .strict();

export const InterpolateRequest = z
  .object({
    source: GeneratorRef,
    fromSeed: seedList.element,
    toSeed: seedList.element,
    /** Faces along the path, both ends included. */
    steps: z.number().int().min(2).max(32).default(9),
    /** 'w': a straight line between the two faces' W; 'z': the great circle between their latents. */
    space: z.enum(['w', 'z']).default('w'),
    easing: z.enum(['linear', 'smooth']).default('linear'),
    psi: psi.default(1),
    classIndex,
  })
  .strict();

export const StyleMixRequest = z
  .object({
    source: GeneratorRef,
    rowSeeds: seedList.min(1).max(8),
    colSeeds: seedList.min(1).max(8),
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

export const Anchor = z.string().regex(/^(seed|latent|image):\d{1,9}$|^label:[^=,]{1,60}=[^,]{1,60}$/, 'an anchor is seed:N, latent:ID, image:ID or label:key=value');
const fileStem = z.string().trim().min(1).max(80).regex(/^[\p{L}\p{N} _.-]+$/u, 'a file name of letters, digits, spaces, dots, dashes and underscores');

/** Long work on a generator, run in its own process; its progress and end come as job events. */
export const JobRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('seeds'), ref: GeneratorRef, seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(500) }).strict(),
  z.object({ kind: z.literal('draw'), ref: GeneratorRef, ids: z.array(id).min(1).max(500) }).strict(),
  /** New latents from others: a mean, a sum or difference of two, a truncation toward the average face, a label's centroid. */
  z
    .object({
      kind: z.literal('arithmetic'),
      ref: GeneratorRef,
      operation: z.enum(['mean', 'add', 'subtract', 'truncate', 'centroid']),
      ids: z.array(id).max(500).optional(),
      psi: z.number().min(-2).max(2).optional(),
      label: z.object({ key: labelKey, value: labelValue }).strict().optional(),
      name: name.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('project'), ref: GeneratorRef, imageId: id, steps: z.number().int().min(1).max(5000) }).strict(),
  z
    .object({
      kind: z.literal('video'),
      ref: GeneratorRef,
      anchors: z.array(Anchor).min(2).max(64),
      seconds: z.number().positive().max(3600),
      fps: z.number().min(1).max(120),
      size: z.number().int().min(16).max(4096).multipleOf(2).optional(),
      easing: z.enum(['linear', 'smooth']),
      loop: z.boolean(),
      hold: z.number().min(0).max(60),
      title: z.string().max(200).optional(),
      prores: z.boolean(),
      name: fileStem,
    })
    .strict(),
  z.object({ kind: z.literal('analyze'), ref: GeneratorRef, feature: labelKey }).strict(),
  z.object({ kind: z.literal('generate'), ref: GeneratorRef, feature: labelKey, value: labelValue, count: z.number().int().min(1).max(500), multiplier: z.number().min(1).max(1000) }).strict(),
  z
    .object({
      kind: z.literal('leporello'),
      collectionId: id,
      verso: z.union([z.object({ runId: id }).strict(), z.object({ videoRenderId: id }).strict()]),
      panels: z.number().int().min(2).max(400),
      panelWidthMm: z.number().min(30).max(1000),
      panelHeightMm: z.number().min(30).max(1000),
      sheet: z.enum(['strip', 'A4', 'A3']),
      bleedMm: z.number().min(0).max(10),
      marginMm: z.number().min(0).max(100),
      background: z.string().regex(/^#[0-9a-fA-F]{6}$/),
      columns: z.number().int().min(1).max(8),
      rows: z.number().int().min(1).max(8),
      title: z.string().max(200).optional(),
      name: fileStem,
    })
    .strict(),
]);
export type JobRequest = z.infer<typeof JobRequest>;
export type JobKind = JobRequest['kind'];

export const JobProgress = z.object({ jobId: id, kind: z.string(), done: z.number(), total: z.number(), secondsLeft: z.number().nullable(), message: z.string() });
export type JobProgress = z.infer<typeof JobProgress>;
/** A job's end: its CLI's JSON answer, or why it failed (cancelled jobs say so and leave no file). */
export const JobFinished = z.object({ jobId: id, kind: z.string(), ok: z.boolean(), result: z.unknown(), error: z.string().nullable(), cancelled: z.boolean() });
export type JobFinished = z.infer<typeof JobFinished>;

export const RenderRecord = z.object({ id, kind: z.enum(['video', 'leporello', 'contact-sheet']), path: z.string(), sha256: z.string(), bytes: z.number().int(), generator: z.string().nullable(), settings: z.record(z.string(), z.unknown()), createdAt: z.string() });
export type RenderRecord = z.infer<typeof RenderRecord>;

const empty = z.object({}).strict();
const method = <Q extends z.ZodType, R extends z.ZodType>(request: Q, response: R) => ({ request, response });

export const contract = {
  'app.info': method(empty, AppInfo),
  'projects.list': method(empty, z.object({ projects: z.array(ProjectSummary), current: ProjectSummary.nullable() })),
  'projects.create': method(z.object({ name }).strict(), ProjectSummary),
  'projects.open': method(z.object({ path: z.string().min(1) }).strict(), ProjectSummary),
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
  'labels.remove': method(
    z.object({ imageIds: z.array(id).min(1).max(100_000), key: labelKey }).strict(),
    z.object({ updated: z.number().int() }),
  ),
  'import.start': method(
    z
      .object({
        paths: z.array(z.string().min(1)).min(1, 'name at least one file or folder to import').max(10_000),
        collection: name,
        labels: z.record(labelKey, labelValue).optional(),
        archive: z.string().max(200).optional(),
      })
      .strict(),
    z.object({ jobId: z.string() }),
  ),
  'import.cancel': method(z.object({ jobId: z.string() }).strict(), z.object({ cancelled: z.boolean() })),
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
        masterSize: z.number().int().min(16).max(4096).default(1024),
        backend: BackendPreference.default('auto'),
      })
      .strict(),
    z.object({ jobId: z.string() }),
  ),
  'curation.cancel': method(z.object({ jobId: z.string() }).strict(), z.object({ cancelled: z.boolean() })),
  'faces.list': method(
    FacesQuery,
    z.object({
      items: z.array(FaceItem),
      /** Pictures curation found no face in (or could not read), for the curator to place a crop by hand. */
      noFace: z.array(z.object({ imageId: id, source: z.string(), originalPath: z.string(), reason: z.string() })),
      counts: z.object({ kept: z.number().int(), excluded: z.number().int(), flagged: z.number().int(), noFace: z.number().int(), notLookedAt: z.number().int() }),
    }),
  ),
  'faces.setStatus': method(
    z
      .object({ faceIds: z.array(id).min(1).max(100_000), status: z.enum(['kept', 'excluded']), reason: z.string().trim().min(1).max(500).optional() })
      .strict(),
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
        keeper: id,
        scores: z.array(z.object({ a: id, b: id, score: z.number() })),
      }),
    ),
  ),
  'duplicates.keep': method(z.object({ keeperFaceId: id, faceIds: z.array(id).min(1).max(10_000) }).strict(), z.object({ excluded: z.number().int() })),
  'quality.thresholds': method(QualityThresholds.partial(), QualityThresholds),
  'runs.timeline': method(z.object({ runId: id, vsRunId: id.optional() }).strict(), Timeline),
  'runs.live': method(empty, z.array(RunProgress)),
  'runs.series': method(z.object({ runId: id, points: z.number().int().min(10).max(5000).default(800) }).strict(), RunSeries),
  'runs.inspect': method(z.object({ runId: id, at: z.number().min(0).optional() }).strict(), RunInspection),
  'runs.delete': method(z.object({ runId: id }).strict(), z.object({ deleted: z.string(), filesRemoved: z.number().int() })),
  'runs.estimate': method(RunRequest, RunEstimate),
  'runs.exportTimeline': method(
    z.object({ runId: id, vsRunId: id.optional(), witnesses: z.array(z.number().int().min(0).max(255)).max(256).optional() }).strict(),
    z.object({ path: z.string(), width: z.number().int(), height: z.number().int() }),
  ),
  'backends.probe': method(empty, BackendAvailability),
  'networks.list': method(empty, z.array(Network)),
  /** Imports a network pickle from a path on the studio's machine (chosen in a file dialog or typed). */
  'networks.import': method(z.object({ path: z.string().min(1).max(4096), name: name.optional() }).strict(), Network),
  /** Every generator the style tools can draw from: imported networks and StyleGAN2 runs with a checkpoint. */
  'generate.sources': method(empty, z.array(GeneratorSource)),
  /** Every generator the latent tools work with: networks, and runs of every architecture with a checkpoint. */
  'latents.generators': method(empty, z.array(LatentGenerator)),
  'latents.list': method(z.object({ ref: GeneratorRef }).strict(), z.array(LatentSummary)),
  /** The questionnaire's answers: key = value on latents of the generator ("invalid" for an unreadable face). */
  'latents.label': method(z.object({ ref: GeneratorRef, ids: z.array(id).min(1).max(1000), key: labelKey, value: labelValue }).strict(), z.object({ labelled: z.number().int() })),
  'jobs.start': method(JobRequest, z.object({ jobId: id })),
  'jobs.cancel': method(z.object({ jobId: id }).strict(), z.object({ cancelled: z.boolean() })),
  'renders.list': method(empty, z.array(RenderRecord)),
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
    z.object({ backend: z.string(), seconds: z.number(), path: z.string(), width: z.number().int(), height: z.number().int(), resolution: z.number().int(), styles: z.array(z.number().int()) }),
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
  'run.progress': RunProgress,
  'run.changed': Run,
  'job.progress': JobProgress,
  'job.finished': JobFinished,
  /** A run's health turned to collapsed at this checkpoint. */
  'run.collapsed': z.object({ runId: id, name: z.string(), health: RunHealth }),
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
