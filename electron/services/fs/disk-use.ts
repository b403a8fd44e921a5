// How much a folder holds and how much room its disk has left: what a run's checkpoints will take
// is shown before it starts (and each run's size in the runs list), so that a curator's disk does
// not fill up halfway through a night's training.
import { readdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';

/** The bytes of every file under `dir` (0 when it is not there). */
export async function folderBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const e of entries) {
    if (!e.isFile()) continue;
    total += await stat(join(e.parentPath, e.name)).then(
      (s) => s.size,
      () => 0,
    );
  }
  return total;
}

/** Bytes free to this user on the disk holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}
