import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { migrate } from '../../electron/services/store/migrate';
import { migrations } from '../../electron/services/store/migrations/index';
import { openDatabase } from '../../electron/services/store/open-database';
import { tempDir } from '../helpers';

test('a new database gets every migration, its version recorded, WAL and foreign keys on', (t) => {
  const file = join(tempDir(t), 'p.sqlite');
  const db = openDatabase(file);
  assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
  assert.deepEqual(
    applied,
    migrations.map((m) => ({ version: m.version, name: m.name })),
  );
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
  for (const t of ['project', 'collections', 'images', 'label_keys', 'image_labels']) assert.ok(tables.includes(t), t);
  db.close();
  // Opening again applies nothing twice.
  const again = openDatabase(file);
  assert.equal((again.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n, migrations.length);
  again.close();
});

test('a database from a newer Leporello is refused untouched', (t) => {
  const file = join(tempDir(t), 'newer.sqlite');
  const raw = new BetterSqlite3(file);
  raw.pragma(`user_version = ${migrations.length + 5}`);
  raw.close();
  assert.throws(() => openDatabase(file), /written by a newer Leporello/);
  const check = new BetterSqlite3(file);
  assert.equal(check.pragma('user_version', { simple: true }), migrations.length + 5);
  assert.equal((check.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'images'").get() as { n: number }).n, 0);
  check.close();
});

test('a failing migration rolls back whole and leaves the version where it was', (t) => {
  const db = new BetterSqlite3(join(tempDir(t), 'f.sqlite'));
  const broken = [...migrations, { version: migrations.length + 1, name: 'broken', up: 'CREATE TABLE half (x INTEGER); INSERT INTO nowhere VALUES (1);' }];
  assert.throws(() => migrate(db, broken));
  assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
  assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get() as { n: number }).n, 0);
  db.close();
});

test('a migration list out of order is refused before anything runs', (t) => {
  const db = new BetterSqlite3(join(tempDir(t), 'o.sqlite'));
  assert.throws(() => migrate(db, [{ version: 2, name: 'x', up: '' }]), /out of order/);
  assert.equal(db.pragma('user_version', { simple: true }), 0);
  db.close();
});

test('the schema enforces what the import relies on', (t) => {
  const db = openDatabase(join(tempDir(t), 's.sqlite'));
  db.prepare("INSERT INTO collections (name, created_at) VALUES ('c', 'now')").run();
  const insert = db.prepare(
    "INSERT INTO images (collection_id, status, reason, sha256, original_path, source_path, imported_at) VALUES (1, ?, ?, ?, ?, ?, 'now')",
  );
  insert.run('ok', null, 'aa', 'originals/aa/aa.jpg', '/a.jpg');
  assert.throws(() => insert.run('ok', null, 'aa', 'originals/aa/aa.jpg', '/b.jpg'), /UNIQUE/, 'one kept copy per content');
  assert.throws(() => insert.run('rejected', null, null, null, '/c.txt'), /CHECK/, 'a rejection carries its reason');
  assert.throws(() => insert.run('ok', null, null, null, '/d.jpg'), /CHECK/, 'a kept image has its hash and file');
  assert.throws(
    () => db.prepare("INSERT INTO images (collection_id, status, reason, source_path, imported_at) VALUES (99, 'rejected', 'r', '/e', 'now')").run(),
    /FOREIGN KEY/,
  );
  db.close();
});

test('migration 2 (datasets) keeps every row of version 1', (t) => {
  const db = new BetterSqlite3(join(tempDir(t), 'up.sqlite'));
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, 1));
  db.prepare("INSERT INTO project (id, name, created_at) VALUES ('p', 'P', 'then')").run();
  db.prepare("INSERT INTO collections (name, created_at) VALUES ('c', 'then')").run();
  db.prepare(
    "INSERT INTO images (collection_id, status, sha256, original_path, source_path, imported_at) VALUES (1, 'ok', 'aa', 'originals/aa/aa.jpg', '/a.jpg', 'then')",
  ).run();
  db.prepare("INSERT INTO label_keys (name) VALUES ('era')").run();
  db.prepare("INSERT INTO image_labels (image_id, key_id, value) VALUES (1, 1, 'old')").run();
  const tables = ['project', 'collections', 'images', 'label_keys', 'image_labels'];
  const before = tables.map((tb) => db.prepare(`SELECT * FROM ${tb}`).all());
  migrate(db, migrations.slice(0, 2));
  assert.equal(db.pragma('user_version', { simple: true }), 2);
  assert.deepEqual(
    tables.map((tb) => db.prepare(`SELECT * FROM ${tb}`).all()),
    before,
  );
  assert.throws(
    () =>
      db
        .prepare(
          "INSERT INTO datasets (name, resolution, channels, fit, xflip, image_count, dir_path, sha256, bytes, created_at) VALUES ('d', 48, 3, 'crop', 0, 1, 'x', 'h', 1, 'now')",
        )
        .run(),
    /CHECK/,
    'resolution must be a power of two',
  );
  db.close();
});

