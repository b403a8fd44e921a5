// The studio's training views in a real browser against the real headless server, with real runs
// in real engine processes (cpu backend, 16 px, tiny networks): launch from the UI, watch, reload
// mid-run, pause, resume, stop, a deliberately collapsing run in the health panel and its one-click
// fork, timelines alone and side by side, the PNG export, delete; and the time to first paint of a
// 100-checkpoint × 64-witness timeline.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { listImages } from '../../electron/services/images';
import { setLabel } from '../../electron/services/labels';
import { NETWORK_CATALOGUE, NVIDIA_CDN } from '../../shared/network-catalogue';
import { repoRoot, sharedData, smallPortraits } from '../helpers';
import { startNetworkMirror } from '../network-mirror';

const fixtures = join(sharedData, '..', 'fixtures', 'stylegan2');
import { openBrowserSession, type BrowserSession } from './browser-session';

let s: BrowserSession;

before(async () => {
  s = await openBrowserSession();
  await s.studio.createProject('Training');
  await s.studio.startImport({ paths: [smallPortraits], collection: 'small' }).done;
  // The address with the token signs the browser in (a cookie); later addresses go without it.
  await s.page.goto(s.server.url);
});
after(() => s?.close());

const text = (testid: string) => s.page.getByTestId(testid).textContent();
/** Waits until an element's text matches: the DOM follows a click within a frame, not within a round trip. */
const waitText = (testid: string, pattern: RegExp) =>
  s.page.waitForFunction(
    ([id, source]) => new RegExp(source!).test(document.querySelector(`[data-testid=${id}]`)?.textContent ?? ''),
    [testid, pattern.source],
  );

/** Fills the launcher: the tiny network the engine tests use, on the cpu backend. */
async function fillLauncher(fields: Record<string, string>) {
  const { page } = s;
  await page.getByTestId('preset-dcgan-64').click();
  for (const [testid, value] of Object.entries({ 'run-batch': '8', 'run-width': '4', 'run-zdim': '16', 'run-every': '1', ...fields }))
    await page.getByTestId(testid).fill(value);
  await page.waitForFunction(() => /cpu/.test(document.querySelector('[data-testid=backend-report]')?.textContent ?? ''));
  await page.getByTestId('run-backend').selectOption('cpu');
}

test('launch a run from the UI, watch it, reload mid-run, pause, resume and stop it', async () => {
  const { page } = s;
  await page.goto(s.at('#/runs'));
  // No runs yet: the launcher is open, and with no dataset it offers to build one.
  await page.getByTestId('dataset-form').waitFor();
  await page.getByTestId('preset-dcgan-64').click();
  await page.getByTestId('dataset-resolution').selectOption('16');
  await page.getByTestId('build-dataset').click();
  await page.waitForFunction(() =>
    /small.*24 portraits, 16 px/.test(document.querySelector<HTMLSelectElement>('[data-testid=run-dataset]')?.selectedOptions[0]?.textContent ?? ''),
  );

  // Limits said beside their fields before anything starts: a batch larger than the dataset, checkpoints spaced past the run's end.
  await fillLauncher({ 'run-length': '3000', 'run-witnesses': '16', 'run-name': 'long', 'run-batch': '30', 'run-every': '4000' });
  await waitText('problem-batch', /^The dataset has 24 portraits: a batch can hold at most 24\. Lower it, or build a larger dataset\.$/);
  await waitText(
    'note-every',
    /^A checkpoint every 4000 epochs in a run of 3000: the timeline will hold only the untrained start and the end\. Space them at most 3000 apart for more\.$/,
  );
  assert.ok(await page.getByTestId('start-run').isDisabled(), 'Start waits until the settings can work');
  await s.shot('20b-run-launcher-limits');
  await page.getByTestId('run-batch').fill('8');
  await page.getByTestId('run-every').fill('1');
  assert.equal(await page.locator('[data-testid^=problem-], [data-testid^=note-]').count(), 0);
  // Each backend the engine could not use says why.
  assert.match((await text('backend-report'))!, /✗ tensorflow .{10,}/s);
  await page.getByTestId('measure-speed').click();
  await page.waitForFunction(() => /per epoch.*for the whole run/s.test(document.querySelector('[data-testid=run-estimate]')?.textContent ?? ''));
  assert.match((await text('run-estimate'))!, /images\/s over \d+ measured steps; computing on cpu/);
  // What its checkpoints will take on disk, from the one the warm-up wrote, against the room left.
  const disk = () => page.getByTestId('run-disk').innerText();
  assert.match(await disk(), /^Disk: 3001 checkpoints × [\d.]+ kB = [\d.]+ MB, [\d.]+ (GB|TB) free\.$/);
  // Keeping the networks of one checkpoint in 100: every checkpoint's witnesses, 31 with networks (0, 100, … 3000).
  await page.getByTestId('run-keep-weights').fill('100');
  await page.getByTestId('measure-speed').click();
  await page.waitForFunction(() => /with their networks/.test(document.querySelector('[data-testid=run-disk]')?.textContent ?? ''));
  assert.match(
    await disk(),
    /^Disk: 3001 checkpoints' witnesses × [\d.]+ (bytes|kB) \+ 31 with their networks × [\d.]+ kB = [\d.]+ (kB|MB), [\d.]+ (GB|TB) free\.$/,
  );
  await s.shot('21-run-launcher');
  await page.getByTestId('run-keep-weights').fill('1');

  await page.getByTestId('start-run').click();
  await page.waitForURL(/#\/run\/1$/);
  await page.getByTestId('run-position').waitFor();
  const count = () => text('progress-count');
  const first = await count();
  await page.waitForFunction((was) => document.querySelector('[data-testid=progress-count]')?.textContent !== was, first);
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid=witness-grid]');
    return !!img && img.complete && img.naturalWidth === 64;
  });
  await page.waitForFunction(() => (document.querySelector('[data-testid=loss-chart-path]')?.getAttribute('d') ?? '').split('L').length > 3);
  // The backend in words; the engine's own account behind "details".
  assert.match((await page.getByTestId('run-backend').innerText())!, /^Trains on the processor in plain JavaScript: the slowest way/);
  const details = page.getByTestId('run-backend').locator('details');
  assert.equal(await details.evaluate((d) => (d as HTMLDetailsElement).open), false, 'the details are closed at first');
  await details.locator('summary').click();
  assert.equal(await details.evaluate((d) => (d as HTMLDetailsElement).open), true);
  assert.match(await details.innerText(), /computing on cpu/);
  await s.shot('22-run-dashboard');

  // A reload (or a second window) finds the run where it is and follows it live.
  await page.reload();
  await page.getByTestId('run-position').waitFor();
  const afterReload = await count();
  await page.waitForFunction((was) => document.querySelector('[data-testid=progress-count]')?.textContent !== was, afterReload);

  await page.getByTestId('pause-run').click();
  await page.waitForFunction(() => /paused after step \d+/.test(document.querySelector('[data-testid=run-reason]')?.textContent ?? ''));
  assert.equal(await text('run-status'), 'paused');
  // Paused, the bar gives no speed and no time left.
  assert.equal(await page.getByTestId('progress-eta').count(), 0);
  await page.getByTestId('progress-paused').waitFor();
  const live = s.studio.runs.live()[0]!;
  const step = Number(/paused after step (\d+)/.exec((await text('run-reason'))!)![1]);
  assert.equal(live.step, step, 'the engine holds at the step it reported');
  await s.shot('23-run-paused');

  await page.getByTestId('resume-run').click();
  await page.waitForFunction((at) => {
    const m = /^(\d+) \//.exec(document.querySelector('[data-testid=progress-count]')?.textContent ?? '');
    return !!m && Number(m[1]) > at;
  }, live.imagesSeen);
  assert.equal(await text('run-status'), 'running');

  await page.getByTestId('stop-run').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent === 'stopped');
  await page.getByTestId('resume-run').waitFor();
  assert.match((await text('run-reason'))!, /stopped after \d+ images/);
  assert.deepEqual(s.problems, []);
});

