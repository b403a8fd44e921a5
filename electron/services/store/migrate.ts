import type { Database } from 'better-sqlite3';
import { AppError } from '../../../shared/errors';
import { migrations as allMigrations, type Migration } from './migrations/index';

/** Brings a database up to the newest schema, one migration per transaction. */
export function migrate(db: Database, migrations: Migration[] = allMigrations, file = 'database'): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order: ${m.name} is version ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new AppError(
      'conflict',
      `${file} was written by a newer Leporello (schema ${current}, this one knows ${latest}). Update Leporello to open it; nothing was changed.`,
    );
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
  for (const m of migrations.slice(current)) {
    // SQLite's recipe for rebuilding a table: foreign keys off around the transaction (the pragma
    // is a no-op inside one), and a foreign-key check before it commits.
    const fkWasOn = db.pragma('foreign_keys', { simple: true }) === 1;
    if (m.foreignKeysOff) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.up);
        if (m.foreignKeysOff) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length) throw new Error(`migration ${m.name} would break ${broken.length} foreign key(s); nothing was changed`);
        }
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
        db.pragma(`user_version = ${m.version}`);
      })();
    } finally {
      if (m.foreignKeysOff && fkWasOn) db.pragma('foreign_keys = ON');
    }
  }
  return latest;
}
