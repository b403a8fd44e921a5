// The sample project from the command line (leporello try-sample) in an empty studio home: the
// shipped portraits imported with their catalogue, curated, a dataset and a finished run, and the
// commands it prints for the timeline and the book working as printed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { runCli, tempDir } from '../helpers';

test('try-sample makes the sample project with a finished run, and its printed next steps work', (t) => {
  const base = tempDir(t);
  const made = runCli(base, 'try-sample');
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stderr, /importing the sample portraits…\nfinding and aligning the faces…\nmaking a 32 px dataset of the faces…\nstarting a small DCGAN…/);
  const dir = join(base, 'projects', 'Sample - Congress portraits');
  assert.match(made.stdout, new RegExp(`The sample project is ready, in \\d+ s: ${dir.replace(/[.]/g, '\\.')}`));

  const db = new Database(join(dir, 'leporello.sqlite'), { readonly: true });
  t.after(() => db.close());
  const images = db.prepare("SELECT COUNT(*) AS n, COUNT(sitter) AS sitters FROM images WHERE status = 'ok'").get() as { n: number; sitters: number };
  assert.deepEqual(images, { n: 64, sitters: 64 }, 'every portrait, with its sitter from the catalogue');
  const faces = (db.prepare("SELECT COUNT(*) AS n FROM faces WHERE status = 'kept'").get() as { n: number }).n;
  assert.ok(faces >= 50, `${faces} faces kept`);
  const run = db.prepare('SELECT name, status FROM runs').get() as { name: string; status: string };
  assert.deepEqual(run, { name: 'first-dcgan', status: 'finished' });
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM checkpoints').get() as { n: number }).n, 11);

  // The next steps it printed work on what was made: the timeline, and the book with the sitters' names as captions.
  const book = runCli(base, 'export', 'leporello', dir, '--run', 'first-dcgan', '--recto', 'congress', '--out', join(base, 'book.pdf'));
  assert.equal(book.code, 0, book.stderr);
  assert.match(book.stdout, /11 panels of 15×21 cm/);
  const timeline = runCli(base, 'timeline', dir, '--run', 'first-dcgan', '--out', join(base, 'timeline.png'));
  assert.equal(timeline.code, 0, timeline.stderr);
  assert.match(timeline.stdout, /16 witnesses of "first-dcgan" × 11 checkpoints/);
});