test('a deliberately collapsing run is flagged in the health panel, with its onset and a one-click fork', async () => {
  const { page } = s;
  await page.goto(s.at('#/runs'));
  await page.getByTestId('new-run').click();
  // Adam at 1.0 with β1 0.9, seed 5: the setting the engine's tests collapse on purpose (from epoch 4).
  await fillLauncher({ 'run-length': '6', 'run-witnesses': '9', 'run-lr': '1', 'run-beta1': '0.9', 'run-seed': '5', 'run-name': 'too-fast' });
  await page.getByTestId('start-run').click();
  await page.waitForURL(/#\/run\/2$/);
  await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent === 'finished', null, { timeout: 120_000 });
  await page.waitForFunction(() => /collapsing since epoch 4/.test(document.querySelector('[data-testid=health-verdict]')?.textContent ?? ''));
  // A finished run says what can come next: its timeline, more training, a book, its faces and a video.
  assert.deepEqual(
    await page
      .locator('[data-testid=run-what-next] a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')?.replace(/^(#\/(?:book|latents)\/\d+)\/\d+$/, '$1/C'))),
    ['#/timeline/2', '#/book/2/C', '#/latents/2/C'],
  );
  assert.match((await text('health-reasons'))!, /of the real portraits' diversity/);
  // The checkpoint list speaks the same verdicts as the badge, one per checkpoint.
  assert.deepEqual(await page.locator('[data-testid=inspect-at] option').allTextContents(), [
    'epoch 0 (untrained)',
    'epoch 1 (learning)',
    'epoch 2 (learning)',
    'epoch 3 (learning)',
    'epoch 4 (collapsing)',
    'epoch 5 (collapsing)',
    'epoch 6 (collapsing)',
  ]);
  // The onset is marked on the loss chart and on the diversity curve.
  assert.equal(await page.locator('[data-testid=loss-chart] .marker.onset').count(), 1);
  assert.equal(await page.locator('[data-testid=diversity-chart] .marker.onset').count(), 1);
  await page.getByTestId('nearest-pairs').waitFor();
  await page.waitForFunction(() =>
    [...document.querySelectorAll<HTMLImageElement>('[data-testid=nearest-pairs] img')].every((i) => i.complete && i.naturalWidth === 16),
  );
  assert.equal(await page.locator('[data-testid=nearest-pairs] figure').count(), 6);
  assert.match(
    (await text('memorisation-words'))!,
    /The closest here is \d\.\d\d×: .*(not a copy|worth a look|a copy, not a new face|nor yet much like a portrait)\./,
  );
  await page.getByTestId('advice-fork').scrollIntoViewIfNeeded();
  await s.shot('24-health-collapsed');

  // Quality: the quick measurement of every checkpoint drawn as curves; a full one on demand adds
  // the face-descriptor metrics, and the best checkpoint by recall is one click from the Latents view.
  await page.getByTestId('quality-swd').waitFor();
  await page.getByTestId('quality-recall-image').waitFor();
  await page.getByTestId('quality-samples').fill('16');
  await page.getByTestId('quality-measure-latest').click();
  await page.getByTestId('quality-recall-face').waitFor({ timeout: 120_000 });
  await page.getByTestId('quality-best-by').selectOption('recall-image');
  assert.match((await text('quality-best'))!, /^epoch \d+: [\d.]+$/);
  await page.getByTestId('quality-panel').scrollIntoViewIfNeeded();
  await s.shot('24b-run-quality');

  // …and one click ends the book's verso there: the book opens with the run and that ending chosen.
  const bestAt = /^(epoch \d+):/.exec((await text('quality-best'))!)![1]!;
  await page.getByTestId('quality-use-book').click();
  await page.waitForURL(/#\/book\/2\/\d+$/);
  const ending = () => page.getByTestId('book-ending').evaluate((e: HTMLSelectElement) => e.selectedOptions[0]?.textContent ?? '');
  await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('[data-testid=book-ending]')?.selectedOptions[0]?.textContent?.includes('best'));
  assert.match(await ending(), new RegExp(`^${bestAt}: best .*thumbnail recall`));
  assert.equal(await page.getByTestId('book-verso').inputValue(), 'run:2');
  await page.getByTestId('book-panels').fill('2');
  await page.getByTestId('book-width').fill('100');
  await page.getByTestId('book-height').fill('100');
  await page.getByTestId('book-name').fill('until-best');
  // The preview draws the book before it is made: 10 cm panels fit A4, chosen for them; one sheet,
  // its recto and its mirrored verso, every panel marked with the resolution it will print at.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=preview-page]').length === 2);
  assert.equal(await page.getByTestId('book-sheet').inputValue(), 'A4');
  assert.deepEqual(await page.locator('[data-testid=preview-page]').evaluateAll((pages) => pages.map((p) => p.getAttribute('data-side'))), ['recto', 'verso']);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=preview-dpi]').length === 4);
  // 16 px witnesses in a 10 cm panel print far below 300 dpi: marked on the verso; the upscale says what it will do.
  const versoDpi = await page
    .locator('[data-testid=preview-page][data-side=verso] [data-testid=preview-dpi]')
    .evaluateAll((gs) => gs.map((g) => [Number(g.getAttribute('data-dpi')), g.getAttribute('data-low')]));
  assert.ok(versoDpi.length === 2 && versoDpi.every(([dpi, low]) => (dpi as number) < 300 && low === 'true'), JSON.stringify(versoDpi));
  await page.getByTestId('book-upscale').check();
  await page.waitForFunction(() => /→ 300 dpi \(Lanczos\)/.test(document.querySelector('[data-testid=preview-page][data-side=verso]')?.textContent ?? ''));
  await page.getByTestId('book-upscale').uncheck();
  // The recto picked and ordered by hand: swapping the two pictures swaps them in the preview.
  const rectoImages = () => page.locator('[data-testid=preview-page][data-side=recto] image').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
  const before = await rectoImages();
  await page.getByTestId('book-recto-by-hand').check();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=recto-picked] li').length === 2);
  await page.getByTestId('recto-later').first().click();
  await page.waitForFunction(
    (b) =>
      JSON.stringify([...document.querySelectorAll('[data-testid=preview-page][data-side=recto] image')].map((e) => e.getAttribute('href'))) ===
      JSON.stringify(b),
    [before[1], before[0]],
  );
  await s.shot('30c-book-recto-by-hand');
  await page.getByTestId('book-recto-by-hand').uncheck();
  // More panels than the timeline up to its best has checkpoints: said before anything is made, and Export waits.
  await page.getByTestId('book-panels').fill('40');
  await waitText('book-plan-problem', /checkpoints with witnesses up to epoch \d+, fewer than the 40 the verso needs/);
  assert.equal(await page.getByTestId('book-export').isDisabled(), true);
  await page.getByTestId('book-panels').fill('2');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=preview-page]').length === 2);
  await page.getByTestId('book-export').click();
  await waitText('book-done', /2 pages on 1 sheet/);
  const book = join(s.studio.requireProject().dir, 'renders', 'books', 'until-best.pdf');
  const captions = spawnSync('pdftotext', ['-f', '2', '-l', '2', book, '-'], { encoding: 'utf8' }).stdout;
  assert.deepEqual(
    [...captions.matchAll(/ · (epoch \d+)/g)].map((m) => m[1]),
    ['epoch 0', bestAt],
    'from the start to the best, nothing after it',
  );
  await s.shot('30b-book-ending-at-best');
  await page.goto(s.at('#/run/2'));

  await page.getByTestId('advice-fork').click();
  await page.getByTestId('fork-dialog').waitFor();
  assert.equal(await page.getByTestId('fork-lr').inputValue(), '0.5');
  assert.equal(await page.getByTestId('fork-at').inputValue(), '3');
  await page.getByTestId('fork-start').click();
  await page.waitForURL(/#\/run\/3$/);
  await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent === 'finished', null, { timeout: 120_000 });
  const fork = s.studio.runs;
  assert.ok(fork);
  const row = s.studio.requireProject().db.prepare('SELECT parent_run_id, options FROM runs WHERE id = 3').get() as { parent_run_id: number; options: string };
  assert.equal(row.parent_run_id, 2);
  assert.equal(JSON.parse(row.options).learningRate, 0.5);
  assert.deepEqual(s.problems, []);
});

