// Faces, their 68 landmarks and 128-number descriptors, found offline by @vladmandic/face-api:
// its SSD MobileNet detector, landmark and recognition weights ship inside the npm package and are
// read from disk; nothing is downloaded. It computes on the engine's TensorFlow.js, so on
// whichever backend selectBackend chose (wasm, cpu, webgpu, CUDA).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '../tf';
import type { Point } from '../../formats/faces/align';

export interface DetectedFace {
  /** Which pass found it: the SSD detector at its usual confidence, or a second look (see detectFaces). */
  pass: 'ssd' | 'ssd-low' | 'tiny-low';
  score: number;
  box: { x: number; y: number; width: number; height: number };
  landmarks: Point[];
  descriptor: Float32Array;
}

interface FaceApi {
  nets: Record<'ssdMobilenetv1' | 'tinyFaceDetector' | 'faceLandmark68Net' | 'faceRecognitionNet', { loadFromDisk(dir: string): Promise<void> }>;
  SsdMobilenetv1Options: new (o: { minConfidence: number; maxResults?: number }) => unknown;
  TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => unknown;
  detectAllFaces(
    input: tf.Tensor3D,
    options: unknown,
  ): {
    withFaceLandmarks(): {
      withFaceDescriptors(): Promise<
        {
          detection: { score: number; box: { x: number; y: number; width: number; height: number } };
          landmarks: { positions: { x: number; y: number }[] };
          descriptor: Float32Array;
        }[]
      >;
    };
  };
}

const require = createRequire(import.meta.url);

/** The usual confidence (face-api's own default). */
export const MIN_CONFIDENCE = 0.5;
/**
 * The second look's confidence, where the first found nothing. Archival pictures — small,
 * sepia, engraved — often hold a face the detector scores between this and the usual one; the
 * curator sees these faces flagged with their pass and score.
 */
export const LOW_CONFIDENCE = 0.3;

let loaded: Promise<FaceApi> | null = null;

/** Whether this thread has loaded the detector (the studio's main thread never should). */
export function faceApiLoaded(): boolean {
  return loaded !== null;
}

/** Loads the networks once per process. The backend must be selected first. */
export function loadFaceApi(): Promise<FaceApi> {
  loaded ??= (async () => {
    // The node-wasm build uses the process's own @tensorflow/tfjs, the instance the engine registered its backends on.
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    const models = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(models);
    await faceapi.nets.tinyFaceDetector.loadFromDisk(models);
    await faceapi.nets.faceLandmark68Net.loadFromDisk(models);
    await faceapi.nets.faceRecognitionNet.loadFromDisk(models);
    return faceapi;
  })();
  return loaded;
}

/**
 * Every face in an RGB picture, most confident first. Where SSD finds none at the usual
 * confidence it looks again at a lower one, and then with the tiny detector, which finds some
 * small archival faces SSD misses (on the 600 congress portraits, 17 of 30 first-pass misses).
 */
export async function detectFaces(rgb: Uint8Array, width: number, height: number): Promise<DetectedFace[]> {
  const faceapi = await loadFaceApi();
  const input = tf.tensor3d(rgb, [height, width, 3], 'int32');
  const passes: [DetectedFace['pass'], unknown][] = [
    ['ssd', new faceapi.SsdMobilenetv1Options({ minConfidence: MIN_CONFIDENCE })],
    ['ssd-low', new faceapi.SsdMobilenetv1Options({ minConfidence: LOW_CONFIDENCE })],
    ['tiny-low', new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: LOW_CONFIDENCE })],
  ];
  try {
    for (const [pass, options] of passes) {
      const found = await faceapi.detectAllFaces(input, options).withFaceLandmarks().withFaceDescriptors();
      if (found.length) return toFaces(found, pass);
    }
    return [];
  } finally {
    input.dispose();
  }
}

type FaceApiResult = Awaited<ReturnType<ReturnType<ReturnType<FaceApi['detectAllFaces']>['withFaceLandmarks']>['withFaceDescriptors']>>;

function toFaces(found: FaceApiResult, pass: DetectedFace['pass']): DetectedFace[] {
  return found
    .map((f) => ({
      pass,
      score: f.detection.score,
      box: { x: f.detection.box.x, y: f.detection.box.y, width: f.detection.box.width, height: f.detection.box.height },
      landmarks: f.landmarks.positions.map((p) => [p.x, p.y] as Point),
      descriptor: Float32Array.from(f.descriptor),
    }))
    .sort((a, b) => b.score - a.score);
}
