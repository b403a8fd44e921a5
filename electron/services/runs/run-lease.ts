// Who trains a run: the live process holding its lease (migration 9). The owner renews it every
// few seconds; a lease that ran out, or whose process has died, is free. Requests from other
// processes (pause, continue, stop) wait in `control` until the owner reads them.
import type { RunProgress } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { ownerAlive, ownerPid } from '../../formats/process-owner';
import type { Project } from '../projects/project';

/** How long a lease lasts unrenewed; the owner renews it three times as often. */
export const LEASE_MS = 15_000;
export const RENEW_MS = 2_000;

export type Control = 'pause' | 'continue' | 'stop';

interface LeaseRow {
  owner: string | null;
  lease_until: number | null;
}

function lease(project: Project, runId: number): LeaseRow {
  return (project.db.prepare('SELECT owner, lease_until FROM runs WHERE id = ?').get(runId) as LeaseRow | undefined) ?? { owner: null, lease_until: null };
}

/** The other live process training this run, or null when none does (or this one does). */
export function trainedElsewhere(project: Project, runId: number): { owner: string; pid: number | null } | null {
  const row = lease(project, runId);
  if (!row.owner || row.owner === project.owner || (row.lease_until ?? 0) < Date.now() || !ownerAlive(row.owner)) return null;
  return { owner: row.owner, pid: ownerPid(row.owner) };
}

/** The message for a request another process's run cannot take. */
export function elsewhereMessage(name: string, other: { pid: number | null }, what: string): string {
  return `run "${name}" is training in another process${other.pid !== null ? ` (pid ${other.pid})` : ''}: ${what}`;
}

/** Makes this process the run's owner; refuses while another live process holds it. */
export function takeLease(project: Project, runId: number, name: string): void {
  project.db
    .transaction(() => {
      const other = trainedElsewhere(project, runId);
      if (other) throw new AppError('conflict', elsewhereMessage(name, other, 'stop it there, or from the studio, first'));
      project.db
        .prepare('UPDATE runs SET owner = ?, lease_until = ?, control = NULL, progress = NULL WHERE id = ?')
        .run(project.owner, Date.now() + LEASE_MS, runId);
    })
    .immediate();
}

export function releaseLease(project: Project, runId: number): void {
  project.db.prepare('UPDATE runs SET owner = NULL, lease_until = NULL, control = NULL, progress = NULL WHERE id = ? AND owner = ?').run(runId, project.owner);
}

/** Renews this process's leases; returns the requests other processes left for its runs. */
export function renewLeases(project: Project, runIds: number[]): Map<number, Control> {
  const requests = new Map<number, Control>();
  if (!project.db.open) return requests;
  const renew = project.db.prepare('UPDATE runs SET lease_until = ? WHERE id = ? AND owner = ?');
  const read = project.db.prepare('SELECT control FROM runs WHERE id = ? AND owner = ?');
  const clear = project.db.prepare('UPDATE runs SET control = NULL WHERE id = ? AND owner = ?');
  project.db.transaction(() => {
    for (const id of runIds) {
      renew.run(Date.now() + LEASE_MS, id, project.owner);
      const row = read.get(id, project.owner) as { control: Control | null } | undefined;
      if (row?.control) {
        requests.set(id, row.control);
        clear.run(id, project.owner);
      }
    }
  })();
  return requests;
}

/** Leaves a request for the process that trains the run. */
export function requestControl(project: Project, runId: number, control: Control): void {
  project.db.prepare('UPDATE runs SET control = ? WHERE id = ?').run(control, runId);
}

export function saveProgress(project: Project, progress: RunProgress): void {
  project.db.prepare('UPDATE runs SET progress = ? WHERE id = ? AND owner = ?').run(JSON.stringify(progress), progress.runId, project.owner);
}

/** The latest progress of every run another live process trains. */
export function progressElsewhere(project: Project): RunProgress[] {
  const rows = project.db
    .prepare(
      "SELECT id, owner, lease_until, progress FROM runs WHERE owner IS NOT NULL AND owner != ? AND progress IS NOT NULL AND status IN ('running', 'paused')",
    )
    .all(project.owner) as {
    id: number;
    owner: string;
    lease_until: number | null;
    progress: string;
  }[];
  return rows.filter((r) => (r.lease_until ?? 0) >= Date.now() && ownerAlive(r.owner)).map((r) => JSON.parse(r.progress) as RunProgress);
}