test('timelines: zoom, scrub, a single face, picked witnesses exported as PNG, two runs side by side, delete', async () => {
  const { page } = s;
  await page.goto(s.at('#/timeline/2'));
  await page.locator('[data-testid=timeline-view][data-painted=true]').waitFor();
  assert.equal(await text('timeline-current'), 'epoch 6');
  await page.getByTestId('timeline-zoom').fill('96');
  await page.locator('[data-testid=timeline-cell][aria-label="witness 1 at epoch 2"]').click();
  await page.getByTestId('timeline-loupe').waitFor();
  await waitText('timeline-current', /^epoch 2$/);
  await page.keyboard.press('ArrowRight');
  await waitText('timeline-current', /^epoch 3$/);
  await waitText('timeline-loupe', /Witness 1 at epoch 3/);
  // Beside the faces, the quality measured at the scrubbed checkpoint (quickly, while it trained).
  await waitText('timeline-quality-here', /too-fast\s*epoch 3: SWD [\d.]+\* · thumbnail precision [\d.]+\* · thumbnail recall [\d.]+\*/);
  await s.shot('25-timeline-loupe');
  await page.keyboard.press('Escape');

  const picks = page.getByTestId('pick-witness');
  await picks.nth(1).check();
  await picks.nth(4).check();
  await page.getByTestId('export-timeline').click();
  await page.getByTestId('exported-link').waitFor();
  const exported = (await page.getByTestId('exported-link').getAttribute('href'))!.replace(/^files\//, '');
  const meta = await sharp(join(s.studio.requireProject().dir, decodeURIComponent(exported))).metadata();
  // Seven checkpoints across and the two picked witnesses down, under a band of column numbers and
  // the run's title band (which may widen the picture to fit its words).
  assert.equal(meta.height, 18 + 18 + 2 * 16, 'the two picked witnesses down, under the labels');
  assert.ok(meta.width! >= 7 * 16, 'seven checkpoints across');
  await page.getByTestId('timeline-zoom').fill('48');
  await s.shot('26-timeline');

  // Side by side, aligned by epoch: the long run against the collapsing one.
  await page.goto(s.at('#/timeline/1/vs/2'));
  await page.locator('[data-testid=timeline-view][data-painted=true]').waitFor();
  // Large enough that both panes scroll both ways, however few checkpoints the stopped run made.
  await page.getByTestId('timeline-zoom').fill('160');
  const viewports = page.getByTestId('timeline-viewport');
  assert.equal(await viewports.count(), 2);
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid=timeline-viewport]')].every(
      (v) => v.scrollWidth - v.clientWidth > 150 && v.scrollHeight - v.clientHeight > 120,
    ),
  );
  await viewports.nth(0).evaluate((el) => el.scrollTo(150, 120));
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=timeline-viewport]')].every((v) => v.scrollTop === 120 && v.scrollLeft === 150));
  await s.shot('27-timeline-side-by-side');

  await page.goto(s.at('#/runs'));
  await page.getByTestId('runs-table').waitFor();
  assert.equal(await page.getByTestId('run-row').count(), 3);
  await s.shot('28-runs-list');
  const forkDir = join(s.studio.requireProject().dir, 'runs', '00003-small-16-dcgan');
  const dir = (s.studio.requireProject().db.prepare('SELECT dir_path FROM runs WHERE id = 3').get() as { dir_path: string }).dir_path;
  assert.ok(existsSync(join(s.studio.requireProject().dir, dir)), forkDir);
  await page.getByTestId('delete-run').nth(2).click();
  await page.getByTestId('delete-dialog').waitFor();
  await s.shot('29-run-delete-confirm');
  await page.getByTestId('confirm-delete').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=run-row]').length === 2);
  assert.ok(!existsSync(join(s.studio.requireProject().dir, dir)));
  assert.deepEqual(s.problems, []);
});

