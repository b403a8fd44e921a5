// What is looked at when a checkpoint is taken: the witnesses' grid (the run's fixed latents, a
// column of the timeline), the health verdict on a fixed set of samples against the same real
// portraits, and the quick quality measurement of those samples. Training does this as it writes
// each checkpoint; a run trained elsewhere gets the same review of each of its snapshots.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { DatasetFile } from '../../formats/dataset-file';
import { imageFeatures } from '../metrics/features';
import { assessHealth, DIVERSE, type HealthReport } from '../metrics/registry';
import type { HealthBest } from '../../../shared/health';
import type { GanModel } from '../models/gan-model';
import { Rng } from '../nn/rng';
import * as tf from '../tf';
import type { TrainCounters } from './checkpoint';
import { QuickQualityMeter, type QuickQuality } from './quick-quality';

/** How many generated and real images the health metrics compare at each checkpoint. */
const HEALTH_SAMPLES = 64;

export function shuffle(count: number, rng: Rng): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Generated images as uint8 NHWC bytes. */
async function generateBytes(model: GanModel, z: tf.Tensor2D): Promise<Uint8Array> {
  const images = tf.tidy(() => tf.cast(tf.clipByValue(tf.mul(tf.add(model.generate(z, false), 1), 127.5), 0, 255), 'int32'));
  const pixels = Uint8Array.from(await images.data());
  images.dispose();
  return pixels;
}

function split(bytes: Uint8Array, n: number): Uint8Array[] {
  const size = bytes.length / n;
  return Array.from({ length: n }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

/** The witnesses' images in a near-square grid, as a PNG. */
async function renderGrid(model: GanModel, witnesses: tf.Tensor2D, file: string): Promise<void> {
  const [n] = witnesses.shape;
  const [r, c] = [model.resolution, model.channels];
  const pixels = await generateBytes(model, witnesses);
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const grid = new Uint8Array(rows * r * cols * r * c);
  for (let i = 0; i < n; i++) {
    const gx = (i % cols) * r;
    const gy = Math.floor(i / cols) * r;
    for (let y = 0; y < r; y++) grid.set(pixels.subarray((i * r + y) * r * c, (i * r + y + 1) * r * c), ((gy + y) * cols * r + gx) * c);
  }
  await mkdir(join(file, '..'), { recursive: true });
  const png = sharp(grid, { raw: { width: cols * r, height: rows * r, channels: c as 1 | 3 } });
  await writeFile(file, await (c === 1 ? png.toColourspace('b-w') : png).png().toBuffer());
}

export interface RecentLosses {
  recent: { d: number[]; g: number[] };
  before: { d: number[]; g: number[] };
}

export class CheckpointReview {
  private constructor(
    private readonly model: GanModel,
    /** The run's fixed witness latents: drawn from their own generator, the same for every run with the same seed and size. */
    readonly witnesses: tf.Tensor2D,
    private readonly healthLatents: tf.Tensor2D,
    private readonly realFeatures: ReturnType<typeof imageFeatures>,
    private readonly quality: QuickQualityMeter,
    /** The best the run reached so far: until the samples first become diverse, low diversity is learning, not collapse. */
    private readonly best: HealthBest,
  ) {}

  static async open(model: GanModel, dataset: DatasetFile, seed: number, witnesses: number, bestBefore?: HealthBest): Promise<CheckpointReview> {
    const meta = dataset.meta;
    const healthCount = Math.min(HEALTH_SAMPLES, meta.count);
    const healthLatents = model.sampleLatents(healthCount, new Rng(seed ^ 0x4ea1));
    // Health compares the same latents and the same real portraits at every checkpoint.
    const realFeatures = imageFeatures(
      split(await dataset.readBatch(shuffle(meta.count, new Rng(seed ^ 0x4ea1)).slice(0, healthCount)), healthCount),
      meta.resolution,
      meta.channels,
    );
    const quality = await QuickQualityMeter.open(dataset, seed ^ 0x5d0);
    return new CheckpointReview(model, model.sampleLatents(witnesses, new Rng(seed ^ 0x317e55)), healthLatents, realFeatures, quality, {
      ...(bestBefore ?? { diversity: 0, precision: 0, recall: 0 }),
    });
  }

  /** Draws the witnesses into `witnessGrid` and judges the model as it stands at `counters`, `totalImages` into the run. */
  async review(
    counters: TrainCounters,
    totalImages: number,
    witnessGrid: string,
    losses: RecentLosses,
  ): Promise<{ health: HealthReport; quality: QuickQuality }> {
    await renderGrid(this.model, this.witnesses, witnessGrid);
    const [n] = this.healthLatents.shape;
    const generated = split(await generateBytes(this.model, this.healthLatents), n);
    const samples = imageFeatures(generated, this.model.resolution, this.model.channels);
    const measured = await this.quality.measure(generated, samples);
    // For at most a fifth of the run, and until the samples first become diverse, low diversity is learning.
    const stillLearning = !(this.best.diversity >= DIVERSE) && counters.imagesSeen < 0.2 * totalImages;
    const quality = { precision: measured.values['precision-image']!, recall: measured.values['recall-image']! };
    const untrained = counters.step === 0;
    const qualityReals = measured.settings.reals;
    const health = assessHealth({ samples, reals: this.realFeatures, losses, untrained, stillLearning, quality, qualityReals, best: { ...this.best } });
    // Flat grey lies at the middle of the portraits' thumbnails, so its precision is high and means
    // nothing: only diverse samples set the best precision (the untrained start sets no best at all).
    if (!untrained) {
      const finite = (x: number | undefined) => (Number.isFinite(x) ? x! : 0);
      const diverse = finite(health.metrics.diversity) >= DIVERSE;
      this.best.diversity = Math.max(this.best.diversity, finite(health.metrics.diversity));
      if (diverse) this.best.precision = Math.max(this.best.precision, finite(quality.precision));
      this.best.recall = Math.max(this.best.recall, finite(quality.recall));
    }
    return { health, quality: measured };
  }

  dispose(): void {
    this.witnesses.dispose();
    this.healthLatents.dispose();
  }
}
