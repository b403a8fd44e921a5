// Each process that opens a project gets a space of its own under tmp/ for its half-written
// files, named by its process id, so that opening a project never deletes what another process
// (the studio, a CLI command, their engines) is still writing. A space whose process has died is
// a crash's leftovers and is removed by whoever opens the project next.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ownerAlive, ownerPid, PROCESS_OWNER } from '../../formats/process-owner';

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
