import { statSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

export interface ScannedFile {
  path: string;
  /** The archive it came from: the folder the curator named, or the file's own folder. */
  archive: string;
  /** Set when the path cannot even be looked at; the file is then rejected with this reason. */
  problem?: string;
}

// Files every operating system leaves in picture folders; they are not the curator's pictures.
const IGNORED = /^(\..*|thumbs\.db|desktop\.ini|icon\r)$/i;

/** Lists the files under the given files and folders, recursively, following symlinks once. */
export async function scanPaths(paths: string[], signal?: AbortSignal): Promise<ScannedFile[]> {
  const out: ScannedFile[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();

  const walk = async (dir: string, archive: string): Promise<void> => {
    if (signal?.aborted) return;
    let real: string;
    try {
      real = await realpath(dir);
    } catch (err) {
      out.push({ path: dir, archive, problem: describeFsError(err, 'folder') });
      return;
    }
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      out.push({ path: dir, archive, problem: describeFsError(err, 'folder') });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
    for (const e of entries) {
      if (IGNORED.test(e.name)) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p, archive);
      else if (e.isSymbolicLink()) {
        try {
          const s = await stat(p);
          if (s.isDirectory()) await walk(p, archive);
          else addFile(p, archive);
        } catch (err) {
          out.push({ path: p, archive, problem: describeFsError(err, 'link target') });
        }
      } else addFile(p, archive);
    }
  };

  const addFile = (p: string, archive: string) => {
    if (seenFiles.has(p)) return;
    seenFiles.add(p);
    out.push({ path: p, archive });
  };

  for (const given of paths) {
    const abs = resolve(given);
    try {
      const s = await stat(abs);
      if (s.isDirectory()) await walk(abs, basename(abs));
      else addFile(abs, basename(dirname(abs)));
    } catch (err) {
      out.push({ path: abs, archive: basename(dirname(abs)), problem: describeFsError(err, 'path') });
    }
  }
  return out;
}

export function describeFsError(err: unknown, what: string): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return `${what} not found: check the spelling, or whether the drive is connected`;
    case 'EACCES':
    case 'EPERM':
      return `${what} cannot be read (permission denied): give your user read access and import again`;
    case 'ELOOP':
      return `${what} is a symbolic link that points to itself`;
    case 'EIO':
      return `${what} could not be read (input/output error): the disk or network share may be failing`;
    default:
      return `${what} could not be read (${code ?? (err instanceof Error ? err.message : String(err))})`;
  }
}

/**
 * Why these paths cannot be imported at all, checked before anything is recorded: a relative path
 * (the studio has no working folder it could mean) or one that is not there. A mistyped path must
 * not become a new collection holding one "rejected image".
 */
export function importPathProblems(paths: string[]): string[] {
  if (paths.length === 0) return ['give at least one folder or file to import'];
  return paths.flatMap((p) => {
    if (!p.trim()) return ['an empty path: give the whole path of a folder or file'];
    if (!isAbsolute(p)) return [`"${p}" is a relative path: give the whole path, e.g. /home/you/portraits or ~/portraits`];
    try {
      statSync(p);
      return [];
    } catch (err) {
      return [`${p}: ${describeFsError(err, 'path')}`];
    }
  });
}
