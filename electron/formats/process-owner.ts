// A process's name among the processes that share a project or an output folder: its pid and a
// random part (pids are reused). Half-written files and temporary spaces carry it, so that any
// later process can tell a crash's leftovers (the owner is dead) from another's live work.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

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
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !exited(pid);
}

/**
 * Whether a process that signals still reach has in fact exited and waits to be reaped (Linux's
 * state Z or X): a killed engine whose parent died with it lingers so until an init process
 * collects it, which in a container may be late or never. Elsewhere (no /proc) this says no.
 */
function exited(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // The state follows the command name, which is in parentheses and may hold spaces and parentheses itself.
  return /^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
}
