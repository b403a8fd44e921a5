// The studio's state for one process: where projects live, which one is open, what runs in it.
// The API router, the CLI and both shells (Electron, headless server) go through this object.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { JobHost } from './jobs/job-host';
import { createSampleProject } from './projects/sample-project';
import { EngineClient } from './engine-host/engine-client';
import type { ImportSummary, ProjectSummary } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { EventBus } from '../api/event-bus';
import { CurationJobs } from './curation/curation-jobs';
import { importPathProblems } from './import/scan';
import { readSidecar, type ColumnRole } from './import/sidecar';
import { undoImport } from './deletion';
import { deleteProjectFolder } from './projects/project-deletion';
import { ImportJob, type ImportOptions } from './import/import-job';
import { Project } from './projects/project';
import { ProjectRegistry } from './projects/registry';
import { forkNodeEngine, type EngineLauncher } from './engine-host/engine-launcher';
import { RunManager } from './runs/run-manager';
import { GeneratorSessions } from './networks/generator-sessions';

export interface StudioOptions {
  /** The studio's own settings folder (recent projects). */
  home: string;
  /** Where new projects are created when only a name is given. */
  projectsRoot: string;
  shell: 'electron' | 'browser';
  events: EventBus;
  /** How engine processes start: a Node child by default, a utilityProcess in Electron. */
  launchEngine?: EngineLauncher;
}

export class Studio {
  private project: Project | null = null;
  private runManager: RunManager | null = null;
  private curationJobs: CurationJobs | null = null;
  private generatorSessions: GeneratorSessions | null = null;
  private jobHost: JobHost | null = null;
  private quickEngine: EngineClient | null = null;
  private readonly registry: ProjectRegistry;
  private readonly imports = new Map<string, ImportJob>();
  private readonly running = new Set<Promise<ImportSummary>>();
  /** The sample project being made, to cancel. */
  private sampleMaking: AbortController | null = null;

  constructor(readonly options: StudioOptions) {
    mkdirSync(options.home, { recursive: true });
    mkdirSync(options.projectsRoot, { recursive: true });
    this.registry = new ProjectRegistry(options.home);
  }

  get events(): EventBus {
    return this.options.events;
  }

  get current(): Project | null {
    return this.project;
  }

  requireProject(): Project {
    if (!this.project) throw new AppError('no_project', 'no project is open: create or open one first');
    return this.project;
  }

  /** The open project's runs. */
  get runs(): RunManager {
    const project = this.requireProject();
    this.runManager ??= new RunManager(project, this.events, this.launchEngine);
    return this.runManager;
  }

  /** The open project's StyleGAN2 generator for the style tools. */
  get generators(): GeneratorSessions {
    const project = this.requireProject();
    this.generatorSessions ??= new GeneratorSessions(project, this.launchEngine);
    return this.generatorSessions;
  }

  /** The open project's long work (latents, projection, videos, analysis, books, sheets), each in an engine, one at a time. */
  get jobs(): JobHost {
    const project = this.requireProject();
    this.jobHost ??= new JobHost(project, this.events, this.launchEngine, this.options.home);
    return this.jobHost;
  }

  /**
   * An engine process kept for short questions (a checkpoint's health pictures), so that the health
   * panel does not wait for a process to start each time; it ends with the project.
   */
  get engine(): EngineClient {
    this.requireProject();
    this.quickEngine ??= new EngineClient(this.launchEngine);
    return this.quickEngine;
  }

  /** How engine processes start: a Node child, or a utilityProcess in Electron. */
  get launchEngine(): EngineLauncher {
    return this.options.launchEngine ?? forkNodeEngine;
  }

  /** The open project's curation passes. */
  get curation(): CurationJobs {
    const project = this.requireProject();
    this.curationJobs ??= new CurationJobs(project, this.events, this.launchEngine);
    return this.curationJobs;
  }

  /** Projects the studio knows: the ones it opened before, and those in its projects folder. */
  listProjects(): ProjectSummary[] {
    const root = this.options.projectsRoot;
    const inRoot = existsSync(root)
      ? readdirSync(root, { withFileTypes: true })
          .filter((e) => e.isDirectory() && Project.isProject(join(root, e.name)))
          .map((e) => join(root, e.name))
      : [];
    const dirs = [...new Set([...this.registry.list(), ...inRoot].map((d) => resolve(d)))].filter((d) => Project.isProject(d));
    return dirs.map((dir) => (this.project?.dir === dir ? this.project.summary() : Project.peek(dir)));
  }

  async createProject(name: string, dir?: string): Promise<ProjectSummary> {
    const folder = dir ? resolve(dir) : join(this.options.projectsRoot, folderNameFor(name));
    if (!dir && existsSync(folder))
      throw new AppError('conflict', `a project folder named "${folderNameFor(name)}" already exists in ${this.options.projectsRoot}; choose another name`);
    const project = Project.create(folder, name);
    return this.switchTo(project);
  }