test('a timeline of 100 checkpoints × 64 witnesses paints in under a second and scrolls virtualised', async () => {
  const project = s.studio.requireProject();
  const dataset = (project.db.prepare('SELECT id FROM datasets').get() as { id: number }).id;
  const { run, done } = await s.studio.runs.start({
    datasetId: dataset,
    arch: 'dcgan',
    epochs: 99,
    batchSize: 8,
    dSteps: 1,
    backend: 'cpu',
    seed: 3,
    witnesses: 64,
    checkpointEvery: 1,
    width: 4,
    zDim: 16,
    name: 'hundred',
  });
  assert.equal((await done).status, 'finished');
  const { page } = s;
  await page.goto(s.at('#/runs'));
  await page.getByTestId('runs-table').waitFor();
  await page.evaluate((id) => {
    performance.mark('navigate');
    location.hash = `#/timeline/${id}`;
  }, run.id);
  await page.locator('[data-testid=timeline-view][data-painted=true]').waitFor();
  const firstPaint = await page.evaluate(() => performance.measure('first-paint', 'navigate', 'timeline-painted').duration);
  await s.shot('30-timeline-100x64-overview');
  // The overview draws its thousands of faces on a canvas, not as elements.
  const overviewCells = Number(await page.getByTestId('timeline-canvas').getAttribute('data-cells'));
  assert.equal(await page.getByTestId('timeline-cell').count(), 0);
  // It shows faces (not only the background), and a click opens the face under the pointer.
  const drawn = await page.getByTestId('timeline-canvas').evaluate((c: HTMLCanvasElement) => {
    const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    let differing = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i]! - 12) + Math.abs(data[i + 1]! - 12) + Math.abs(data[i + 2]! - 13) > 24) differing++;
    return differing / (data.length / 4);
  });
  assert.ok(drawn > 0.5, `only ${(drawn * 100).toFixed(0)} % of the overview differs from its background`);
  await page.getByTestId('timeline-canvas').click({ position: { x: 16 * 2 + 8, y: 16 * 5 + 8 } });
  await waitText('timeline-loupe', /Witness 6 at epoch 2\b/);
  await page.keyboard.press('Escape');
  // Zoomed in, only what is in view (and a margin) is in the DOM.
  await page.getByTestId('timeline-zoom').fill('64');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=timeline-cell]').length < 600);
  const cells = await page.getByTestId('timeline-cell').count();
  assert.match((await page.getByTestId('timeline-view').textContent())!, /100 checkpoints × 64 witnesses/);
  // Scroll diagonally to the far corner, one step per frame, and time the frames.
  const frames = await page.getByTestId('timeline-viewport').evaluate(async (el) => {
    const times: number[] = [];
    let last = performance.now();
    for (let i = 1; i <= 60; i++) {
      el.scrollLeft = ((el.scrollWidth - el.clientWidth) * i) / 60;
      el.scrollTop = ((el.scrollHeight - el.clientHeight) * i) / 60;
      await new Promise(requestAnimationFrame);
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return times.sort((a, b) => a - b);
  });
  const p95 = frames[Math.floor(frames.length * 0.95)]!;
  console.log(
    `timeline 100 × 64: first paint ${firstPaint.toFixed(0)} ms (${overviewCells} cells drawn at 16 px), ${cells} cells in the DOM at 64 px, scroll frames median ${frames[30]!.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${frames.at(-1)!.toFixed(1)} ms`,
  );
  await s.shot('30-timeline-100x64');
  assert.ok(firstPaint < 1000, `first paint took ${firstPaint.toFixed(0)} ms`);
  assert.ok(cells < 600, `${cells} of 6400 cells in the DOM at 64 px: not virtualised`);
  // The last column (epoch 99) and the last witness are reachable.
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid=timeline-cell]')].some((c) => c.getAttribute('aria-label') === 'witness 64 at epoch 99'),
  );
  assert.deepEqual(s.problems, []);
});

