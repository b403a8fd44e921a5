// Runs, checkpoints, metrics and witness latents in the project database.
import type { Checkpoint, Run, RunHealth, RunOrigin, RunRequest } from '../../../shared/contract';
import { adviceFor, collapseOnset, type HealthReport, type Verdict } from '../../../shared/health';
import { AppError } from '../../../shared/errors';
import type { Project } from '../projects/project';
import { LEASE_MS } from './run-lease';

interface RunRow {
  id: number;
  name: string;
  dataset_id: number;
  arch: string;
  options: string;
  backend: string | null;
  backend_detail: string | null;
  status: Run['status'];
  reason: string | null;
  parent_run_id: number | null;
  origin: string | null;
  dir_path: string;
  created_at: string;
  updated_at: string;
}

interface CheckpointRow {
  id: number;
  epoch: number;
  step: number;
  images_seen: number;
  path: string;
  sha256: string;
  witness_grid: string;
  weights_kept: number;
  created_at: string;
}

const now = () => new Date().toISOString();

function toCheckpoint(r: CheckpointRow): Checkpoint {
  return {
    id: r.id,
    epoch: r.epoch,
    step: r.step,
    imagesSeen: r.images_seen,
    kimg: r.images_seen / 1000,
    path: r.path,
    sha256: r.sha256,
    witnessGrid: r.witness_grid,
    weightsKept: r.weights_kept === 1,
    createdAt: r.created_at,
  };
}

export function listCheckpoints(project: Project, runId: number): Checkpoint[] {
  return (project.db.prepare('SELECT * FROM checkpoints WHERE run_id = ? ORDER BY images_seen').all(runId) as CheckpointRow[]).map(toCheckpoint);
}

