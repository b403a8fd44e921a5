// A curator's first minutes, through the UI of a studio whose home is empty: "Try the sample
// project" imports and curates the shipped sample and trains its run while they watch, the
// first-steps guide ticks each step as the project shows it done, and the timeline and a printed
// book (read back with poppler) are reached by clicking.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../helpers';
import { openBrowserSession, type BrowserSession } from './browser-session';

let s: BrowserSession;
before(async () => {
  s = await openBrowserSession();
});
after(() => s.close());

const waitText = (testid: string, pattern: RegExp, timeout = 30_000) =>
  s.page.waitForFunction(
    ([id, source]) => new RegExp(source!).test(document.querySelector(`[data-testid=${id}]`)?.textContent ?? ''),
    [testid, pattern.source],
    { timeout },
  );
const stepDone = (key: string) =>
  s.page.waitForFunction((k) => document.querySelector(`[data-testid=guide-step-${k}]`)?.getAttribute('data-done') === 'true', key);

test('from an empty studio: the sample project, the guide, the timeline and a printed book, all by clicking', async () => {
  const { page } = s;
  // The address the server prints, with its token: the studio opens on Projects, with nothing in it.
  await page.goto(s.server.url);
  await page.getByTestId('try-sample').waitFor();
  assert.equal(await page.locator('[data-testid=project-list] li').count(), 0, 'the studio starts empty');
  const started = Date.now();
  await page.getByTestId('try-sample').click();
  await waitText('sample-step', /finding and aligning the faces/, 60_000);
  await s.shot('45-sample-project-making');
  await page.waitForURL(/#\/run\/\d+$/, { timeout: 120_000 });

  // The project is open with the sample's portraits and their catalogue; the guide has ticked the first two steps.
  const dir = s.studio.current!.dir;
  assert.equal((await page.getByTestId('current-project').textContent())?.trim(), 'Sample — Congress portraits');
  await page.getByTestId('first-run-guide').waitFor();
  await stepDone('import');
  await stepDone('curate');
  await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent === 'finished', null, { timeout: 180_000 });
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`# the sample project, from the click to its run finished: ${seconds.toFixed(0)} s\n`);
  await stepDone('train');
  await s.shot('46-sample-project-run');

  await page.getByTestId('open-timeline').click();
  await page.locator('[data-testid=timeline-view][data-painted=true]').waitFor({ timeout: 60_000 });
  await stepDone('timeline');
  await s.shot('47-sample-project-timeline');

  // The book's defaults fit the run: as many panels as it has checkpoints with witnesses.
  await page.getByTestId('nav-book').click();
  await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid=book-panels]')?.value === '11');
  // …and a sheet they fit: 21 cm panels need A3 for bleed and marks; the preview shows its 6 sheets, both sides, before anything is made.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=preview-page]').length === 12);
  assert.equal(await page.getByTestId('book-sheet').inputValue(), 'A3');
  await page.getByTestId('book-export').click();
  await waitText('book-done', /12 pages on 6 sheets/, 60_000);
  const pdf = join(dir, 'renders', 'books', 'leporello.pdf');
  assert.ok(existsSync(pdf));
  assert.match(spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout, /Pages:\s+12/);
  // The recto's captions come from the sample's catalogue: sitters' names.
  const names = readFileSync(join(repoRoot, 'resources', 'sample', 'portraits.csv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => /^[^,]+,"([^,"]+),/.exec(l)?.[1])
    .filter((n): n is string => !!n);
  const recto = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).stdout.toUpperCase();
  assert.ok(names.filter((n) => recto.includes(n)).length >= 5, `the recto names its sitters: ${recto.slice(0, 300)}`);
  await stepDone('book');
  await s.shot('48-sample-project-book');

  // Hidden for good, and brought back from Projects.
  await page.getByTestId('guide-hide').click();
  assert.equal(await page.getByTestId('first-run-guide').count(), 0);
  await page.goto(s.at('#/projects'));
  await page.getByTestId('guide-show').click();
  await page.getByTestId('first-run-guide').waitFor();
  assert.deepEqual(s.problems, []);
});
