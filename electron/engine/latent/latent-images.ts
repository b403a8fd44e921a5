// Between latents and pictures: a generator's drawings as 8-bit images, and a portrait's bytes as
// the [−1, 1] tensor projection aims at.
import * as tf from '../tf';
import type { LatentGenerator } from './latent-generator';

/** The 8-bit pixels of latents [N, dim], NHWC back to back: one forward pass for the batch. */
export async function drawBatch(generator: LatentGenerator, vectors: ArrayLike<number>[]): Promise<Uint8Array> {
  const flat = new Float32Array(vectors.length * generator.dim);
  vectors.forEach((v, i) => flat.set(v, i * generator.dim));
  const pixels = tf.tidy(() =>
    tf.cast(tf.clipByValue(tf.add(tf.mul(generator.draw(tf.tensor2d(flat, [vectors.length, generator.dim])), 127.5), 127.5), 0, 255), 'int32'),
  );
  const data = Uint8Array.from(await pixels.data());
  pixels.dispose();
  return data;
}

/** Frames along a path in batches; the next batch is asked for only once the last one was taken. */
export async function* drawInBatches(generator: LatentGenerator, vectors: ArrayLike<number>[], batchSize: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < vectors.length; i += batchSize) yield await drawBatch(generator, vectors.slice(i, i + batchSize));
}

/** NHWC uint8 images of the given latents, one at a time (a path of hundreds stays small). */
export async function drawLatents(generator: LatentGenerator, vectors: ArrayLike<number>[]): Promise<Uint8Array[]> {
  const images: Uint8Array[] = [];
  for (const v of vectors) {
    const pixels = tf.tidy(() => tf.cast(tf.clipByValue(tf.add(tf.mul(generator.draw(tf.tensor2d([Array.from(v)])), 127.5), 127.5), 0, 255), 'int32'));
    images.push(Uint8Array.from(await pixels.data()));
    pixels.dispose();
  }
  return images;
}

/** Raw NHWC bytes of one picture of side r as the generator's target, in [−1, 1]. */
export function pictureTarget(bytes: Uint8Array, resolution: number, channels: number): tf.Tensor4D {
  return tf.tidy(() => tf.sub(tf.div(tf.tensor4d(Float32Array.from(bytes), [1, resolution, resolution, channels]), 127.5), 1) as tf.Tensor4D);
}
