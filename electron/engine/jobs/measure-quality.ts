// A generator's quality against a dataset's real portraits (metrics/quality.ts): the same fixed
// seeds drawn at every checkpoint, the same real portraits each time, their face descriptors kept
// between jobs of this process (a run's checkpoints are measured one after another), and so are
// their Inception features for true FID and KID. Progress by phase; a cancel stops between batches.
import { DatasetFile, imageBytes } from '../../formats/dataset-file';
import { selectBackend, type BackendName } from '../backends';
import { latentGenerator } from '../generators';
import { loadFaceFeatures } from '../latent/face-features';
import { drawBatch } from '../latent/latent-images';
import { loadInception, type InceptionNet } from '../metrics/inception';
import { measure, onFeatures, onInception, type QualityMetric, type QualityValues } from '../metrics/quality';
import * as tf from '../tf';
import type { GeneratorSpec } from './generator-spec';
import { throwIfCancelled, turn, type EngineJob } from './job';

export interface QualityRequest {
  generator: GeneratorSpec;
  backend?: BackendName | 'auto';
  datasetDir: string;
  metrics: QualityMetric[];
  /** Generated pictures: the latents of seeds 0 … samples − 1, the same at every checkpoint. */
  samples: number;
  /** At most this many real portraits (a fixed spread of them), all when absent. */
  reals?: number;
  seed: number;
  /** The imported Inception weights (formats/inception-weights.ts), when FID or KID is asked for. */
  inceptionDir?: string;
}

export type QualityResult = QualityValues & { samples: number; reals: number; seconds: number; backend: string };

const BATCH = 16;

/** Descriptors of NHWC uint8 pictures, in batches. */
async function descriptors(images: Uint8Array[], r: number, c: number, signal: AbortSignal, onBatch: (done: number) => void): Promise<Float32Array[]> {
  const features = await loadFaceFeatures();
  const out: Float32Array[] = [];
  for (let i = 0; i < images.length; i += BATCH) {
    throwIfCancelled(signal, 'the measurement');
    const part = images.slice(i, i + BATCH);
    const flat = new Float32Array(part.length * r * r * c);
    part.forEach((img, k) => flat.set(img, k * r * r * c));
    const d = tf.tidy(() => features(tf.sub(tf.div(tf.tensor4d(flat, [part.length, r, r, c]), 127.5), 1) as tf.Tensor4D));
    const data = (await d.data()) as Float32Array;
    d.dispose();
    for (let k = 0; k < part.length; k++) out.push(data.slice(k * 128, (k + 1) * 128));
    onBatch(out.length);
    await turn();
  }
  return out;
}

/** The real portraits' descriptors, by dataset and subset: a run's checkpoints share them. */
const realDescriptors = new Map<string, Float32Array[]>();
const realInception = new Map<string, Float32Array[]>();
let inception: { dir: string; net: Promise<InceptionNet> } | null = null;

/** Inception features of NHWC uint8 pictures, a few at a time (each is drawn at 299 px). */
async function inceptionFeatures(
  dir: string,
  images: Uint8Array[],
  r: number,
  c: number,
  signal: AbortSignal,
  onBatch: (done: number) => void,
): Promise<Float32Array[]> {
  if (inception?.dir !== dir) {
    if (inception) (await inception.net).dispose();
    inception = { dir, net: loadInception(dir) };
  }
  const net = await inception.net;
  const out: Float32Array[] = [];
  for (let i = 0; i < images.length; i += 4) {
    throwIfCancelled(signal, 'the measurement');
    out.push(...(await net.features(images.slice(i, i + 4), r, c)));
    onBatch(out.length);
    await turn();
  }
  return out;
}

