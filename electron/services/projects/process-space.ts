// Each process that opens a project gets a space of its own under tmp/ for its half-written
// files, named by its process id, so that opening a project never deletes what another process
// (the studio, a CLI command, their engines) is still writing. A space whose process has died is
// a crash's leftovers and is removed by whoever opens the project next.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** This process's name in a project: its pid and a random part (pids are reused). */
export const PROCESS_OWNER = `${process.pid}-${randomBytes(4).toString('hex')}`;

/** The pid in an owner name, or null for a name that is not one. */
export function ownerPid(owner: string): number | null {
  const m = /^(\d+)-[0-9a-f]+$/.exec(owner);
  return m ? Number(m[1]) : null;
}

/** Whether the process an owner name belongs to is still running (on this machine). */
export function ownerAlive(owner: string): boolean {
  const pid = ownerPid(owner);
  if (pid === null) return false;
  if (pid === process.pid) return owner === PROCESS_OWNER;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Files left directly in tmp/ by versions before per-process spaces: stale after this long. */
const LOOSE_FILE_AGE_MS = 60 * 60 * 1000;

/** How many open Project objects of this process use each space (a process may open one twice). */
const claims = new Map<string, number>();

/** Creates this process's space under `tmpRoot` and removes those of processes that have died. */
export function claimProcessSpace(tmpRoot: string): string {
  const own = join(tmpRoot, PROCESS_OWNER);
  if (claims.has(own)) {
    claims.set(own, claims.get(own)! + 1);
    return own;
  }
  for (const entry of readdirSync(tmpRoot)) {
    const path = join(tmpRoot, entry);
    if (ownerPid(entry) !== null) {
      if (!ownerAlive(entry)) rmSync(path, { recursive: true, force: true });
      continue;
    }
    try {
      if (Date.now() - statSync(path).mtimeMs > LOOSE_FILE_AGE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed meanwhile by another process: nothing to do.
    }
  }
  mkdirSync(own, { recursive: true });
  claims.set(own, 1);
  return own;
}

/** Gives the space up; the last holder in this process removes it. */
export function releaseProcessSpace(space: string): void {
  const left = (claims.get(space) ?? 1) - 1;
  if (left > 0) return void claims.set(space, left);
  claims.delete(space);
  rmSync(space, { recursive: true, force: true });
}
