import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

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
  const tmp = join(tmpDir, `.${randomBytes(8).toString('hex')}.partial`);
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
  const tmp = join(dirname(finalPath), `.${randomBytes(8).toString('hex')}.partial`);
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