test('fine-tune an imported StyleGAN2 network from the studio: its license, the size check, ADA live', async () => {
  const { page } = s;
  await page.goto(s.at('#/runs'));
  await page.getByTestId('new-run').click();
  await page.getByTestId('preset-stylegan2-finetune').click();
  await page.getByTestId('network-path').fill(join(fixtures, 'sg2-tiny-32.pkl'));
  await page.getByTestId('import-network').click();
  await waitText('network-license', /non-commercial use only/);
  // The project's dataset is 16 px; the network draws 32 px: the launcher says so, and what to do.
  await waitText('network-mismatch', /draws 32 px images and the dataset is 16 px\. Build a dataset of the collection at 32 px/);
  await s.shot('32-launcher-network-mismatch');
  await page.getByTestId('toggle-new-dataset').click();
  await page.getByTestId('dataset-resolution').selectOption('32');
  await page.getByTestId('build-dataset').click();
  await page.waitForFunction(() => /32 px/.test(document.querySelector<HTMLSelectElement>('[data-testid=run-dataset]')?.selectedOptions[0]?.textContent ?? ''));
  assert.equal(await page.getByTestId('network-mismatch').count(), 0);
  for (const [testid, value] of Object.entries({ 'run-length': '0.1', 'run-batch': '8', 'run-every': '0.05', 'run-witnesses': '4', 'run-name': 'fine-tuned' }))
    await page.getByTestId(testid).fill(value);
  await page.waitForFunction(() => /wasm/.test(document.querySelector('[data-testid=backend-report]')?.textContent ?? ''));
  await page.getByTestId('run-backend').selectOption('wasm');
  await s.shot('33-launcher-stylegan2');
  // On a cluster: this tiny network is not one train.py can build, and the dialog says why; from scratch there is a command, and a folder to copy.
  await page.getByTestId('open-cluster').click();
  await waitText('cluster-refusal', /NVIDIA's train\.py cannot resume from this network: its latents are 64\/64-dimensional \(train\.py builds 512\/512\)/);
  await page.getByTestId('run-network').selectOption({ label: 'none — train from scratch' });
  await page.getByTestId('cluster-gpus').selectOption('4');
  await waitText(
    'cluster-command',
    /^python train\.py --outdir=training-runs --data=small-32\.zip --gpus=4 --cfg=auto --kimg=1 --snap=1 --seed=1 --mirror=1 --batch=8 --aug=ada --target=0\.6 --metrics=none$/,
  );
  await page.getByTestId('cluster-write').click();
  await waitText('cluster-written', /^Written to renders\/cluster\/small-32-[\dT-]+: small-32\.zip, train\.sh\. Copy them all to the cluster\.$/);
  const script = await page.evaluate(async () => {
    const links = [...document.querySelectorAll<HTMLAnchorElement>('[data-testid=cluster-written] a')];
    const zip = new Uint8Array(await (await fetch(links[0]!.href)).arrayBuffer());
    return { zipMagic: String.fromCharCode(zip[0]!, zip[1]!), sh: await (await fetch(links[1]!.href)).text() };
  });
  assert.equal(script.zipMagic, 'PK');
  assert.match(
    script.sh,
    /^#!\/bin\/sh\n# Train on a cluster with NVIDIA's stylegan2-ada-pytorch[\s\S]*\npython train\.py --outdir=training-runs --data=small-32\.zip /,
  );
  await s.shot('33b-launcher-train-on-a-cluster');
  await page.getByTestId('open-cluster').click();
  await page.getByTestId('run-network').selectOption({ index: 1 });
  await page.getByTestId('start-run').click();
  await page.waitForURL(/#\/run\/\d+$/);
  await waitText('run-ada-p', /^ADA p \d\.\d{4}$/);
  await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent === 'finished', null, { timeout: 120_000 });
  assert.match((await page.getByTestId('run-view-meta').textContent())!, /stylegan2 fine-tuned from network #1/);
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid=witness-grid]');
    return !!img && img.complete && img.naturalWidth === 64;
  });
  // ADA's p, R1 and D's signs charted beside the losses, each with a line drawn.
  await page.waitForFunction(() => ['ADA/p', 'Loss/r1', 'D/signs'].every((n) => document.querySelector(`[data-testid="stat-${n}"] path[d^="M"]`)));
  assert.match((await page.getByTestId('stat-ADA/p').textContent())!, /how often each image is augmented/);
  await s.shot('34-run-stylegan2');
  // Its last checkpoint, written for NVIDIA's tools: a pickle the page can fetch back, its size as said.
  await page.locator('header.head').getByTestId('export-nvidia').click();
  await page.getByTestId('export-nvidia-write').click();
  await waitText(
    'export-nvidia-done',
    /^Written: renders\/networks\/fine-tuned-at-0\.1-kimg-[\dT-]+\.pkl \((\d+\.\d) MB\)\. In a checkout of stylegan2-ada-pytorch: python generate\.py --network=fine-tuned-at-0\.1-kimg-[\dT-]+\.pkl --seeds=0-7/,
  );
  const fetched = await page.evaluate(async () => {
    const href = document.querySelector<HTMLAnchorElement>('[data-testid=export-nvidia-done] a')!.href;
    const bytes = new Uint8Array(await (await fetch(href)).arrayBuffer());
    return { first: bytes[0], length: bytes.length, text: document.querySelector('[data-testid=export-nvidia-done]')!.textContent! };
  });
  assert.equal(fetched.first, 0x80, 'a pickle starts with PROTO');
  assert.equal((fetched.length / 1e6).toFixed(1), /\((\d+\.\d) MB\)/.exec(fetched.text)![1]);
  await s.shot('34b-run-export-for-nvidia');
  assert.deepEqual(s.problems, []);
});

test('styles: faces by seed redrawn as the truncation slider moves, a path between two faces, the style-mixing figure, and the fine-tuned run as a source', async () => {
  const { page } = s;
  await page.goto(s.at('#/styles'));
  await page.getByTestId('styles-view').waitFor();
  // The generators arrive after the view: wait for them rather than read an empty list.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=styles-source] option').length >= 2);
  const sources = await page.getByTestId('styles-source').locator('option').allTextContents();
  assert.deepEqual(sources, ['sg2-tiny-32 · 32 px', 'fine-tuned at 0.1 kimg · 32 px']);
  assert.match((await text('styles-license'))!, /non-commercial use only/);
  assert.equal(await page.getByTestId('export-nvidia').count(), 1, "the chosen network can be exported for NVIDIA's tools");
  const facesLoaded = (psi: string, count: number, folder = 'sg2-tiny-32') =>
    page.waitForFunction(
      ([p, n, f]) => {
        const imgs = [...document.querySelectorAll<HTMLImageElement>('[data-testid=styles-face] img')];
        return imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth === 32 && i.src.includes(`/${f}/psi${p}-`));
      },
      [psi, count, folder] as const,
    );
  await facesLoaded('0.70', 12);
  await waitText('styles-status', /^12 faces at ψ 0\.70 in \d+\.\d s \(\w+\)$/);
  // Dragging the slider to 0 redraws every seed as the average face.
  await page.getByTestId('styles-psi').fill('0');
  await facesLoaded('0.00', 12);
  await waitText('styles-psi-value', /^0\.00$/);
  await page.getByTestId('styles-psi').fill('1');
  await page.getByTestId('styles-seeds').fill('3, 5-8');
  await facesLoaded('1.00', 5);
  // Random noise redraws into the same files: each drawing gets a fresh address, or the browser would keep the old picture.
  await page.getByTestId('styles-noise').selectOption('random');
  await page.waitForFunction(() =>
    [...document.querySelectorAll<HTMLImageElement>('[data-testid=styles-face] img')].every(
      (i) => i.complete && /psi1\.00-random-seed\d+\.png\?draw=\d+$/.test(i.src),
    ),
  );
  await page.getByTestId('styles-noise').selectOption('const');
  await facesLoaded('1.00', 5);
  await page.getByTestId('styles-mix-draw').click();
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid=styles-mix-figure]');
    return !!img && img.complete && img.naturalWidth === 5 * 32 && img.naturalHeight === 4 * 32;
  });
  await page.getByTestId('styles-path-from').fill('3');
  await page.getByTestId('styles-path-to').fill('8');
  await page.getByTestId('styles-path-space').selectOption('z');
  await page.getByTestId('styles-path-draw').click();
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid=styles-path-strip]');
    return !!img && img.complete && img.naturalWidth === 9 * 32 && img.src.includes('path-3-8-z-linear-9-psi1.00');
  });
  await s.shot('35-styles');
  // The fine-tuned run draws too, from its last checkpoint.
  await page.getByTestId('styles-source').selectOption({ label: 'fine-tuned at 0.1 kimg · 32 px' });
  // The seeds stay: the same faces, fine-tuned.
  await facesLoaded('1.00', 5, 'fine-tuned-0.1kimg');
  assert.deepEqual(s.problems, []);
});

