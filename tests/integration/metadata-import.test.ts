// An archive's catalogue imported with its pictures, through the CLI as a curator runs it: the
// Congress portraits with ../shared/data/portraits600.csv — every picture matched to its row, the
// sitter and the archive's reference kept, the other columns as labels, the rows without a picture
// counted; the captions of the book and the contact sheet are the sitters' names, read back with
// poppler. A JSON sidecar keyed by file gives captions; a column can be left out; a broken
// catalogue is refused before anything is recorded.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { previewSidecar } from '../../electron/services/import/sidecar';
import { printVideoBook, runCli, sharedData, smallPortraits, tempDir } from '../helpers';

const catalogue = join(sharedData, 'portraits600.csv');
const files = readdirSync(smallPortraits)
  .filter((f) => f.endsWith('.jpg'))
  .sort();

test('the catalogue is previewed column by column: the file, the sitter, the reference, labels', () => {
  const preview = previewSidecar(catalogue);
  assert.equal(preview.rows, 600);
  assert.deepEqual(Object.fromEntries(preview.columns.map((c) => [c.name, c.role])), {
    file: 'file',
    name: 'sitter',
    born: 'label',
    died: 'label',
    state: 'label',
    party: 'label',
    chamber: 'label',
    congress: 'label',
    era: 'label',
    source_path: 'source',
  });
  assert.deepEqual(preview.columns.find((c) => c.name === 'name')!.examples, ['ADAIR, John', 'ADAMS, George Madison', 'ALBRIGHT, Charles']);
});

