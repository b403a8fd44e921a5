// The main thread's side of the curation worker: one worker per pass, one picture at a time,
// answers matched to requests by id. The worker is the built bundle (out/curation-worker.mjs),
// also when the tests run from the TypeScript sources.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { appRoot } from '../../app-paths';
import type { BackendName } from '../../engine/backends';
import type { AnalysedFace, PictureJob } from './analyse-picture';
import type { FromWorker } from './curation-worker';

export class CurationThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (f: AnalysedFace[]) => void; reject: (e: Error) => void }>();
  private next = 0;
  private failure: Error | null = null;
  /** What the worker computes on, once it has chosen (selectBackend's summary). */
  backendSummary: string | null = null;

  constructor(backend: BackendName | 'auto') {
    const entry = join(appRoot, 'out', 'curation-worker.mjs');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build"`);
    this.worker = new Worker(entry, { workerData: { backend } });
    this.worker.on('message', (m: FromWorker) => {
      if ('ready' in m) {
        this.backendSummary = m.ready;
        return;
      }
      const waiting = this.pending.get(m.id);
      this.pending.delete(m.id);
      if ('error' in m) waiting?.reject(new Error(m.error));
      else waiting?.resolve(m.faces);
    });
    const fail = (err: Error) => {
      this.failure = err;
      for (const w of this.pending.values()) w.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the curation worker ended (exit code ${code})`)));
  }

  readonly analyse = (job: PictureJob): Promise<AnalysedFace[]> => {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, job });
    });
  };

  get threadId(): number {
    return this.worker.threadId;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
