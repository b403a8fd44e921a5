// The perceptual features projection compares: the 128-number face descriptor of face-api's
// recognition network (a ResNet-34 trained to tell people apart, its weights shipped in the npm
// package), computed differentiably on the engine's TensorFlow.js — so the latent is pulled
// toward a drawing of the same person, not only the same pixels.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '../tf';

interface RecognitionNet {
  loadFromDisk(dir: string): Promise<void>;
  isLoaded: boolean;
  forwardInput(input: unknown): tf.Tensor2D;
}

interface FaceApiRecognition {
  nets: { faceRecognitionNet: RecognitionNet };
  NetInput: new (inputs: tf.Tensor4D[]) => unknown;
}

const require = createRequire(import.meta.url);
let loaded: Promise<FaceApiRecognition> | null = null;

/** Descriptors [N, 128] of images NHWC in [−1, 1] (grey or RGB); differentiable with respect to them. */
export type FaceFeatures = (images: tf.Tensor4D) => tf.Tensor2D;

/** Loads the recognition network once per process; the backend must be selected first. */
export async function loadFaceFeatures(): Promise<FaceFeatures> {
  loaded ??= (async () => {
    // The node-wasm build computes on this process's own @tensorflow/tfjs, the engine's instance.
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiRecognition;
    if (!faceapi.nets.faceRecognitionNet.isLoaded)
      await faceapi.nets.faceRecognitionNet.loadFromDisk(join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model'));
    return faceapi;
  })();
  const faceapi = await loaded;
  return (images) =>
    tf.tidy(() => {
      const rgb = images.shape[3] === 1 ? tf.tile(images, [1, 1, 1, 3]) : images;
      // The network takes 0–255 pictures, one per input (it resizes each to 150 px itself).
      const pixels = tf.mul(tf.add(rgb, 1), 127.5) as tf.Tensor4D;
      const one = (x: tf.Tensor4D) => faceapi.nets.faceRecognitionNet.forwardInput(new faceapi.NetInput([x]));
      const n = pixels.shape[0];
      return (n === 1 ? one(pixels) : tf.concat(tf.split(pixels, n).map((x) => one(x as tf.Tensor4D)))) as tf.Tensor2D;
    });
}
