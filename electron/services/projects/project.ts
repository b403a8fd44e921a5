import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProjectSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { migrations } from '../store/migrations/index';
import { openDatabase, type Database } from '../store/open-database';
import { DATABASE_FILE, PROJECT_DIRS } from './layout';
import { claimProcessSpace, releaseProcessSpace } from './process-space';
import { PROCESS_OWNER } from '../../formats/process-owner';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

const restoreAdvice = (dir: string) =>
  `restore ${DATABASE_FILE} from a backup of ${dir} (the pictures, runs and renders there are files of their own and are untouched); once it opens, "leporello project check" verifies them`;

/**
 * Refuses a database that cannot be the project's before SQLite would rewrite it: an empty file
 * would silently become a new, empty project.
 */
function checkDatabaseFile(dir: string, file: string): void {
  let head: Buffer;
  try {
    const size = statSync(file).size;
    if (size === 0) throw new AppError('invalid_request', `${file} is empty (0 bytes): the project's records are lost; ${restoreAdvice(dir)}`);
    const fd = openSync(file, 'r');
    try {
      head = Buffer.alloc(16);
      readSync(fd, head, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError(
      'invalid_request',
      `cannot read ${file} (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message}): give your user read and write access to the project folder`,
    );
  }
  if (!head.equals(SQLITE_HEADER)) throw new AppError('invalid_request', `${file} is not a SQLite database (damaged or overwritten); ${restoreAdvice(dir)}`);
}

/** What went wrong opening a project's database, in one sentence that names the file and the fix. */
function describeOpenFailure(dir: string, file: string, err: unknown): Error {
  if (err instanceof AppError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'EACCES') {
    return new AppError(
      'invalid_request',
      `${dir} cannot be written (read-only, or not yours): Leporello writes its database and files there; copy the project to a folder you can write to, or change its permissions`,
    );
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return new AppError('invalid_request', `${file} is damaged (${code}); ${restoreAdvice(dir)}`);
  return err instanceof Error ? err : new Error(String(err));
}

/** One project: a folder on disk and the SQLite database inside it. */
export class Project {
  private constructor(
    readonly dir: string,
    readonly db: Database,
    readonly id: string,
    readonly name: string,
    /** This process's own folder for half-written files (tmp/<pid>-<random>). */
    readonly tmpDir: string,
  ) {}

  static isProject(dir: string): boolean {
    return existsSync(join(dir, DATABASE_FILE));
  }

  /**
   * A project's summary read without opening it for writing: listing projects must neither
   * migrate them nor fail as a whole because one of them is damaged or newer.
   */
  static peek(dir: string): ProjectSummary {
    const abs = resolve(dir);
    const unreadable = (problem: string): ProjectSummary => ({ id: abs, name: abs.split(/[\\/]/).pop() ?? abs, path: abs, imageCount: 0, problem });
    let db: BetterSqlite3.Database | undefined;
    try {
      db = new BetterSqlite3(join(abs, DATABASE_FILE), {
        readonly: true,
        fileMustExist: true,
        nativeBinding: process.env.LEPORELLO_SQLITE_BINDING || undefined,
      });
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > migrations.length) return unreadable(`written by a newer Leporello (schema ${version}); update Leporello to open it`);
      const row = db.prepare('SELECT id, name FROM project').get() as { id: string; name: string } | undefined;
      if (!row) return unreadable('its database has no project record');
      const { n } = db.prepare("SELECT count(*) AS n FROM images WHERE status = 'ok'").get() as { n: number };
      return { id: row.id, name: row.name, path: abs, imageCount: n, problem: null };
    } catch (err) {
      return unreadable(`its database cannot be read (${err instanceof Error ? err.message : String(err)})`);
    } finally {
      db?.close();
    }
  }

  static create(dir: string, name: string): Project {
    const abs = resolve(dir);
    if (Project.isProject(abs)) throw new AppError('conflict', `a Leporello project already exists in ${abs}; open it instead`);
    if (existsSync(abs) && readdirSync(abs).length > 0) {
      throw new AppError('conflict', `${abs} is not empty; choose an empty or new folder for the project`);
    }
    mkdirSync(abs, { recursive: true });
    const db = openDatabase(join(abs, DATABASE_FILE));
    const id = randomUUID();
    db.prepare('INSERT INTO project (id, name, created_at) VALUES (?, ?, ?)').run(id, name, new Date().toISOString());
    return Project.attach(abs, db);
  }

  static open(dir: string): Project {
    const abs = resolve(dir);
    if (!Project.isProject(abs)) {
      throw new AppError('not_found', `${abs} is not a Leporello project (no ${DATABASE_FILE}); create one with "leporello project create ${abs}"`);
    }
    const file = join(abs, DATABASE_FILE);
    checkDatabaseFile(abs, file);
    let db: Database;
    try {
      db = openDatabase(file);
      // A file cut short (a copy interrupted, a full disk) opens, then fails on the first query
      // that reaches its missing pages: checked once here, so it is refused with one message.
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') {
        db.close();
        throw new AppError('invalid_request', `${file} is damaged (${String(check).split('\n')[0]}); ${restoreAdvice(abs)}`);
      }
    } catch (err) {
      throw describeOpenFailure(abs, file, err);
    }
    return Project.attach(abs, db);
  }

  private static attach(dir: string, db: Database): Project {
    for (const sub of PROJECT_DIRS) mkdirSync(join(dir, sub), { recursive: true });
    const row = db.prepare('SELECT id, name FROM project').get() as { id: string; name: string } | undefined;
    if (!row) throw new AppError('internal', `${dir}: the project database has no project record`);
    // Half-written files of processes that died (never renamed, so never referenced) go; those of
    // live ones stay: another process may be writing there now.
    return new Project(dir, db, row.id, row.name, claimProcessSpace(join(dir, 'tmp')));
  }

  /** Who this process is in the project's records (run leases). */
  get owner(): string {
    return PROCESS_OWNER;
  }

  summary(): ProjectSummary {
    const { n } = this.db.prepare("SELECT count(*) AS n FROM images WHERE status = 'ok'").get() as { n: number };
    return { id: this.id, name: this.name, path: this.dir, imageCount: n, problem: null };
  }

  close(): void {
    if (!this.db.open) return;
    this.db.close();
    releaseProcessSpace(this.tmpDir);
  }
}