test('after a studio that died mid-run restarts, the run is shown interrupted with Resume, and resumes', async () => {
  const dir = s.studio.requireProject().dir;
  await s.studio.closeProject();
  // What a studio killed while training leaves in its database: a run still marked running.
  const db = new Database(join(dir, 'leporello.sqlite'));
  db.prepare("UPDATE runs SET status = 'running', reason = NULL WHERE name = 'long'").run();
  const runId = (db.prepare("SELECT id FROM runs WHERE name = 'long'").get() as { id: number }).id;
  db.close();
  await s.studio.openKnownProject(dir);

  const { page } = s;
  await page.goto(s.at(`#/run/${runId}`));
  await waitText('run-status', /^interrupted$/);
  assert.match(
    (await text('run-reason'))!,
    /the process that trained this run stopped \(the studio closed, or its command was killed\); resume it to continue from its last checkpoint/,
  );
  await s.shot('31-run-interrupted');
  const before = s.studio.requireProject().db.prepare('SELECT max(images_seen) AS n FROM checkpoints WHERE run_id = ?').get(runId) as { n: number };
  await page.getByTestId('resume-run').click();
  await waitText('run-status', /^running$/);
  // It goes on from its last checkpoint: the bar moves past what that checkpoint had seen.
  await page.waitForFunction((at) => {
    const m = /^(\d+) \//.exec(document.querySelector('[data-testid=progress-count]')?.textContent ?? '');
    return !!m && Number(m[1]) > at;
  }, before.n);
  await page.getByTestId('stop-run').click();
  await waitText('run-status', /^stopped$/);
  assert.deepEqual(s.problems, []);
});