test('migration 4 (kimg, paused) rebuilds runs, checkpoints and health keeping every row and every foreign key', (t) => {
  const db = new BetterSqlite3(join(tempDir(t), 'v3.sqlite'));
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, 3));
  db.prepare("INSERT INTO collections (name, created_at) VALUES ('c', 'then')").run();
  db.prepare(
    "INSERT INTO datasets (name, collection_id, resolution, channels, fit, xflip, image_count, dir_path, sha256, bytes, created_at) VALUES ('d', 1, 16, 3, 'crop', 0, 24, 'datasets/d', 'h', 1, 'then')",
  ).run();
  const run = db.prepare(
    "INSERT INTO runs (name, dataset_id, arch, options, status, dir_path, created_at, updated_at) VALUES (?, 1, 'dcgan', '{}', 'finished', 'runs/r', 'then', 'then')",
  );
  run.run('r1');
  run.run('r2');
  db.prepare('UPDATE runs SET parent_run_id = 1, parent_checkpoint_id = 2 WHERE id = 2').run();
  const checkpoint = db.prepare(
    "INSERT INTO checkpoints (run_id, epoch, step, images_seen, path, sha256, bytes, witness_grid, created_at) VALUES (1, ?, ?, ?, 'c', 'h', 1, 'w', 'then')",
  );
  checkpoint.run(0, 0, 0);
  checkpoint.run(1, 3, 24);
  db.prepare("INSERT INTO run_health (run_id, epoch, verdict, metrics, reasons) VALUES (1, 1, 'collapsed', '{}', '[]')").run();
  db.prepare('INSERT INTO run_metrics (run_id, step, epoch, name, value) VALUES (1, 3, 1, ?, 0.5)').run('Loss/D');
  db.prepare("INSERT INTO latents (run_id, kind, position, vector, created_at) VALUES (1, 'witness', 0, x'00', 'then')").run();
  const before = ['runs', 'checkpoints', 'run_metrics', 'latents'].map((tb) => db.prepare(`SELECT * FROM ${tb} ORDER BY rowid`).all());

  migrate(db, migrations.slice(0, 4));
  assert.equal(db.pragma('user_version', { simple: true }), 4);
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys are back on');
  assert.deepEqual(
    ['runs', 'checkpoints', 'run_metrics', 'latents'].map((tb) => db.prepare(`SELECT * FROM ${tb} ORDER BY rowid`).all()),
    before,
  );
  assert.deepEqual(db.prepare('SELECT run_id, images_seen, epoch, verdict FROM run_health').all(), [
    { run_id: 1, images_seen: 24, epoch: 1, verdict: 'collapsed' },
  ]);
  db.prepare("UPDATE runs SET status = 'paused' WHERE id = 2").run();
  // Two checkpoints in one epoch (kimg runs on large sets) are now allowed; two at one count of images are not.
  checkpoint.run(1, 4, 30);
  assert.throws(() => checkpoint.run(2, 5, 30), /UNIQUE/);
  // The rebuilt tables still reference and cascade.
  assert.throws(
    () =>
      db
        .prepare(
          "INSERT INTO checkpoints (run_id, epoch, step, images_seen, path, sha256, bytes, witness_grid, created_at) VALUES (99, 0, 0, 0, 'c', 'h', 1, 'w', 'now')",
        )
        .run(),
    /FOREIGN KEY/,
  );
  db.prepare('DELETE FROM runs WHERE id = 1').run();
  assert.deepEqual(
    ['checkpoints', 'run_health', 'run_metrics', 'latents'].map((tb) => (db.prepare(`SELECT count(*) AS n FROM ${tb}`).get() as { n: number }).n),
    [0, 0, 0, 0],
  );
  assert.equal((db.prepare('SELECT parent_run_id FROM runs WHERE id = 2').get() as { parent_run_id: number | null }).parent_run_id, null);
  db.close();
});

