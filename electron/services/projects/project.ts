import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProjectSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { migrations } from '../store/migrations/index';
import { openDatabase, type Database } from '../store/open-database';
import { DATABASE_FILE, PROJECT_DIRS } from './layout';

/** One project: a folder on disk and the SQLite database inside it. */
export class Project {
  private constructor(
    readonly dir: string,
    readonly db: Database,
    readonly id: string,
    readonly name: string,
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
      db = new BetterSqlite3(join(abs, DATABASE_FILE), { readonly: true, fileMustExist: true, nativeBinding: process.env.LEPORELLO_SQLITE_BINDING || undefined });
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
    return Project.attach(abs, openDatabase(join(abs, DATABASE_FILE)));
  }

  private static attach(dir: string, db: Database): Project {
    for (const sub of PROJECT_DIRS) mkdirSync(join(dir, sub), { recursive: true });
    // Leftovers of writes interrupted by a crash: never renamed, so never referenced.
    for (const f of readdirSync(join(dir, 'tmp'))) rmSync(join(dir, 'tmp', f), { force: true, recursive: true });
    const row = db.prepare('SELECT id, name FROM project').get() as { id: string; name: string } | undefined;
    if (!row) throw new AppError('internal', `${dir}: the project database has no project record`);
    return new Project(dir, db, row.id, row.name);
  }

  get tmpDir(): string {
    return join(this.dir, 'tmp');
  }

  summary(): ProjectSummary {
    const { n } = this.db.prepare("SELECT count(*) AS n FROM images WHERE status = 'ok'").get() as { n: number };
    return { id: this.id, name: this.name, path: this.dir, imageCount: n, problem: null };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