  /** "Try the sample project" (sample-project.ts): made and opened, its run started; its steps are sample.progress events. */
  async createSampleProject(): Promise<{ project: ProjectSummary; runId: number }> {
    if (this.sampleMaking) throw new AppError('conflict', 'the sample project is being made already');
    const controller = new AbortController();
    this.sampleMaking = controller;
    try {
      const { project, run } = await createSampleProject(this, { signal: controller.signal, onStep: (step) => this.events.emit('sample.progress', step) });
      return { project, runId: run.run.id };
    } finally {
      this.sampleMaking = null;
    }
  }

  cancelSampleProject(): boolean {
    this.sampleMaking?.abort();
    return this.sampleMaking !== null;
  }

  /**
   * Deletes a project the studio knows, folder and all, once its name is typed; the open one is
   * closed first (refused while any of its runs trains, here or in another process).
   */
  async deleteProject(dir: string, typedName: string): Promise<{ deleted: boolean }> {
    const abs = resolve(dir);
    if (!this.listProjects().some((p) => p.path === abs)) throw new AppError('not_found', `${abs} is not among the studio's projects`);
    if (this.project?.dir === abs) {
      if (this.project.db.prepare("SELECT 1 FROM runs WHERE status IN ('running', 'paused') LIMIT 1").get())
        throw new AppError('conflict', 'a run is training in this project: stop it first');
      await this.closeProject();
      this.events.emit('project.changed', { project: null });
    }
    await deleteProjectFolder(abs, typedName);
    await this.registry.forget(abs);
    return { deleted: true };
  }

  /** Opens a project the studio already knows (the renderer may not open arbitrary folders). */
  async openKnownProject(dir: string): Promise<ProjectSummary> {
    const abs = resolve(dir);
    const known = this.listProjects().some((p) => p.path === abs);
    if (!known) throw new AppError('not_found', `${abs} is not among the studio's projects; open it from the menu or with "leporello serve ${abs}"`);
    return this.openProject(abs);
  }

  /** Opens any project folder: for the CLI, the native dialog and `serve <project>`. */
  async openProject(dir: string): Promise<ProjectSummary> {
    const abs = resolve(dir);
    if (this.project?.dir === abs) return this.project.summary();
    return this.switchTo(Project.open(abs));
  }

  private async switchTo(project: Project): Promise<ProjectSummary> {
    await this.closeProject();
    this.project = project;
    // The run manager is made now, not on first use: it marks the runs a previous studio left
    // 'running' as interrupted before anything lists them (a list read first would show them live).
    void this.runs;
    await this.registry.remember(project.dir);
    const summary = project.summary();
    this.events.emit('project.changed', { project: summary });
    return summary;
  }

  async closeProject(): Promise<void> {
    for (const job of this.imports.values()) job.cancel();
    await Promise.all(this.running);
    await this.runManager?.stopAll();
    this.runManager?.close();
    this.runManager = null;
    this.generatorSessions?.close();
    this.generatorSessions = null;
    await this.jobHost?.stop();
    this.jobHost = null;
    await this.quickEngine?.close({ cancel: true });
    this.quickEngine = null;
    await this.curationJobs?.stop();
    this.curationJobs = null;
    this.project?.close();
    this.project = null;
  }

  /** Starts an import in the background; progress and the summary arrive as events. */
  startImport(request: Omit<ImportOptions, 'metadata'> & { metadata?: string; metadataRoles?: Record<string, ColumnRole> }): {
    job: ImportJob;
    done: Promise<ImportSummary>;
  } {
    const project = this.requireProject();
    const busy = [...this.imports.values()][0];
    if (busy) {
      const p = busy.snapshot();
      throw new AppError('conflict', `an import is already running (${p.done} of ${p.total} files); wait for it or cancel it`);
    }
    const problems = importPathProblems(request.paths);
    if (problems.length) throw new AppError('invalid_request', `nothing was imported: ${problems.join('; ')}`);
    // The catalogue is read (and refused, with its reason) before anything is recorded.
    const { metadata, metadataRoles, ...rest } = request;
    const options: ImportOptions = { ...rest, ...(metadata ? { metadata: readSidecar(metadata, metadataRoles) } : {}) };
    const job = new ImportJob(project, options, { onProgress: (p) => this.events.emit('import.progress', p) });
    this.imports.set(job.id, job);
    const done = job.run().then((summary) => {
      this.imports.delete(job.id);
      this.running.delete(done);
      this.events.emit('import.finished', summary);
      this.events.emit('images.changed', { collectionId: summary.collectionId });
      return summary;
    });
    this.running.add(done);
    return { job, done };
  }

  /** Takes a finished import back (see deletion.ts); one still running is cancelled first. */
  async undoImport(importId: string): Promise<{ deleted: number; collectionRemoved: boolean; restored: number }> {
    if (this.imports.has(importId)) throw new AppError('conflict', 'that import is still running: cancel it first, then undo it');
    const { deleted, collectionRemoved, restored } = await undoImport(this.requireProject(), importId);
    this.events.emit('images.changed', { collectionId: null });
    return { deleted, collectionRemoved, restored };
  }

  cancelImport(jobId: string): boolean {
    const job = this.imports.get(jobId);
    if (!job) return false;
    job.cancel();
    return true;
  }
}

function folderNameFor(name: string): string {
  const cleaned = name
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N} _.-]+/gu, '-')
    .replace(/^[.\s-]+|[.\s]+$/g, '')
    .slice(0, 80);
  return cleaned || 'project';
}