test('import --metadata: pictures get their sitters, references and labels; the book and the contact sheet print the sitters', (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  const cli = (...args: string[]) => runCli(base, ...args);
  assert.equal(cli('project', 'create', project).code, 0);
  const imported = cli('import', project, smallPortraits, '--collection', 'congress', '--metadata', catalogue, '--json');
  assert.equal(imported.code, 0, imported.stderr);
  const summary = imported.json();
  assert.equal(summary.imported, files.length);
  assert.deepEqual(
    { matched: summary.metadata.matched, noRow: summary.metadata.unmatchedFileCount, rowsWithout: summary.metadata.unmatchedRowCount },
    { matched: files.length, noRow: 0, rowsWithout: 600 - files.length },
  );

  const images = cli('images', project, '--json').json().items as { id: number; sourceName: string; labels: Record<string, string> }[];
  const adair = images.find((i) => i.sourceName === '000020.jpg')!;
  assert.deepEqual(
    { state: adair.labels.state, party: adair.labels.party, era: adair.labels.era, born: adair.labels.born },
    { state: 'Kentucky', party: 'Jackson Party', era: 'before-1830', born: '1757' },
  );
  const db = new BetterSqlite3(join(project, 'leporello.sqlite'), { readonly: true });
  assert.deepEqual(db.prepare('SELECT sitter, source, caption FROM images WHERE id = ?').get(adair.id), {
    sitter: 'ADAIR, John',
    source: 'images/bio_guide/000020.jpg',
    caption: '',
  });
  db.close();

  const book = join(base, 'book.pdf');
  const printed = printVideoBook(base, project, 'congress', makeVideo(cli, project, base), book);
  assert.equal(printed.code, 0, printed.stderr);
  const text = execFileSync('pdftotext', [book, '-'], { encoding: 'utf8' });
  // Four portraits spread over the collection: each captioned with its sitter, none with its file number.
  const sitters = [...text.matchAll(/\b([A-Z][A-Za-z' .-]+, [A-Z][\w. ]+)/g)].map((m) => m[1]);
  assert.ok(sitters.length >= 4, `the recto captions are the sitters: ${text}`);
  assert.doesNotMatch(text, /\b000\d{3}\b/, 'not the file numbers');

  const sheet = join(base, 'sheet.pdf');
  const sheeted = cli('export', 'contact-sheet', project, '--collection', 'congress', '--count', '6', '--out', sheet);
  assert.equal(sheeted.code, 0, sheeted.stderr);
  const sheetText = execFileSync('pdftotext', [sheet, '-'], { encoding: 'utf8' });
  // Which six the sheet spreads over depends on import order; each is one of the catalogue's sitters.
  const names = readFileSync(catalogue, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => /^[^,]+,"([^"]+)"/.exec(line)?.[1])
    .filter((n): n is string => !!n);
  const captions = sheetText.split('\n').filter((l) => /^\p{Lu}[\p{L}' .-]+, /u.test(l));
  assert.equal(captions.length, 6, sheetText);
  assert.ok(
    captions.every((c) => names.some((n) => n.startsWith(c.replace(/…$/, '')))),
    `captions from the catalogue: ${captions.join(' | ')}`,
  );
  assert.doesNotMatch(sheetText, /\b000\d{3}\b/, 'not the file numbers');

  // Importing the same folder again with the catalogue applies it to the pictures already there.
  const again = cli('import', project, smallPortraits, '--collection', 'congress', '--metadata', catalogue, '--json');
  assert.equal(again.json().metadata.matched, files.length);
});

/** A short blend video from the tiny StyleGAN2 fixture, for the book's verso. */
function makeVideo(cli: (...args: string[]) => ReturnType<typeof runCli>, project: string, base: string): string {
  assert.equal(cli('import-network', project, join(sharedData, '..', 'fixtures', 'stylegan2', 'sg2-tiny-32.pkl')).code, 0);
  const video = join(base, 'v.mp4');
  const r = cli('render', 'video', project, '--network', '1', '--backend', 'cpu', '--path', 'seed:1,seed:2', '--seconds', '1', '--fps', '8', '--out', video);
  assert.equal(r.code, 0, r.stderr);
  return video;
}

test('a JSON catalogue keyed by file gives captions; a column can be left out; a broken catalogue is refused before anything is recorded', (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  const cli = (...args: string[]) => runCli(base, ...args);
  assert.equal(cli('project', 'create', project).code, 0);
  const json = join(base, 'catalogue.json');
  writeFileSync(json, JSON.stringify({ [files[0]!]: { caption: 'Arrested, 12 May 1871', mood: 'grave' }, [files[1]!]: { caption: 'Unknown sitter' } }));
  const r = cli(
    'import',
    project,
    join(smallPortraits, files[0]!),
    join(smallPortraits, files[1]!),
    join(smallPortraits, files[2]!),
    '--collection',
    'c',
    '--metadata',
    json,
    '--json',
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual([r.json().metadata.matched, r.json().metadata.unmatchedFiles], [2, [files[2]!]]);
  const first = (cli('images', project, '--json').json().items as { sourceName: string; labels: Record<string, string> }[]).find(
    (i) => i.sourceName === files[0],
  );
  assert.equal(first!.labels.mood, 'grave');
  assert.deepEqual(previewSidecar(json, { mood: 'ignore' }).columns.find((c) => c.name === 'mood')!.role, 'ignore');

  const broken = join(base, 'broken.csv');
  writeFileSync(broken, 'file,name\n000020.jpg,"ADAIR, John\n');
  const refused = cli('import', project, smallPortraits, '--collection', 'never', '--metadata', broken);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /broken\.csv: a quoted field is never closed \(row 2\); the file looks cut short/);
  const noFile = join(base, 'nofile.csv');
  writeFileSync(noFile, 'sitter,era\nA,1830\n');
  assert.match(cli('import', project, smallPortraits, '--collection', 'never', '--metadata', noFile).stderr, /nofile\.csv has no column naming the file/);
  assert.ok(!(cli('images', project, '--json').json().items as { collectionId: number }[]).some((i) => i.collectionId > 1), 'no collection "never" was made');
  // The JSON caption prints under the portrait.
  const sheet = join(base, 'c.pdf');
  assert.equal(cli('export', 'contact-sheet', project, '--collection', 'c', '--out', sheet).code, 0);
  assert.match(execFileSync('pdftotext', [sheet, '-'], { encoding: 'utf8' }), /Arrested, 12 May 1871/);
});