export const measureQuality: EngineJob<'measure-quality'> = async (request, context) => {
  const started = performance.now();
  const choice = await selectBackend(request.backend ?? 'auto', 'sample');
  const dataset = await DatasetFile.open(request.datasetDir);
  let reals: Uint8Array[];
  try {
    const count = dataset.meta.count;
    const take = Math.min(request.reals ?? count, count);
    const positions = Array.from({ length: take }, (_, i) => Math.floor((i * count) / take));
    const all = await dataset.readBatch(positions);
    const size = imageBytes(dataset.meta);
    reals = positions.map((_, i) => all.subarray(i * size, (i + 1) * size));
  } finally {
    await dataset.close();
  }
  const { resolution: r, channels: c } = dataset.meta;
  const generator = await latentGenerator(request.generator);
  if (generator.resolution !== r || generator.channels !== c) {
    throw new Error(
      `the generator draws ${generator.resolution} px ${generator.channels === 1 ? 'grey' : 'colour'} pictures and the dataset has ${r} px ${c === 1 ? 'grey' : 'colour'} ones: measure it against a dataset of its kind`,
    );
  }
  const needFeatures = request.metrics.some(onFeatures);
  const needInception = request.metrics.some(onInception);
  if (needInception && !request.inceptionDir) throw new Error('FID and KID need the Inception weights, and none were given');
  const perSet = request.samples + reals.length;
  const total = request.samples + (needFeatures ? perSet : 0) + (needInception ? perSet : 0);
  const step = (n: number, what: string) => context.progress(n, total, what);

  const vectors = await generator.fromSeeds(Array.from({ length: request.samples }, (_, i) => i));
  const fakes: Uint8Array[] = [];
  const size = r * r * c;
  for (let i = 0; i < vectors.length; i += BATCH) {
    throwIfCancelled(context.signal, 'the measurement');
    const batch = await drawBatch(generator, vectors.slice(i, i + BATCH));
    for (let k = 0; k * size < batch.length; k++) fakes.push(batch.slice(k * size, (k + 1) * size));
    step(fakes.length, `drawing ${fakes.length} of ${request.samples} pictures`);
    await turn();
  }
  let realFeatures: Float32Array[] | undefined;
  let fakeFeatures: Float32Array[] | undefined;
  if (needFeatures) {
    const key = `${request.datasetDir}:${reals.length}`;
    realFeatures = realDescriptors.get(key);
    if (!realFeatures) {
      realFeatures = await descriptors(reals, r, c, context.signal, (n) => step(request.samples + n, `describing ${n} of ${reals.length} real portraits`));
      realDescriptors.set(key, realFeatures);
    }
    const base = request.samples + reals.length;
    fakeFeatures = await descriptors(fakes, r, c, context.signal, (n) => step(base + n, `describing ${n} of ${fakes.length} generated pictures`));
  }
  let realsInception: Float32Array[] | undefined;
  let fakesInception: Float32Array[] | undefined;
  if (needInception) {
    const dir = request.inceptionDir!;
    const base = request.samples + (needFeatures ? perSet : 0);
    const key = `${dir}:${request.datasetDir}:${reals.length}`;
    realsInception = realInception.get(key);
    if (!realsInception) {
      realsInception = await inceptionFeatures(dir, reals, r, c, context.signal, (n) => step(base + n, `Inception: ${n} of ${reals.length} real portraits`));
      realInception.set(key, realsInception);
    }
    const at = base + reals.length;
    fakesInception = await inceptionFeatures(dir, fakes, r, c, context.signal, (n) => step(at + n, `Inception: ${n} of ${fakes.length} generated pictures`));
  }
  throwIfCancelled(context.signal, 'the measurement');
  step(total, 'measuring');
  const values = measure(request.metrics, {
    reals,
    fakes,
    resolution: r,
    channels: c,
    realFeatures,
    fakeFeatures,
    realInception: realsInception,
    fakeInception: fakesInception,
    seed: request.seed,
  });
  return { ...values, samples: fakes.length, reals: reals.length, seconds: (performance.now() - started) / 1000, backend: choice.name };
};
