import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { ownerAlive, PROCESS_OWNER } from './process-owner';

/**
 * A hidden name beside (or in `dir` for) `finalPath` for its half-written bytes, carrying this
 * process's owner name: `.portrait.1234-9f2c1a0b.5e1d.partial.mp4`.
 */
export function partialPath(finalPath: string, dir = dirname(finalPath)): string {
  const ext = extname(finalPath);
  return join(dir, `.${basename(finalPath, ext)}.${PROCESS_OWNER}.${randomBytes(4).toString('hex')}.partial${ext}`);
}

const OWNED_PARTIAL = /^\..*\.(\d+-[0-9a-f]+)\.[0-9a-f]+\.partial(\.[^.]*)?$/;

/**
 * Removes the half-written files that processes now dead left in `dir` (a render killed while it
 * wrote beside its output); another live process's are left alone. Returns the names removed.
 */
export async function removeDeadPartials(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const owner = OWNED_PARTIAL.exec(name)?.[1];
    if (!owner || ownerAlive(owner)) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * Writes a file so that a crash never leaves a half-written one under the final name:
 * write to a temporary name in `tmpDir` (same filesystem), fsync, then rename over.
 */
export async function atomicWrite(finalPath: string, data: Uint8Array | string, tmpDir = dirname(finalPath)): Promise<void> {
  await atomicWriteChunks(finalPath, [typeof data === 'string' ? Buffer.from(data, 'utf8') : data], tmpDir);
}

/** The same for a file written piece by piece, so that a large one need never be whole in memory. */
export async function atomicWriteChunks(finalPath: string, chunks: Iterable<Uint8Array>, tmpDir = dirname(finalPath)): Promise<void> {
  await mkdir(dirname(finalPath), { recursive: true });
  const tmp = partialPath(finalPath, tmpDir);
  const handle = await open(tmp, 'w');
  try {
    for (const chunk of chunks) await handle.write(chunk);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await rename(tmp, finalPath);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * The same, synchronously: for what must be on disk before the process may end (the window's
 * state, written as the app quits, when an asynchronous write could be cut off).
 */
export function atomicWriteSync(finalPath: string, data: Uint8Array | string): void {
  mkdirSync(dirname(finalPath), { recursive: true });
  const tmp = partialPath(finalPath);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, finalPath);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
