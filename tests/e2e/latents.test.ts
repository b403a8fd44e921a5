// The latent views in a real browser against the real headless server, their work done by the
// real CLI in its own process on the imported sg2-tiny-32 StyleGAN2: faces from seeds in Latents,
// a blend video rendered and played (and a long one cancelled, leaving no file), the questionnaire
// answered with the keyboard, the feature analysed with its LDA histogram and faces generated with
// a requested value, and a leporello book exported with the video on its verso.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { importNetwork } from '../../electron/services/networks/network-store';
import { DATABASE_FILE } from '../../electron/services/projects/layout';
import { sharedData, smallPortraits } from '../helpers';
import { openBrowserSession, type BrowserSession } from './browser-session';

let s: BrowserSession;
let projectDir: string;

before(async () => {
  s = await openBrowserSession();
  await s.studio.createProject('Latent space');
  await s.studio.startImport({ paths: [smallPortraits], collection: 'small' }).done;
  const project = s.studio.requireProject();
  projectDir = project.dir;
  await importNetwork(project, join(sharedData, '..', 'fixtures', 'stylegan2', 'sg2-tiny-32.pkl'));
  await s.page.goto(s.server.url);
});
after(() => s?.close());

const waitText = (testid: string, pattern: RegExp, timeout = 120_000) =>
  s.page.waitForFunction(
    ([id, source]) => new RegExp(source!).test(document.querySelector(`[data-testid=${id}]`)?.textContent ?? ''),
    [testid, pattern.source],
    { timeout },
  );

const frames = (file: string) =>
  Number(
    spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file], {
      encoding: 'utf8',
    }).stdout.trim(),
  );

