// Curation passes started from the studio (API): one at a time per project, computed in an engine
// process, with progress and the summary pushed as events and a cancel that stops between pictures.
import { randomUUID } from 'node:crypto';
import type { CurationSummary, ParsedRequest } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { EventBus } from '../../api/event-bus';
import type { Project } from '../projects/project';
import type { EngineLauncher } from '../engine-host/engine-launcher';
import { curateCollection } from './curate-job';

interface Running {
  jobId: string;
  controller: AbortController;
  done: Promise<CurationSummary>;
}

export class CurationJobs {
  private running: Running | null = null;

  constructor(
    private readonly project: Project,
    private readonly events: EventBus,
    private readonly launch: EngineLauncher,
  ) {}

  start(request: ParsedRequest<'curation.start'>): { jobId: string; done: Promise<CurationSummary> } {
    if (this.running) throw new AppError('conflict', 'a curation pass is already running; wait for it or cancel it');
    const jobId = randomUUID();
    const controller = new AbortController();
    const done = curateCollection(this.project, this.launch, {
      collectionId: request.collectionId,
      masterSize: request.masterSize,
      signal: controller.signal,
      backend: request.backend,
      onProgress: (p) => this.events.emit('curation.progress', { jobId, ...p }),
    })
      .then(
        (s): CurationSummary => ({ jobId, ...s, error: null }),
        (err: unknown): CurationSummary => ({
          jobId,
          done: 0,
          total: 0,
          faces: 0,
          noFace: 0,
          failed: 0,
          etaSeconds: null,
          skipped: 0,
          cancelled: false,
          problems: [],
          backend: null,
          error: err instanceof Error ? err.message : String(err),
        }),
      )
      .then((summary) => {
        this.running = null;
        this.events.emit('curation.finished', summary);
        this.events.emit('images.changed', { collectionId: request.collectionId ?? null });
        return summary;
      });
    this.running = { jobId, controller, done };
    return { jobId, done };
  }

  cancel(jobId: string): boolean {
    if (this.running?.jobId !== jobId) return false;
    this.running.controller.abort();
    return true;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running.controller.abort();
    await this.running.done;
  }
}
