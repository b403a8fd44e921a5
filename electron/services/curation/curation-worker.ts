// A worker thread that analyses pictures for curation (analyse-picture.ts): TensorFlow.js and
// the face detector load here, never in the studio's main thread, whose event loop keeps
// answering the renderer while a few hundred pictures are looked at.
import { parentPort, workerData } from 'node:worker_threads';
import type { BackendName } from '../../engine/backends';
import { selectBackend } from '../../engine/backends';
import { analysePicture, type PictureJob } from './analyse-picture';

export type ToWorker = { id: number; job: PictureJob };
export type FromWorker = { id: number; faces: Awaited<ReturnType<typeof analysePicture>> } | { id: number; error: string } | { ready: string };

const port = parentPort!;
const ready = selectBackend((workerData as { backend: BackendName | 'auto' }).backend, 'sample').then((choice) => {
  port.postMessage({ ready: choice.summary } satisfies FromWorker);
});

port.on('message', (m: ToWorker) => {
  ready
    .then(() => analysePicture(m.job))
    .then(
      (faces) => port.postMessage({ id: m.id, faces } satisfies FromWorker),
      (err: unknown) => port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies FromWorker),
    );
});