test('a run trained elsewhere is imported from the Runs view: progress, then the run with its origin, witnesses and timeline', async () => {
  const { page } = s;
  // What NVIDIA's train.py leaves on a cluster: snapshots, its options, its statistics.
  const folder = mkdtempSync(join(tmpdir(), 'leporello-cluster-run-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  copyFileSync(join(fixtures, 'sg2-tiny-32.pkl'), join(folder, 'network-snapshot-000000.pkl'));
  copyFileSync(join(repoRoot, 'tests', 'fixtures', 'stylegan2-tf', 'sg2-tiny-32-tf.pkl'), join(folder, 'network-snapshot-000004.pkl'));
  writeFileSync(
    join(folder, 'training_options.json'),
    JSON.stringify({
      num_gpus: 4,
      total_kimg: 4,
      batch_size: 16,
      kimg_per_tick: 4,
      network_snapshot_ticks: 1,
      random_seed: 0,
      ada_target: 0.6,
      training_set_kwargs: { path: 'small-32.zip', resolution: 32 },
    }),
  );
  writeFileSync(
    join(folder, 'stats.jsonl'),
    JSON.stringify({ 'Progress/kimg': { mean: 4 }, 'Loss/G/loss': { mean: 1.2 }, 'Loss/D/loss': { mean: 0.8 }, 'Progress/augment': { mean: 0.1 } }) + '\n',
  );
  await page.goto(s.at('#/runs'));
  await page.getByTestId('open-import-run').click();
  await page.getByTestId('import-run-folder').fill(folder);
  await page.getByTestId('import-run-name').fill('from the cluster');
  await s.shot('36-runs-import-from-cluster');
  await page.getByTestId('import-run-start').click();
  await page.waitForURL(/#\/run\/\d+$/, { timeout: 120_000 });
  await waitText('run-status', /^finished$/);
  assert.match((await text('run-view-meta'))!, /stylegan2 on small-32 \(32 px\) · batch 16 · seed 0\s*· trained elsewhere with NVIDIA's train\.py/);
  assert.match((await text('run-origin'))!, /Trained elsewhere: 4 GPUs, 4 kimg in batches of 16, on small-32\.zip\. Imported from .*leporello-cluster-run-/);
  assert.equal(await page.getByTestId('fork-run').count(), 0, 'not forked here');
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid=witness-grid]');
    return !!img && img.complete && img.naturalWidth === 6 * 32;
  });
  await page.getByTestId('run-origin').locator('summary').click();
  await s.shot('37-run-trained-elsewhere');
  // The cluster wrote one more snapshot: imported into the same run, only it comes in.
  copyFileSync(join(fixtures, 'sg2-tiny-32.pkl'), join(folder, 'network-snapshot-000008.pkl'));
  await page.goto(s.at('#/runs'));
  await page.getByTestId('open-import-run').click();
  await page.getByTestId('import-run-folder').fill(folder);
  await page.getByTestId('import-run-into').selectOption({ label: 'from the cluster (its new snapshots)' });
  await page.getByTestId('import-run-start').click();
  await page.waitForURL(/#\/run\/\d+$/, { timeout: 120_000 });
  await waitText('run-reason', /trained elsewhere \(NVIDIA's train\.py\); 3 snapshots imported from /);
  assert.deepEqual(s.problems, []);
});

test('a conditional network fine-tuned from the studio: a dataset whose classes are a label, the run, and its classes in Styles', async () => {
  const { page } = s;
  // The portraits get a mood each: three classes, as many as sg2-cond-64 has.
  const project = s.studio.requireProject();
  const ids = listImages(project, { status: 'ok', offset: 0, limit: 100 }).items.map((i) => i.id);
  for (const [k, mood] of ['calm', 'grief', 'rage'].entries())
    setLabel(
      project,
      ids.filter((_, i) => i % 3 === k),
      'mood',
      mood,
    );
  await page.goto(s.at('#/runs'));
  await page.getByTestId('new-run').click();
  await page.getByTestId('preset-stylegan2-finetune').click();
  await page.getByTestId('network-path').fill(join(fixtures, 'sg2-cond-64.pkl'));
  await page.getByTestId('import-network').click();
  await waitText('network-license', /non-commercial use only/);
  await page.getByTestId('toggle-new-dataset').click();
  await page.getByTestId('dataset-resolution').selectOption('64');
  await page.getByTestId('dataset-class-key').selectOption('mood');
  await page.getByTestId('build-dataset').click();
  await page.waitForFunction(() =>
    /64 px.*3 classes by mood/.test(document.querySelector<HTMLSelectElement>('[data-testid=run-dataset]')?.selectedOptions[0]?.textContent ?? ''),
  );
  for (const [testid, value] of Object.entries({ 'run-length': '0.02', 'run-batch': '4', 'run-every': '0.01', 'run-witnesses': '6', 'run-name': 'by mood' }))
    await page.getByTestId(testid).fill(value);
  await page.getByTestId('run-backend').selectOption('wasm');
  await s.shot('38-launcher-conditional');
  await page.getByTestId('start-run').click();
  await page.waitForURL(/#\/run\/\d+$/);
  await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent === 'finished', null, { timeout: 120_000 });
  // Styles draws it by class.
  await page.goto(s.at('#/styles'));
  await page.getByTestId('styles-source').selectOption({ label: 'by mood at 0.0 kimg · 64 px' });
  assert.deepEqual(await page.locator('#class option').allTextContents(), ['0 — calm', '1 — grief', '2 — rage']);
  await page.locator('#class').selectOption('2');
  await page.waitForFunction(() => {
    const imgs = [...document.querySelectorAll<HTMLImageElement>('[data-testid=styles-face] img')];
    return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth === 64);
  });
  await s.shot('39-styles-conditional-run');
  assert.deepEqual(s.problems, []);
});

test('a StyleGAN (v1) network imported and fine-tuned from the studio, and both drawn in Styles', async () => {
  const { page } = s;
  await page.goto(s.at('#/runs'));
  await page.getByTestId('new-run').click();
  await page.getByTestId('preset-stylegan2-finetune').click();
  await page.getByTestId('network-path').fill(join(repoRoot, 'tests', 'fixtures', 'stylegan-v1', 'sg1-tiny-32-tf.pkl'));
  await page.getByTestId('import-network').click();
  await waitText('network-family', /^A StyleGAN \(v1\) network: this run fine-tunes it as StyleGAN \(v1\)/);
  await waitText('network-license', /StyleGAN \(v1\) networks are licensed CC BY-NC 4\.0/);
  assert.equal(await page.getByTestId('run-pl-weight').count(), 0, 'v1 has no path-length regularisation to set');
  // The 32 px dataset built earlier, without classes.
  const dataset = await page.evaluate(
    () =>
      [...document.querySelectorAll<HTMLOptionElement>('[data-testid=run-dataset] option')].find((o) => /32 px/.test(o.text) && !/classes/.test(o.text))?.value,
  );
  await page.getByTestId('run-dataset').selectOption(dataset!);
  for (const [testid, value] of Object.entries({ 'run-length': '0.1', 'run-batch': '8', 'run-every': '0.05', 'run-witnesses': '4', 'run-name': 'v1 tuned' }))
    await page.getByTestId(testid).fill(value);
  await page.getByTestId('run-backend').selectOption('wasm');
  await s.shot('40-launcher-stylegan-v1');
  await page.getByTestId('start-run').click();
  await page.waitForURL(/#\/run\/\d+$/);
  await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent === 'finished', null, { timeout: 120_000 });
  assert.match((await page.getByTestId('run-view-meta').textContent())!, /stylegan fine-tuned from network #\d+/);
  await page.waitForFunction(() => ['ADA/p', 'Loss/r1'].every((n) => document.querySelector(`[data-testid="stat-${n}"] path[d^="M"]`)));
  // NVIDIA's StyleGAN2 tools cannot load it: no export is offered.
  assert.equal(await page.locator('header.head').getByTestId('export-nvidia').count(), 0);
  await s.shot('41-run-stylegan-v1');
  await page.goto(s.at('#/styles'));
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid=styles-source] option')].some((o) => o.textContent === 'v1 tuned at 0.1 kimg · 32 px'),
  );
  for (const label of ['sg1-tiny-32-tf · 32 px', 'v1 tuned at 0.1 kimg · 32 px']) {
    await page.getByTestId('styles-source').selectOption({ label });
    await page.waitForFunction(
      (folder) => {
        const imgs = [...document.querySelectorAll<HTMLImageElement>('[data-testid=styles-face] img')];
        return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth === 32 && i.src.includes(`/${folder}/`));
      },
      label.startsWith('sg1') ? 'sg1-tiny-32-tf' : 'v1-tuned-0.1kimg',
    );
    assert.equal(await page.getByTestId('export-nvidia').count(), 0, `${label}: not offered for NVIDIA's StyleGAN2 tools`);
  }
  await s.shot('42-styles-stylegan-v1-run');
  assert.deepEqual(s.problems, []);
});

test("styles: a network added from the view itself — NVIDIA's list fetched from a local mirror with progress, cancel and resume, and a pickle by its path", async (t) => {
  const { page } = s;
  const mirror = await startNetworkMirror();
  t.after(() => mirror.close());
  const ffhq256 = NETWORK_CATALOGUE.find((e) => e.id === 'ffhq-256')!;
  // The conditional fixture stands in for NVIDIA's file, one weight changed: the project has the fixture itself already.
  const served = readFileSync(join(fixtures, 'sg2-cond-64.pkl'));
  served[served.length >> 1] = 255 - served[served.length >> 1]!;
  mirror.files.set(ffhq256.url.slice(NVIDIA_CDN.length), served);
  // The server holds the connection after 3 MB, so the download is caught running.
  mirror.stopAfter = { bytes: 3_000_000, how: 'hold' };
  process.env.LEPORELLO_NETWORK_MIRROR = mirror.url;
  t.after(() => delete process.env.LEPORELLO_NETWORK_MIRROR);
  await page.goto(s.at('#/styles'));
  await page.getByTestId('open-add-network').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=catalogue-row]').length === 6);
  const firstState = page.getByTestId('catalogue-state').first();
  assert.equal(await firstState.textContent(), 'about 296 MB');
  await page.getByTestId('catalogue-fetch').first().click();
  await waitText('job-running', /Network — downloading ffhq-256: 3\.0 MB of 10 MB/);
  await s.shot('43-styles-network-downloading');
  await page.getByTestId('job-cancel').click();
  await waitText('job-error', /^download cancelled with 3\.0 MB of 10 MB kept: download it again to go on from there$/);
  await page.waitForFunction(() => document.querySelector('[data-testid=catalogue-state]')?.textContent === '3 MB of about 296 MB so far');
  assert.equal(await page.getByTestId('catalogue-fetch').first().textContent(), 'Resume download');
  await page.getByTestId('catalogue-fetch').first().click();
  // Downloaded, verified and imported: the view shows the new network, with its classes.
  await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('[data-testid=styles-source]')?.selectedOptions[0]?.text === 'ffhq-256 · 64 px');
  assert.equal(await page.getByTestId('add-network').count(), 0, 'the panel closes on the new network');
  await page.waitForFunction(() => {
    const imgs = [...document.querySelectorAll<HTMLImageElement>('[data-testid=styles-face] img')];
    return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth === 64);
  });
  const resumedWith = mirror.requests.map((r) => r.headers.range ?? null);
  assert.deepEqual(resumedWith, [null, 'bytes=3000000-']);
  await s.shot('44-styles-network-fetched');

  // A pickle on this machine, by its path.
  await page.getByTestId('open-add-network').click();
  assert.equal(await page.getByTestId('catalogue-state').first().textContent(), 'in this project');
  await page.getByTestId('add-network-path').fill(join(repoRoot, 'tests', 'fixtures', 'stylegan-v1', 'sg1-cond-16-tf.pkl'));
  await page.getByTestId('add-network-import').click();
  await page.waitForFunction(
    () => document.querySelector<HTMLSelectElement>('[data-testid=styles-source]')?.selectedOptions[0]?.text === 'sg1-cond-16-tf · 16 px',
  );
  assert.deepEqual(s.problems, []);
});