test('migration 9 (run leases) keeps every run and starts each without an owner', (t) => {
  const db = new BetterSqlite3(join(tempDir(t), 'v8.sqlite'));
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, 8));
  db.prepare("INSERT INTO collections (name, created_at) VALUES ('c', 'then')").run();
  db.prepare(
    "INSERT INTO datasets (name, collection_id, resolution, channels, fit, xflip, image_count, dir_path, sha256, bytes, created_at) VALUES ('d', 1, 16, 3, 'crop', 0, 24, 'datasets/d', 'h', 1, 'then')",
  ).run();
  db.prepare(
    "INSERT INTO runs (name, dataset_id, arch, options, status, dir_path, created_at, updated_at) VALUES ('r', 1, 'dcgan', '{}', 'running', 'runs/r', 'then', 'then')",
  ).run();
  const before = db.prepare('SELECT * FROM runs').all();
  migrate(db, migrations.slice(0, 9));
  const after = db.prepare('SELECT * FROM runs').all() as Record<string, unknown>[];
  assert.deepEqual(
    after.map(({ owner, lease_until, control, progress, ...rest }) => rest),
    before,
  );
  assert.deepEqual(
    after.map((r) => [r.owner, r.lease_until, r.control, r.progress]),
    [[null, null, null, null]],
  );
  assert.throws(() => db.prepare("UPDATE runs SET control = 'explode'").run(), /CHECK constraint failed/);
  db.close();
});

/** Dataset 1 of collection 1 and run 1 trained on it, as any schema from version 3 on holds them. */
function datasetAndRun(db: BetterSqlite3.Database): void {
  db.prepare(
    "INSERT INTO datasets (name, collection_id, resolution, channels, fit, xflip, image_count, dir_path, sha256, bytes, created_at) VALUES ('d', 1, 16, 3, 'crop', 0, 24, 'datasets/d', 'h', 1, 'then')",
  ).run();
  db.prepare(
    "INSERT INTO runs (name, dataset_id, arch, options, status, dir_path, created_at, updated_at) VALUES ('r', 1, 'dcgan', '{}', 'finished', 'runs/r', 'then', 'then')",
  ).run();
}

test('migration 7 (latents of generators) rebuilds latents keeping every witness, and adds their labels', (t) => {
  const db = new BetterSqlite3(join(tempDir(t), 'v6.sqlite'));
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, 6));
  db.prepare("INSERT INTO collections (name, created_at) VALUES ('c', 'then')").run();
  db.prepare(
    "INSERT INTO images (collection_id, status, sha256, original_path, source_path, imported_at) VALUES (1, 'ok', 'aa', 'originals/aa/aa.jpg', '/a.jpg', 'then')",
  ).run();
  datasetAndRun(db);
  const witness = db.prepare("INSERT INTO latents (run_id, kind, position, vector, created_at) VALUES (1, 'witness', ?, ?, 'then')");
  witness.run(0, Buffer.from(Float32Array.of(0.5, -1).buffer));
  witness.run(1, Buffer.from(Float32Array.of(2, 3).buffer));
  const before = db.prepare('SELECT id, run_id, kind, position, vector, source, created_at FROM latents ORDER BY id').all();

  migrate(db, migrations.slice(0, 7));
  assert.equal(db.pragma('user_version', { simple: true }), 7);
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys are back on');
  const after = db.prepare('SELECT * FROM latents ORDER BY id').all() as Record<string, unknown>[];
  assert.deepEqual(
    after.map(({ generator, space, name, image_id, detail, ...rest }) => rest),
    before,
    'every witness kept, byte for byte',
  );
  assert.deepEqual(
    after.map((r) => [r.space, r.generator, r.name, r.image_id, r.detail]),
    [
      ['z', null, null, null, '{}'],
      ['z', null, null, null, '{}'],
    ],
  );
  // What version 7 is for: the curator's latents, of a generator, with labels; arithmetic is a kind now.
  db.prepare("INSERT INTO latents (kind, vector, created_at, generator, space, image_id) VALUES ('arithmetic', x'00000000', 'now', 'network:1', 'w', 1)").run();
  assert.throws(() => db.prepare("INSERT INTO latents (kind, vector, created_at, space) VALUES ('sample', x'00', 'now', 'q')").run(), /CHECK/);
  assert.throws(() => witness.run(1, Buffer.alloc(4)), /UNIQUE/, 'one witness per run and position');
  db.prepare("INSERT INTO label_keys (name) VALUES ('mood')").run();
  db.prepare("INSERT INTO latent_labels (latent_id, key_id, value) VALUES (3, 1, 'calm')").run();
  db.prepare('DELETE FROM images WHERE id = 1').run();
  assert.equal(
    (db.prepare('SELECT image_id FROM latents WHERE id = 3').get() as { image_id: number | null }).image_id,
    null,
    "a projected portrait's image may go; its latent stays",
  );
  db.prepare('DELETE FROM latents WHERE id = 3').run();
  assert.equal((db.prepare('SELECT count(*) AS n FROM latent_labels').get() as { n: number }).n, 0, 'labels go with their latent');
  db.prepare('DELETE FROM runs WHERE id = 1').run();
  assert.equal((db.prepare('SELECT count(*) AS n FROM latents').get() as { n: number }).n, 0, "a run's witnesses go with it");
  db.close();
});

