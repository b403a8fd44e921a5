// Quality measured at every checkpoint while a run trains, cheap enough to take each time: SWD of
// the health metrics' generated pictures (the same latents every time) against every real
// portrait — their side prepared once, 16 neighbourhoods each — and precision and recall on the
// health metrics' image features. The full measurement (face descriptors, more pictures) is a job
// of its own (jobs/measure-quality.ts).
import type { DatasetFile } from '../../formats/dataset-file';
import { imageBytes } from '../../formats/dataset-file';
import { imageFeatures } from '../metrics/features';
import { precisionRecall } from '../metrics/precision-recall';
import { SwdReference, type Projector } from '../metrics/swd';
import * as tf from '../tf';

/** At most this many real portraits (a fixed spread of a larger set): time and memory stay bounded. */
const MAX_REALS = 2000;
const REAL_NEIGHBOURHOODS = 16;
/** Neighbourhoods of the generated pictures, spread over them, per pyramid level. */
const FAKE_NEIGHBOURHOODS = 2048;

/** The projections as one matrix product on the run's backend (native GEMM on the CPU), sorted here. */
const projectOnBackend: Projector = async (desc, dim, dirs) => {
  const rows = desc.length / dim;
  const flat = new Float32Array(dim * dirs.length);
  dirs.forEach((d, k) => {
    for (let q = 0; q < dim; q++) flat[q * dirs.length + k] = d[q]!;
  });
  const product = tf.tidy(() => tf.matMul(tf.tensor2d(desc, [rows, dim]), tf.tensor2d(flat, [dim, dirs.length])));
  const data = (await product.data()) as Float32Array;
  product.dispose();
  return dirs.map((_, k) => Float32Array.from({ length: rows }, (_, row) => data[row * dirs.length + k]!).sort());
};

export interface QuickQuality {
  values: Record<string, number>;
  settings: { samples: number; reals: number; seed: number; features: string };
  seconds: number;
}

export class QuickQualityMeter {
  private constructor(
    private readonly swd: SwdReference,
    private readonly realFeatures: Float32Array[],
    private readonly reals: number,
    private readonly seed: number,
  ) {}

  static async open(dataset: DatasetFile, seed: number): Promise<QuickQualityMeter> {
    const { count, resolution: r, channels: c } = dataset.meta;
    const take = Math.min(count, MAX_REALS);
    const positions = Array.from({ length: take }, (_, i) => Math.floor((i * count) / take));
    const size = imageBytes(dataset.meta);
    const all = await dataset.readBatch(positions);
    const images = positions.map((_, i) => all.subarray(i * size, (i + 1) * size));
    const reference = await SwdReference.build(images, r, c, { perImage: REAL_NEIGHBOURHOODS, seed, project: projectOnBackend });
    return new QuickQualityMeter(reference, imageFeatures(images, r, c), take, seed);
  }

  /** The quality of generated pictures (NHWC uint8) whose image features are `features`. */
  async measure(fakes: Uint8Array[], features: Float32Array[]): Promise<QuickQuality> {
    const started = performance.now();
    const { precision, recall } = precisionRecall(this.realFeatures, features);
    const values = {
      swd: (await this.swd.distance(fakes, { perImage: Math.ceil(FAKE_NEIGHBOURHOODS / fakes.length) })).average,
      'precision-image': precision,
      'recall-image': recall,
    };
    return {
      values,
      settings: {
        samples: fakes.length,
        reals: this.reals,
        seed: this.seed,
        features: `quick: SWD with ${REAL_NEIGHBOURHOODS} neighbourhoods per real portrait, ${FAKE_NEIGHBOURHOODS} over the generated pictures; P/R on 16×16 grey thumbnails`,
      },
      seconds: (performance.now() - started) / 1000,
    };
  }
}