test('a run that failed before learning anything offers Start again with its settings, not Resume; the runs list shows disk use', async () => {
  const { page } = s;
  // What a run that failed at its first step leaves: its untrained start, and its failure.
  const db = s.studio.requireProject().db;
  const runId = (db.prepare("SELECT id FROM runs WHERE name = 'too-fast'").get() as { id: number }).id;
  db.prepare('DELETE FROM checkpoints WHERE run_id = ? AND images_seen > 0').run(runId);
  db.prepare('DELETE FROM run_health WHERE run_id = ? AND images_seen > 0').run(runId);
  db.prepare("UPDATE runs SET status = 'failed', reason = 'memory access out of bounds' WHERE id = ?").run(runId);
  await page.goto(s.at(`#/run/${runId}`));
  await waitText('run-status', /^failed$/);
  // The badge says what the run says: failed, with the error and what to try on hover, not the untrained start's verdict.
  await waitText('health-verdict', /^failed$/);
  assert.match(
    (await page.getByTestId('health-verdict').getAttribute('title')) ?? '',
    /^the run stopped with an error after its untrained start: memory access out of bounds\nTry: Start again/,
  );
  assert.equal(await page.getByTestId('resume-run').count(), 0, 'nothing learned to resume from');
  await page.getByTestId('restart-run').click();
  await page.waitForURL(new RegExp(`#/runs/again/${runId}$`));
  // The launcher opens with the failed run's settings, to change what failed.
  await page.getByTestId('run-launcher').waitFor();
  for (const [testid, value] of Object.entries({
    'run-length': '6',
    'run-batch': '8',
    'run-lr': '1',
    'run-beta1': '0.9',
    'run-seed': '5',
    'run-witnesses': '9',
  }))
    assert.equal(await page.getByTestId(testid).inputValue(), value, testid);
  await s.shot('24b-run-start-again');
  await page.goto(s.at('#/runs'));
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=run-verdict]')].some((b) => b.textContent === 'failed'));
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=run-disk-use]')].every((c) => /^[\d.]+ (kB|MB)$/.test(c.textContent ?? '')));
  await waitText('runs-disk-total', /^All runs: [\d.]+ (kB|MB) on disk\.$/);
  assert.deepEqual(s.problems, []);
});

test("a batch too large for the backend's memory is said beside the batch field before anything starts, with the batch that fits", async () => {
  const { page } = s;
  await page.goto(s.at('#/runs'));
  // Runs earlier in this file leave the launcher closed behind "New run".
  await page.locator('[data-testid=new-run], [data-testid=run-launcher]').first().waitFor();
  if (await page.getByTestId('new-run').isVisible()) await page.getByTestId('new-run').click();
  await page.getByTestId('preset-dcgan-64').click();
  if (await page.getByTestId('toggle-new-dataset').isVisible()) await page.getByTestId('toggle-new-dataset').click();
  await page.getByTestId('dataset-resolution').selectOption('256');
  await page.getByTestId('build-dataset').click();
  await page.waitForFunction(() =>
    /24 portraits, 256 px/.test(document.querySelector<HTMLSelectElement>('[data-testid=run-dataset]')?.selectedOptions[0]?.textContent ?? ''),
  );
  await page.getByTestId('run-backend').selectOption('wasm');
  // DCGAN at 256 px with its own widths: 24 portraits a batch need more than wasm's 4 GB (memory-limit.ts's estimate).
  await page.getByTestId('run-batch').fill('24');
  await waitText(
    'problem-batch',
    /^DCGAN at 256 px needs about 4\.\d GB at batch 24 on the wasm backend, whose memory stops at 4 GB: train at batch 22 or less here, or on a GPU backend \(webgpu, or tensorflow with CUDA\), which has no such limit\.$/,
  );
  assert.ok(await page.getByTestId('start-run').isDisabled(), 'Start waits until the batch fits');
  await s.shot('21b-run-launcher-memory');
  await page.getByTestId('run-batch').fill('16');
  await waitText('run-memory', /^Memory: about [23]\.\d GB of the 3\.8 GB wasm can hold; batches up to 22 fit\.$/);
  assert.equal(await page.getByTestId('problem-batch').count(), 0);
  assert.ok(await page.getByTestId('start-run').isEnabled());
  assert.deepEqual(s.problems, []);
});
