// Faces, their 68 landmarks and 128-number descriptors, found offline by @vladmandic/face-api:
// its SSD MobileNet detector, landmark and recognition weights ship inside the npm package and are
// read from disk; nothing is downloaded. It computes on the engine's TensorFlow.js, so on
// whichever backend selectBackend chose (wasm, cpu, webgpu, CUDA).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import * as tf from '../tf';
import type { Point } from '../../formats/faces/align';

export interface DetectedFace {
  /** Which pass found it: the SSD detector at its usual confidence, or a second look (see detectFaces). */
  pass: FacePass;
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

/** The passes, in the order they are tried; the 'prepared' ones look at the picture made grey, contrast-stretched and padded. */
export const FACE_PASSES = ['ssd', 'ssd-low', 'tiny-low', 'prepared', 'prepared-low', 'prepared-tiny'] as const;
export type FacePass = (typeof FACE_PASSES)[number];

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

/** Padding around a prepared picture, as a share of its long side. */
const PREPARED_PAD = 0.25;
/** BT.601 luma in every channel. */
const GREY: [number, number, number] = [0.299, 0.587, 0.114];

/**
 * The picture as the second look sees it: grey (tinted halftones — green, sepia — confuse the
 * detector's colour features), its contrast stretched (faded prints), and padded by a quarter of
 * its long side with its own edges (close-ups whose face fills the frame, which the detector's
 * anchors miss). On the 600 congress portraits this finds 71 of the 90 faces the first look missed.
 */
async function preparedPicture(rgb: Uint8Array, width: number, height: number): Promise<{ data: Uint8Array; width: number; height: number; pad: number }> {
  const pad = Math.round(Math.max(width, height) * PREPARED_PAD);
  const { data, info } = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .recomb([GREY, GREY, GREY])
    .normalise()
    .extend({ top: pad, bottom: pad, left: pad, right: pad, extendWith: 'copy' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, pad };
}

/**
 * Every face in an RGB picture, most confident first. Where SSD finds none at the usual
 * confidence it looks again at a lower one, and then with the tiny detector, which finds some
 * small archival faces SSD misses (on the 600 congress portraits, 17 of 30 first-pass misses);
 * where all three find nothing, they look at the prepared picture (preparedPicture), and the
 * faces found there are placed back in the picture's own coordinates.
 */
export async function detectFaces(rgb: Uint8Array, width: number, height: number): Promise<DetectedFace[]> {
  const faceapi = await loadFaceApi();
  // Each look's three passes: SSD as usual, SSD at a lower confidence, the tiny detector.
  const options = [
    new faceapi.SsdMobilenetv1Options({ minConfidence: MIN_CONFIDENCE }),
    new faceapi.SsdMobilenetv1Options({ minConfidence: LOW_CONFIDENCE }),
    new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: LOW_CONFIDENCE }),
  ];
  const looks = [
    { passes: FACE_PASSES.slice(0, 3), picture: async () => ({ data: rgb, width, height, pad: 0 }) },
    { passes: FACE_PASSES.slice(3), picture: () => preparedPicture(rgb, width, height) },
  ];
  for (const look of looks) {
    const picture = await look.picture();
    const input = tf.tensor3d(picture.data, [picture.height, picture.width, 3], 'int32');
    try {
      for (const [i, pass] of look.passes.entries()) {
        const found = await faceapi.detectAllFaces(input, options[i]).withFaceLandmarks().withFaceDescriptors();
        if (found.length) return toFaces(found, pass, picture.pad);
      }
    } finally {
      input.dispose();
    }
  }
  return [];
}

type FaceApiResult = Awaited<ReturnType<ReturnType<ReturnType<FaceApi['detectAllFaces']>['withFaceLandmarks']>['withFaceDescriptors']>>;

/** Faces as found on a picture padded by `pad` pixels, in the unpadded picture's coordinates. */
function toFaces(found: FaceApiResult, pass: FacePass, pad: number): DetectedFace[] {
  return found
    .map((f) => ({
      pass,
      score: f.detection.score,
      box: { x: f.detection.box.x - pad, y: f.detection.box.y - pad, width: f.detection.box.width, height: f.detection.box.height },
      landmarks: f.landmarks.positions.map((p) => [p.x - pad, p.y - pad] as Point),
      descriptor: Float32Array.from(f.descriptor),
    }))
    .sort((a, b) => b.score - a.score);
}