test('migration 18 (second look) rebuilds faces keeping every row and id, takes the prepared passes, and lets a faceless picture be set aside', (t) => {
  const db = new BetterSqlite3(join(tempDir(t), 'v17.sqlite'));
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, 17));
  db.prepare("INSERT INTO collections (name, created_at) VALUES ('c', 'then')").run();
  const image = db.prepare("INSERT INTO images (collection_id, status, sha256, original_path, source_path, imported_at) VALUES (1, 'ok', ?, ?, ?, 'then')");
  image.run('a', 'originals/a.jpg', '/in/a.jpg');
  image.run('b', 'originals/b.jpg', '/in/b.jpg');
  db.prepare(
    "INSERT INTO image_curation (image_id, state, reason, detector, master_size, processed_at) VALUES (1, 'faces', NULL, 'd', 256, 'then'), (2, 'no_face', 'none', 'd', 256, 'then')",
  ).run();
  db.prepare(
    `INSERT INTO faces (id, image_id, position, source, pass, score, box, quad, aligned_path, aligned_size, phash, sharpness, colourfulness, status, reason, created_at)
     VALUES (7, 1, 0, 'detected', 'tiny-low', 0.4, '{}', '{}', 'aligned/a-0.png', 256, 'p', 10, 1, 'excluded', 'blurred', 'then')`,
  ).run();
  const before = db.prepare('SELECT * FROM faces').all();
  migrate(db, migrations.slice(0, 18));
  assert.deepEqual(db.prepare('SELECT * FROM faces').all(), before);
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  db.prepare("UPDATE faces SET pass = 'prepared-tiny' WHERE id = 7").run();
  assert.throws(() => db.prepare("UPDATE faces SET pass = 'guess' WHERE id = 7").run(), /CHECK constraint failed/);
  db.prepare("UPDATE image_curation SET set_aside = 'a campaign button' WHERE image_id = 2").run();
  // The rebuilt table still follows its image away.
  db.prepare('DELETE FROM images WHERE id = 1').run();
  assert.equal((db.prepare('SELECT count(*) AS n FROM faces').get() as { n: number }).n, 0);
  db.close();
});

test('migration 20 (five health verdicts) renames each recorded verdict by what it said, and keeps every row', (t) => {
  const db = new BetterSqlite3(join(tempDir(t), 'v19.sqlite'));
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, 19));
  db.prepare("INSERT INTO collections (name, created_at) VALUES ('c', 'then')").run();
  datasetAndRun(db);
  const health = db.prepare("INSERT INTO run_health (run_id, images_seen, epoch, verdict, metrics, reasons) VALUES (1, ?, ?, ?, '{}', ?)");
  health.run(0, 0, 'healthy', JSON.stringify(['untrained: the generator has not learned anything yet']));
  health.run(24, 1, 'healthy', JSON.stringify(["still learning: the samples have not yet been diverse (3 % of the real portraits' diversity)"]));
  health.run(48, 2, 'healthy', '[]');
  health.run(72, 3, 'collapsed', JSON.stringify(["samples keep 20 % of the real portraits' diversity"]));
  migrate(db, migrations.slice(0, 20));
  assert.deepEqual(
    (db.prepare('SELECT verdict, reasons FROM run_health ORDER BY images_seen').all() as { verdict: string; reasons: string }[]).map((r) => r.verdict),
    ['untrained', 'learning', 'healthy', 'collapsing'],
  );
  assert.throws(() => db.prepare("UPDATE run_health SET verdict = 'collapsed' WHERE epoch = 3").run(), /CHECK constraint failed/);
  db.prepare('DELETE FROM runs').run();
  assert.equal((db.prepare('SELECT count(*) AS n FROM run_health').get() as { n: number }).n, 0, 'health still follows its run away');
  db.close();
});
