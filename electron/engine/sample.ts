// Draws images from a checkpoint's generator, in batches, without its optimiser or training state.
import * as tf from './tf';
import { buildModel, type ModelConfig } from './models/registry';
import { Rng } from './nn/rng';
import { readCheckpoint } from './train/checkpoint';

export interface Samples {
  resolution: number;
  channels: 1 | 3;
  /** One NHWC uint8 image after the other. */
  images: Uint8Array[];
}

export async function sampleFromCheckpoint(file: string, sha256: string | undefined, count: number, seed: number, batch = 16): Promise<Samples> {
  const content = await readCheckpoint(file, sha256);
  const spec = content.header.modelConfig as ModelConfig;
  const model = buildModel(spec, new Rng(0));
  try {
    for (const [name, v] of model.params.vars) {
      const t = content.tensors.get(`param:${name}`);
      if (!t) throw new Error(`${file} has no ${name}: it is not a ${spec.arch} checkpoint of this shape`);
      v.assign(t);
    }
    // A growing network draws at the stage it had reached.
    model.setProgress?.(content.header.counters.imagesSeen);
    const rng = new Rng(seed);
    const images: Uint8Array[] = [];
    for (let start = 0; start < count; start += batch) {
      const n = Math.min(batch, count - start);
      const z = model.sampleLatents(n, rng);
      const pixels = tf.tidy(() => tf.cast(tf.clipByValue(tf.mul(tf.add(model.generate(z, false), 1), 127.5), 0, 255), 'int32'));
      const data = Uint8Array.from(await pixels.data());
      tf.dispose([z, pixels]);
      const size = data.length / n;
      for (let i = 0; i < n; i++) images.push(data.slice(i * size, (i + 1) * size));
    }
    return { resolution: model.resolution, channels: model.channels, images };
  } finally {
    for (const t of content.tensors.values()) t.dispose();
    model.params.dispose();
  }
}
