// Reading a file a person named (a network, an archive, latents, a path spec): only a regular
// file, and only up to a size the kind of file can have, so that /dev/zero, a named pipe or a
// folder is refused at once with its reason instead of filling memory or waiting forever.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';

const GB = 2 ** 30;
const MB = 2 ** 20;

/** The largest file of each kind that is read (whole, or for an archive entry by entry). */
export const FILE_LIMITS = {
  /** NVIDIA's largest published networks are ~380 MB; StyleGAN (v1) FFHQ 1024 is ~310 MB. */
  network: 2 * GB,
  /** A dataset archive is read entry by entry, never whole, up to what its entries may unpack to (ZIP_LIMITS). */
  archive: 16 * GB,
  /** Latents, path specs: text or small arrays. */
  small: 64 * MB,
} as const;

function size(bytes: number): string {
  return bytes >= GB ? `${(bytes / GB).toFixed(1)} GB` : `${(bytes / MB).toFixed(0)} MB`;
}

/**
 * `file` (a `what`: "network pickle", "dataset archive"…) opened without blocking, and checked on
 * the open handle, so that what is checked is what is read. The caller closes the handle.
 */
export async function openUserFile(file: string, what: string, maxBytes: number): Promise<{ handle: FileHandle; size: number }> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a folder'
            : (err as Error).message;
    throw new AppError(code === 'ENOENT' ? 'not_found' : 'invalid_request', `cannot read ${file} (${why}): give the path of a ${what}`);
  }
  try {
    const s = await handle.stat();
    if (s.isDirectory()) throw new AppError('invalid_request', `${file} is a folder: give the path of a ${what} file inside it`);
    if (!s.isFile()) throw new AppError('invalid_request', `${file} is not a regular file (a device, pipe or socket): give the path of a ${what}`);
    if (s.size > maxBytes)
      throw new AppError('invalid_request', `${file} is ${size(s.size)}, more than any ${what} (${size(maxBytes)} at most): is it the right file?`);
    return { handle, size: s.size };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** The bytes of a file a person named, checked as `openUserFile` checks it. */
export async function readUserFile(file: string, what: string, maxBytes: number): Promise<Buffer> {
  const { handle } = await openUserFile(file, what, maxBytes);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** The same, synchronously, for a small text file read while a command's arguments are parsed. */
export function readUserTextSync(file: string, what: string): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError(
      code === 'ENOENT' ? 'not_found' : 'invalid_request',
      `cannot read ${file} (${code === 'ENOENT' ? 'no such file' : (err as Error).message}): give the path of a ${what}`,
    );
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw new AppError('invalid_request', `${file} is not a regular file: give the path of a ${what}`);
    if (s.size > FILE_LIMITS.small)
      throw new AppError('invalid_request', `${file} is ${size(s.size)}, more than any ${what} (${size(FILE_LIMITS.small)} at most): is it the right file?`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
