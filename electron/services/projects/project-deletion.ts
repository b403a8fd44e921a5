// Deleting a whole project: its folder (portraits, datasets, runs, renders) goes, after the curator
// typed its name. Refused while another process is training in it (a run whose lease is live) or has
// it open at all (its space under tmp/): deleting under it would leave it writing into nothing. The folder is first renamed
// beside itself, so a crash midway leaves no half project listed, only a folder named as deleted.
import { existsSync, readdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../../shared/errors';
import { ownerAlive, ownerPid, PROCESS_OWNER } from '../../formats/process-owner';
import { DATABASE_FILE } from './layout';
import { Project } from './project';

/** Runs training in the project now, by any process (their leases are live). */
function liveRuns(dir: string): string[] {
  const db = new BetterSqlite3(join(dir, DATABASE_FILE), {
    readonly: true,
    fileMustExist: true,
    nativeBinding: process.env.LEPORELLO_SQLITE_BINDING || undefined,
  });
  try {
    const now = Date.now();
    const rows = db.prepare("SELECT name, owner, lease_until FROM runs WHERE status IN ('running', 'paused')").all() as {
      name: string;
      owner: string | null;
      lease_until: number | null;
    }[];
    return rows.filter((r) => r.owner !== null && (r.lease_until ?? 0) > now && ownerAlive(r.owner)).map((r) => r.name);
  } finally {
    db.close();
  }
}

/** Other live processes that have the project open: each holds a space under tmp/ named for it (process-space.ts). */
function otherOpeners(dir: string): number[] {
  const tmp = join(dir, 'tmp');
  if (!existsSync(tmp)) return [];
  return readdirSync(tmp)
    .filter((entry) => entry !== PROCESS_OWNER && ownerPid(entry) !== null && ownerAlive(entry))
    .map((entry) => ownerPid(entry)!);
}

/** Checks that `dir` is the project named `typedName` and that no other process uses it, then removes it. */
export async function deleteProjectFolder(dir: string, typedName: string): Promise<void> {
  if (!Project.isProject(dir)) throw new AppError('not_found', `${dir} is not a Leporello project`);
  const summary = Project.peek(dir);
  if (summary.problem === null && typedName.trim() !== summary.name)
    throw new AppError('invalid_request', `type the project's name, "${summary.name}", to delete it`);
  if (summary.problem !== null && typedName.trim() !== basename(dir))
    throw new AppError('invalid_request', `type the folder's name, "${basename(dir)}", to delete this unreadable project`);
  const training = summary.problem === null ? liveRuns(dir) : [];
  if (training.length)
    throw new AppError(
      'conflict',
      `run${training.length > 1 ? 's' : ''} ${training.map((n) => `"${n}"`).join(', ')} ${training.length > 1 ? 'are' : 'is'} training in this project: stop ${training.length > 1 ? 'them' : 'it'} first`,
    );
  const openers = otherOpeners(dir);
  if (openers.length)
    throw new AppError(
      'conflict',
      `this project is open in another process (pid ${openers.join(', ')}: the studio or a leporello command): close it there first`,
    );
  const doomed = join(dirname(dir), `.${basename(dir)}.deleting-${Date.now()}`);
  await rename(dir, doomed);
  await rm(doomed, { recursive: true, force: true });
}
