import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProjectSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
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
    return { id: this.id, name: this.name, path: this.dir, imageCount: n };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