export function getRun(project: Project, id: number): Run {
  const r = project.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  if (!r) throw new AppError('not_found', `no run #${id} in project "${project.name}"`);
  return {
    id: r.id,
    name: r.name,
    datasetId: r.dataset_id,
    arch: r.arch,
    options: JSON.parse(r.options) as RunRequest,
    backend: r.backend,
    backendDetail: r.backend_detail,
    status: r.status,
    reason: r.reason,
    parentRunId: r.parent_run_id,
    origin: r.origin ? (JSON.parse(r.origin) as RunOrigin) : null,
    path: r.dir_path,
    lastCheckpoint: listCheckpoints(project, r.id).at(-1) ?? null,
    health: runHealth(project, r.id, r),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function listRuns(project: Project): Run[] {
  return (project.db.prepare('SELECT id FROM runs ORDER BY id').all() as { id: number }[]).map((r) => getRun(project, r.id));
}

export function findRun(project: Project, idOrName: string): Run {
  const row = project.db.prepare('SELECT id FROM runs WHERE id = ? OR name = ?').get(Number(idOrName) || -1, idOrName) as { id: number } | undefined;
  if (!row) throw new AppError('not_found', `no run "${idOrName}" in project "${project.name}"; see "leporello runs ${project.dir}"`);
  return getRun(project, row.id);
}

export function setRunParent(project: Project, id: number, parentRunId: number, parentCheckpointId: number): void {
  project.db.prepare('UPDATE runs SET parent_run_id = ?, parent_checkpoint_id = ? WHERE id = ?').run(parentRunId, parentCheckpointId, id);
}

/** The checkpoint a forked run started from, if it is one. */
export function parentCheckpoint(project: Project, runId: number): Checkpoint | null {
  const row = project.db.prepare('SELECT c.* FROM runs r JOIN checkpoints c ON c.id = r.parent_checkpoint_id WHERE r.id = ?').get(runId) as
    CheckpointRow | undefined;
  return row ? toCheckpoint(row) : null;
}

export function insertRun(project: Project, name: string, request: RunRequest, dirPath: string): number {
  const taken = project.db.prepare('SELECT 1 FROM runs WHERE name = ?').get(name);
  if (taken) throw new AppError('conflict', `a run named "${name}" already exists; choose another name`);
  // Born with this process's lease, so that no other process takes it for a run left behind
  // in the moment before its engine starts.
  const { lastInsertRowid } = project.db
    .prepare(
      `INSERT INTO runs (name, dataset_id, arch, options, status, dir_path, created_at, updated_at, owner, lease_until) VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
    )
    .run(name, request.datasetId, request.arch, JSON.stringify(request), dirPath, now(), now(), project.owner, Date.now() + LEASE_MS);
  return Number(lastInsertRowid);
}

export function setRunOrigin(project: Project, id: number, origin: RunOrigin): void {
  project.db.prepare('UPDATE runs SET origin = ? WHERE id = ?').run(JSON.stringify(origin), id);
}

export function setRunStatus(project: Project, id: number, status: Run['status'], reason: string | null): void {
  project.db.prepare('UPDATE runs SET status = ?, reason = ?, updated_at = ? WHERE id = ?').run(status, reason, now(), id);
}

export function setRunBackend(project: Project, id: number, backend: string, detail: string): void {
  project.db.prepare('UPDATE runs SET backend = ?, backend_detail = ?, updated_at = ? WHERE id = ?').run(backend, detail, now(), id);
}

export function recordCheckpoint(
  project: Project,
  runId: number,
  c: { epoch: number; step: number; imagesSeen: number; path: string; sha256: string; bytes: number; witnessGrid: string },
): void {
  project.db
    .prepare(
      `INSERT INTO checkpoints (run_id, epoch, step, images_seen, path, sha256, bytes, witness_grid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, images_seen) DO UPDATE SET epoch = excluded.epoch, step = excluded.step, path = excluded.path,
         sha256 = excluded.sha256, bytes = excluded.bytes, witness_grid = excluded.witness_grid, created_at = excluded.created_at`,
    )
    .run(runId, c.epoch, c.step, c.imagesSeen, c.path, c.sha256, c.bytes, c.witnessGrid, now());
}

export function recordMetrics(project: Project, runId: number, step: number, epoch: number, values: Record<string, number>): void {
  const stmt = project.db.prepare('INSERT OR REPLACE INTO run_metrics (run_id, step, epoch, name, value) VALUES (?, ?, ?, ?, ?)');
  for (const [name, value] of Object.entries(values)) if (Number.isFinite(value)) stmt.run(runId, step, epoch, name, value);
}

export function recordWitnesses(project: Project, runId: number, vectors: number[][]): void {
  const stmt = project.db.prepare(
    `INSERT INTO latents (run_id, kind, position, vector, source, created_at) VALUES (?, 'witness', ?, ?, 'run seed', ?) ON CONFLICT DO NOTHING`,
  );
  project.db.transaction(() => vectors.forEach((v, i) => stmt.run(runId, i, Buffer.from(Float32Array.from(v).buffer), now())))();
}

export function witnessVectors(project: Project, runId: number): Float32Array[] {
  return (project.db.prepare("SELECT vector FROM latents WHERE run_id = ? AND kind = 'witness' ORDER BY position").all(runId) as { vector: Buffer }[]).map(
    (r) => new Float32Array(r.vector.buffer.slice(r.vector.byteOffset, r.vector.byteOffset + r.vector.byteLength)),
  );
}

export function recordHealth(project: Project, runId: number, at: { epoch: number; imagesSeen: number }, report: HealthReport): void {
  project.db
    .prepare('INSERT OR REPLACE INTO run_health (run_id, images_seen, epoch, verdict, metrics, reasons) VALUES (?, ?, ?, ?, ?, ?)')
    .run(runId, at.imagesSeen, at.epoch, report.verdict, JSON.stringify(report.metrics), JSON.stringify(report.reasons));
}

/**
 * The run's verdict: its latest checkpoint's, with where a collapse began — or failed, with the
 * error, when the run itself stopped on one (whatever its last checkpoint looked like).
 */
export function runHealth(project: Project, runId: number, ended?: { status: Run['status']; reason: string | null }): RunHealth | null {
  const rows = project.db.prepare('SELECT images_seen, epoch, verdict, metrics, reasons FROM run_health WHERE run_id = ? ORDER BY images_seen').all(runId) as {
    images_seen: number;
    epoch: number;
    verdict: Verdict;
    metrics: string;
    reasons: string;
  }[];
  const last = rows.at(-1);
  if (ended?.status === 'failed') {
    return {
      verdict: 'failed',
      onsetEpoch: null,
      onsetKimg: null,
      epoch: last?.epoch ?? 0,
      kimg: (last?.images_seen ?? 0) / 1000,
      metrics: last ? (JSON.parse(last.metrics) as Record<string, number | null>) : {},
      reasons: [
        `the run stopped with an error${last ? ` after ${last.epoch === 0 && last.images_seen === 0 ? 'its untrained start' : `epoch ${last.epoch}`}` : ''}: ${ended.reason ?? 'no reason was recorded'}`,
      ],
      advice: adviceFor('failed'),
    };
  }
  if (!last) return null;
  const onset = collapseOnset(rows.map((r) => ({ ...r, imagesSeen: r.images_seen })));
  // JSON has no NaN: a metric that could not be measured comes back as null.
  const metrics = JSON.parse(last.metrics) as Record<string, number | null>;
  return {
    verdict: last.verdict,
    onsetEpoch: onset?.epoch ?? null,
    onsetKimg: onset ? onset.imagesSeen / 1000 : null,
    epoch: last.epoch,
    kimg: last.images_seen / 1000,
    metrics,
    reasons: JSON.parse(last.reasons) as string[],
    advice: adviceFor(last.verdict),
  };
}

/** The id of a run's checkpoint at a count of images seen. */
export function checkpointIdAt(project: Project, runId: number, imagesSeen: number): number {
  return (project.db.prepare('SELECT id FROM checkpoints WHERE run_id = ? AND images_seen = ?').get(runId, imagesSeen) as { id: number }).id;
}
