import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from './migrate';

export type { Database };

/**
 * Opens (or creates) a project database. Where the process runs under Electron, the native
 * binding built for Electron's ABI is named by LEPORELLO_SQLITE_BINDING (see scripts/start.mjs),
 * because node_modules holds the build for plain Node that the CLI and the tests use.
 */
export function openDatabase(file: string): Database {
  const nativeBinding = process.env.LEPORELLO_SQLITE_BINDING || undefined;
  const db = new BetterSqlite3(file, { nativeBinding });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db, undefined, file);
  return db;
}