test('latents, a blend video, the questionnaire, the analysis and a leporello book, from the studio', async () => {
  const { page } = s;
  await page.goto(s.at('#/latents'));
  await page.getByTestId('latents-view').waitFor();
  assert.match((await page.getByTestId('latents-generator').textContent()) ?? '', /sg2-tiny-32 · stylegan2 · W · 32 px/);
  await page.getByTestId('latents-seeds').fill('1-6');
  await page.getByTestId('latents-add-seeds').click();
  await page.getByTestId('latents-strip').waitFor({ timeout: 120_000 });
  assert.equal(await page.locator('[data-testid=latents-list] tbody tr').count(), 6);
  await page.waitForFunction(() => (document.querySelector('[data-testid=latents-strip]') as HTMLImageElement | null)?.naturalWidth === 192);
  await s.shot('latents');

  // A real portrait projected into the generator from the studio: its latent is listed with its origin.
  // The portrait is picked by looking, from a grid of the collection's thumbnails.
  await page.getByTestId('latents-choose-portrait').click();
  await page.getByTestId('latents-portrait').first().waitFor();
  assert.ok((await page.getByTestId('latents-portrait').count()) > 1);
  await s.shot('latents-portrait-grid');
  const first = await page.getByTestId('latents-portrait').first().getAttribute('title');
  const firstId = await page.getByTestId('latents-portrait').first().getAttribute('data-id');
  await page.getByTestId('latents-portrait').first().click();
  assert.equal(await page.getByTestId('latents-portrait-grid').count(), 0, 'the grid closes once a portrait is chosen');
  assert.match((await page.getByTestId('latents-chosen-portrait').textContent()) ?? '', new RegExp(first!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await page.locator('#steps').fill('5');
  await page.getByTestId('latents-project').click();
  await waitText('latents-list', new RegExp(`image #${firstId} projected`));
  await page.locator('[data-testid=latents-strip][alt="Faces of latents 7"]').waitFor({ timeout: 60_000 });

  // A blend video through three of them, played in the page.
  await page.getByTestId('video-anchors').fill('latent:1, latent:3, seed:9');
  await page.getByTestId('video-seconds').fill('2');
  await page.getByTestId('video-fps').fill('12');
  await page.getByTestId('video-name').fill('blend');
  await page.getByTestId('video-render').click();
  await waitText('video-done', /24 frames, 2\.0 s/);
  const video = join(projectDir, 'renders', 'videos', 'blend.mp4');
  assert.equal(frames(video), 24);
  await page.waitForFunction(() => ((document.querySelector('[data-testid=video-player]') as HTMLVideoElement | null)?.readyState ?? 0) >= 1, undefined, {
    timeout: 30_000,
  });
  await s.shot('latents-video');
  // Rendered again under the same name: the first video is kept, the new one numbered and played.
  const firstSrc = await page.getByTestId('video-player').getAttribute('src');
  await page.getByTestId('video-seconds').fill('3');
  await page.getByTestId('video-render').click();
  await waitText('video-done', /36 frames, 3\.0 s — renders\/videos\/blend-2\.mp4/);
  assert.notEqual(await page.getByTestId('video-player').getAttribute('src'), firstSrc);
  assert.deepEqual([frames(video), frames(join(projectDir, 'renders', 'videos', 'blend-2.mp4'))], [24, 36]);

  // A long one, cancelled once it reports progress: no file is left.
  await page.getByTestId('video-seconds').fill('300');
  await page.getByTestId('video-name').fill('long');
  await page.getByTestId('video-render').click();
  await waitText('job-running', /frame \d+ of 3600/);
  await s.shot('latents-video-progress');
  await page.getByTestId('job-cancel').click();
  await waitText('job-error', /cancelled at frame \d+ of 3600; nothing was written/);
  assert.deepEqual(readdirSync(join(projectDir, 'renders', 'videos')).sort(), ['blend-2.mp4', 'blend.mp4']);

  // The questionnaire, answered with the keyboard: 1 yes, 2 no, 0 invalid.
  await page.goto(s.at('#/questionnaire'));
  await page.getByTestId('question-key').fill('bright');
  await page.getByTestId('question-answers').fill('yes, no');
  await page.locator('input[type=number]').first().fill('6');
  await page.getByTestId('question-start').click();
  await page.getByTestId('question-face').waitFor({ timeout: 120_000 });
  await s.shot('questionnaire');
  for (const key of ['1', '2', '1', '2', '0', '1']) {
    const before = await page.getByTestId('question-progress').textContent();
    await page.keyboard.press(key);
    await page.waitForFunction((prev) => document.querySelector('[data-testid=question-progress]')?.textContent !== prev, before);
  }
  await waitText('question-progress', /^6 of 6 answered/);
  const db = new Database(join(projectDir, DATABASE_FILE), { readonly: true });
  const answers = db
    .prepare(
      "SELECT l.value, count(*) AS n FROM latent_labels l JOIN label_keys k ON k.id = l.key_id WHERE k.name = 'bright' GROUP BY l.value ORDER BY l.value",
    )
    .all();
  db.close();
  assert.deepEqual(answers, [
    { value: 'invalid', n: 1 },
    { value: 'no', n: 2 },
    { value: 'yes', n: 3 },
  ]);

  // Asked again, the question brings back its answers.
  await page.goto(s.at('#/analysis'));
  await page.goto(s.at('#/questionnaire'));
  await page.locator('#known-questions option[value="bright"]').waitFor({ state: 'attached' });
  await page.getByTestId('question-answers').fill('');
  await page.getByTestId('question-key').fill('bright');
  await page.getByTestId('question-key').dispatchEvent('change');
  assert.equal(await page.getByTestId('question-answers').inputValue(), 'no, yes');

  // The analysis of those answers, and two faces requested bright.
  await page.goto(s.at('#/analysis'));
  await page.getByTestId('analysis-feature').fill('bright');
  await page.getByTestId('analysis-run').click();
  await waitText('analysis-classes', /bright: no \(2\), yes \(3\) over 64 dimensions/);
  assert.ok((await page.locator('[data-testid=analysis-lda] rect').count()) > 2, 'the LDA histogram is drawn');
  assert.equal(await page.locator('[data-testid=analysis-dimensions] tbody tr').count(), 10);
  // Five answers over 64 dimensions support nothing: the report says so, shows the held-out
  // projection first, and keeps Generate off (the CLI's test generates from 59 answers that do).
  await waitText('analysis-warnings', /64 dimensions and 5 answers: with more dimensions than answers, the fitted projection separates any labels/);
  await waitText('analysis-classifier', /^Classifier: (too few faces to hold any out|.*no better than chance)/);
  assert.equal(await page.getByTestId('analysis-generate').isDisabled(), true);
  await waitText('analysis-generate-why', /Generate waits until the classifier beats chance on held-out faces with 95 % confidence/);
  // Nothing could be held out of five answers: the fitted projection shows, with its caveat.
  assert.equal(await page.getByTestId('analysis-fitted').isChecked(), true);
  await page.locator('[data-testid=analysis-lda][data-projection=fitted]').waitFor();
  await waitText('analysis-fitted-caveat', /64 dimensions for 5 answers separate any labels this cleanly/);
  await s.shot('analysis');

  // The centroid of the faces answered bright, and a difference of two latents.
  await page.goto(s.at('#/latents'));
  await page.locator('[data-testid=latents-list] tbody tr').first().waitFor();
  const rows = await page.locator('[data-testid=latents-list] tbody tr').count();
  await page.getByTestId('latents-centroid-label').fill('bright=yes');
  await page.getByTestId('latents-centroid').click();
  await waitText('latents-list', /centroid of bright=yes \(3\)/);
  assert.equal(await page.locator('[data-testid=latents-list] tbody tr').count(), rows + 1);
  await page.locator('[data-testid=latents-list] tbody tr').last().locator('input').uncheck();
  await page.locator('[data-testid=latents-list] tbody tr').nth(0).locator('input').check();
  await page.locator('[data-testid=latents-list] tbody tr').nth(1).locator('input').check();
  await page.getByTestId('latents-subtract').click();
  await waitText('latents-list', /#1 − #2/);
  // The operands and their difference, drawn side by side.
  await page.locator('[data-testid=latents-strip][alt^="Faces of latents 1, 2, "]').waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => (document.querySelector('[data-testid=latents-strip]') as HTMLImageElement | null)?.naturalWidth === 96);
  await s.shot('latents-arithmetic');

  // A leporello book with the blend video's frames on the verso.
  await page.goto(s.at('#/book'));
  await page.getByTestId('book-verso').locator('option').first().waitFor({ state: 'attached' });
  await page.getByTestId('book-panels').fill('4');
  await page.getByTestId('book-width').fill('100');
  await page.getByTestId('book-height').fill('100');
  await page.getByTestId('book-name').fill('book');
  // 10 cm panels fit A4, two to a sheet: the preview draws both sheets, each side, with the video's frames on the verso.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=preview-page]').length === 4);
  assert.equal(await page.getByTestId('book-sheet').inputValue(), 'A4');
  await page.getByTestId('book-export').click();
  await waitText('book-done', /4 pages on 2 sheets/);
  assert.match((await page.getByTestId('book-warning').first().textContent()) ?? '', /below 300 dpi/);
  const pdf = join(projectDir, 'renders', 'books', 'book.pdf');
  assert.ok(existsSync(pdf));
  assert.match(spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout, /Pages:\s+4/);
  await s.shot('book');
  assert.deepEqual(s.problems, []);
});
