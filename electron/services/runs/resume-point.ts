// A stopped run's resume point: the training state written when a stop fell between two
// checkpoints (train-loop.ts), so that resuming loses no step. One per run, the newest; it is
// not a checkpoint (no witnesses, no health, no column of the timeline, nothing to fork from)
// and is dropped, file and row, once a later checkpoint holds everything it held.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Project } from '../projects/project';

export interface ResumePoint {
  epoch: number;
  step: number;
  imagesSeen: number;
  /** Relative to the project folder. */
  path: string;
  sha256: string;
  bytes: number;
}

interface Row {
  epoch: number;
  step: number;
  images_seen: number;
  path: string;
  sha256: string;
  bytes: number;
}

export function resumePointOf(project: Project, runId: number): ResumePoint | null {
  const r = project.db.prepare('SELECT epoch, step, images_seen, path, sha256, bytes FROM resume_points WHERE run_id = ?').get(runId) as Row | undefined;
  return r ? { epoch: r.epoch, step: r.step, imagesSeen: r.images_seen, path: r.path, sha256: r.sha256, bytes: r.bytes } : null;
}

/** Records the run's newest resume point; the one it replaces is deleted after the row points away from it. */
export function recordResumePoint(project: Project, runId: number, point: ResumePoint): void {
  const old = resumePointOf(project, runId);
  project.db
    .prepare(
      `INSERT INTO resume_points (run_id, epoch, step, images_seen, path, sha256, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET epoch = excluded.epoch, step = excluded.step, images_seen = excluded.images_seen,
         path = excluded.path, sha256 = excluded.sha256, bytes = excluded.bytes, created_at = excluded.created_at`,
    )
    .run(runId, point.epoch, point.step, point.imagesSeen, point.path, point.sha256, point.bytes, new Date().toISOString());
  if (old && old.path !== point.path) rmSync(join(project.dir, old.path), { force: true });
}

/** Drops the resume point when a checkpoint at `imagesSeen` or later has been recorded. */
export function dropResumePointBefore(project: Project, runId: number, imagesSeen: number): void {
  const old = resumePointOf(project, runId);
  if (!old || old.imagesSeen > imagesSeen) return;
  project.db.prepare('DELETE FROM resume_points WHERE run_id = ?').run(runId);
  rmSync(join(project.dir, old.path), { force: true });
}
