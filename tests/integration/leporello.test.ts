// Leporello books through the CLI, read back with poppler: page count and sizes (pdfinfo), trim
// and bleed boxes, the embedded font (pdffonts), the verso's reading order (pdftotext), and
// rendered pages (pdftoppm) with crop marks at the trim corners, fold marks between panels, clear
// slug elsewhere, pictures on the panels and glue tabs where sheets join.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../electron/services/projects/layout';
import { test } from 'node:test';
import sharp from 'sharp';
import { sharedData, tempDir, TINY_DCGAN, tinyTrainedProject } from '../helpers';

function poppler(tool: string, ...args: string[]): string {
  const r = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `${tool}: ${r.stderr}`);
  return r.stdout;
}

const pageBoxes = (pdf: string, page: number) => {
  const text = poppler('pdfinfo', '-box', '-f', String(page), '-l', String(page), pdf);
  const box = (name: string) =>
    text
      .match(new RegExp(`${name}:\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)`))!
      .slice(1)
      .map(Number);
  const mm = (pt: number) => (pt * 25.4) / 72;
  const [media, trim, bleed] = [box('MediaBox'), box('TrimBox'), box('BleedBox')].map((b) => [mm(b[0]!), mm(b[1]!), mm(b[2]! - b[0]!), mm(b[3]! - b[1]!)]);
  return { media: media!, trim: trim!, bleed: bleed! };
};

/** A region of a page, rendered grey at `dpi`, with a reader of the darkness near a point given in mm from the page's top left. */
function region(pdf: string, page: number, dpi: number, box: { x: number; y: number; w: number; h: number }) {
  const px = (mm: number) => Math.round((mm / 25.4) * dpi);
  const r = spawnSync(
    'pdftoppm',
    [
      '-gray',
      '-singlefile',
      '-r',
      String(dpi),
      '-f',
      String(page),
      '-l',
      String(page),
      '-x',
      String(px(box.x)),
      '-y',
      String(px(box.y)),
      '-W',
      String(px(box.w)),
      '-H',
      String(px(box.h)),
      pdf,
    ],
    { maxBuffer: 1 << 28 },
  );
  assert.equal(r.status, 0, r.stderr.toString());
  const header = r.stdout
    .subarray(0, 64)
    .toString('latin1')
    .match(/^P5\s+(\d+)\s+(\d+)\s+255\s/)!;
  const [width, height] = [Number(header[1]), Number(header[2])];
  const data = r.stdout.subarray(header[0].length);
  const at = (x: number, y: number) => data[y * width + x]!;
  return {
    /** The darkest pixel within 1 px of a point (mm, page coordinates). */
    darkest(xMm: number, yMm: number): number {
      const [cx, cy] = [px(xMm - box.x), px(yMm - box.y)];
      let min = 255;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) min = Math.min(min, at(Math.max(0, Math.min(width - 1, cx + dx)), Math.max(0, Math.min(height - 1, cy + dy))));
      return min;
    },
    /** Spread of grey levels in a rectangle (mm): 0 for a flat colour. */
    spread(xMm: number, yMm: number, wMm: number, hMm: number): number {
      const values: number[] = [];
      for (let y = px(yMm - box.y); y < px(yMm - box.y + hMm); y++) for (let x = px(xMm - box.x); x < px(xMm - box.x + wMm); x++) values.push(at(x, y));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    },
  };
}

/** Eleven checkpoints of a tiny real run: the verso's timeline. */
function setup(t: Parameters<typeof tempDir>[0]) {
  const base = tempDir(t);
  return { base, ...tinyTrainedProject(base, 10) };
}

/** `leporello export leporello` of the project's portraits and run 1, before the options each test adds. */
const bookOf = (project: string) => ['export', 'leporello', project, '--recto', 'portraits', '--run', '1'];

// Strip sheets have a slug of bleed (3) + gap (2) + mark (5) + 3 mm around the trim.
const SLUG = 13;

test('export leporello: a strip for the print shop — trim and bleed boxes, embedded font, crop and fold marks, verso behind recto', async (t) => {
  const { base, project, cli } = setup(t);
  const pdf = join(base, 'book.pdf');
  const r = cli('export', 'leporello', project, '--recto', 'portraits', '--run', '1', '--panels', '10', '--panel-size', '15x21', '--out', pdf, '--json');
  assert.equal(r.code, 0, r.stderr);
  const result = r.json();
  assert.deepEqual([result.pages, result.sheets, result.stripLengthMm], [2, 1, 1500]);
  assert.match(
    result.warnings.join('\n'),
    /verso pictures would print below 300 dpi \(lowest \d+ dpi\)/,
    '16 px witnesses on a 13 cm panel are far below 300 dpi',
  );
  assert.match(r.stderr, /warning: .*below 300 dpi/);

  const info = poppler('pdfinfo', pdf);
  assert.match(info, /Pages:\s+2\n/);
  const { media, trim, bleed } = pageBoxes(pdf, 1);
  assert.ok(Math.abs(media[2]! - (1500 + 2 * SLUG)) < 0.1 && Math.abs(media[3]! - (210 + 2 * SLUG)) < 0.1, `page ${media[2]}×${media[3]} mm`);
  assert.deepEqual(
    trim.map((v) => Math.round(v * 10) / 10),
    [SLUG, SLUG, 1500, 210],
  );
  assert.deepEqual(
    bleed.map((v) => Math.round(v * 10) / 10),
    [SLUG - 3, SLUG - 3, 1506, 216],
  );
  const fonts = poppler('pdffonts', pdf);
  assert.match(fonts, /DejaVuSans\S*\s+CID TrueType\s+Identity-H\s+yes/, 'the caption font is embedded');

  // The top left of the recto at 300 dpi: crop marks outside the bleed at the trim corner, a fold
  // mark at the first panel boundary, nothing between them, and a portrait on the panel.
  const page = region(pdf, 1, 300, { x: 0, y: 0, w: 200, h: 120 });
  assert.ok(page.darkest(SLUG - 3 - 2 - 2.5, SLUG) < 128, 'horizontal crop mark left of the corner');
  assert.ok(page.darkest(SLUG, SLUG - 3 - 2 - 2.5) < 128, 'vertical crop mark above the corner');
  assert.ok(page.darkest(SLUG - 3 - 1, SLUG) > 230, 'the mark stays outside the bleed');
  assert.ok(page.darkest(SLUG + 150, SLUG - 3 - 2 - 1) < 160 || page.darkest(SLUG + 150, SLUG - 3 - 2 - 3) < 160, 'a fold mark over the first fold');
  assert.ok(page.darkest(SLUG + 75, SLUG - 3 - 2 - 2.5) > 230, 'no mark over the middle of a panel');
  assert.ok(page.spread(SLUG + 40, SLUG + 60, 70, 40) > 10, 'a portrait fills the first panel');

  // The verso reads left to right, panel 1 on the left; it lies behind recto panel 10.
  const verso = poppler('pdftotext', '-f', '2', '-l', '2', pdf, '-');
  const epochs = [...verso.matchAll(/· epoch (\d+)/g)].map((m) => Number(m[1]));
  assert.deepEqual(epochs, [0, 1, 2, 3, 4, 6, 7, 8, 9, 10], 'ten of the eleven checkpoints, in reading order');
  assert.match(verso, /verso · sheet 1 of 1 · panels 1–10 · print both sides, flipped on the short edge/);

  // Upscaled for print instead: the same witnesses enlarged (Lanczos) to 300 dpi in their boxes, and the book says so.
  const upPdf = join(base, 'book-upscaled.pdf');
  const up = cli(...bookOf(project), '--panels', '10', '--panel-size', '15x21', '--upscale', '--out', upPdf, '--json');
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.json().warnings.join('\n'), /verso pictures were upscaled to 300 dpi with Lanczos \(from as low as \d+ dpi\)/);
  const widths = (file: string) =>
    poppler('pdfimages', '-list', file)
      .split('\n')
      .slice(2)
      .filter((l) => l.trim())
      .map((l) => Number(l.trim().split(/\s+/)[3]));
  assert.ok(Math.min(...widths(pdf)) <= 16, 'the plain book embeds the 16 px witnesses as they are');
  assert.ok(Math.min(...widths(upPdf)) >= 400, `every picture of the upscaled book is at 300 dpi in its box: ${Math.min(...widths(upPdf))} px`);
});

test('export contact-sheet: a captioned PNG grid of portraits or witnesses, and A4 PDF pages', async (t) => {
  const { base, project, cli } = setup(t);
  const png = join(base, 'sheet.png');
  const r = cli('export', 'contact-sheet', project, '--collection', 'portraits', '--columns', '6', '--cell', '100', '--out', png, '--json');
  assert.equal(r.code, 0, r.stderr);
  // 6 columns of 100 px cells with 4 px gaps; 24 portraits make 4 rows of cell + 12 px caption.
  assert.deepEqual([r.json().pictures, r.json().width, r.json().height], [24, 6 * 104 + 4, 4 * 116 + 4]);
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [628, 468]);
  const cell = (x0: number, y0: number) => {
    const values: number[] = [];
    for (let y = y0; y < y0 + 100; y++) for (let x = x0; x < x0 + 100; x++) values.push(data[y * info.width + x]!);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  };
  assert.ok(cell(4, 4) > 10 && cell(4 + 5 * 104, 4 + 3 * 116) > 10, 'the first and the last cell hold a portrait');
  const witnesses = cli('export', 'contact-sheet', project, '--run', '1', '--at', '5', '--out', join(base, 'witnesses.png'), '--json');
  assert.equal(witnesses.code, 0, witnesses.stderr);
  assert.equal(witnesses.json().pictures, 4, "the run's four witnesses");
  const pdf = join(base, 'sheet.pdf');
  assert.equal(cli('export', 'contact-sheet', project, '--collection', 'portraits', '--columns', '4', '--out', pdf).code, 0);
  assert.match(poppler('pdfinfo', pdf), /Pages:\s+2\n[\s\S]*Page size:\s+595\.276 x 841\.89 pts \(A4\)/);
  assert.match(poppler('pdftotext', '-f', '1', '-l', '1', pdf, '-'), /000028/, 'captions are text in the PDF');
  // A portrait damaged on disk after import is left out and named; the sheet is made of the others.
  const db = new Database(join(project, DATABASE_FILE), { readonly: true });
  const damaged = db.prepare('SELECT id, original_path AS path, source_path AS source FROM images ORDER BY id LIMIT 1').get() as {
    id: number;
    path: string;
    source: string;
  };
  db.close();
  writeFileSync(join(project, damaged.path), 'not a picture any more');
  const partial = cli('export', 'contact-sheet', project, '--collection', 'portraits', '--out', join(base, 'partial.png'), '--json');
  assert.equal(partial.code, 0, partial.stderr);
  assert.equal(partial.json().pictures, 23);
  assert.match(
    partial.json().warnings[0],
    new RegExp(
      `portrait #${damaged.id} \\(.*${basename(damaged.source)}\\) cannot be read .* and was left out: import it again, or remove it from the collection`,
    ),
  );
  assert.match(partial.stderr, /warning: portrait #/);

  const bad = cli('export', 'contact-sheet', project, '--collection', 'portraits', '--out', join(base, 'sheet.gif'));
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--out FILE\.png\|FILE\.pdf/);
});

test('export leporello: tiled onto A3 with glue tabs; A4 refused for 21 cm panels; a video on the verso; too few checkpoints named', async (t) => {
  const { base, project, cli } = setup(t);
  /** The book of portraits and run 1's timeline, with these settings. */
  const exportBook = (...args: string[]) => cli('export', 'leporello', project, '--recto', 'portraits', '--run', '1', ...args);
  const tiled = join(base, 'a3.pdf');
  const r = exportBook('--panels', '5', '--panel-size', '15x21', '--sheet', 'A3', '--verso-grid', '2x2', '--out', tiled, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual([r.json().sheets, r.json().pages], [3, 6], 'two panels per A3 sheet: 2 + 2 + 1');
  assert.match(poppler('pdfinfo', tiled), /Pages:\s+6\n[\s\S]*Page size:\s+1190\.55 x 841\.89 pts \(A3\)/);
  // Sheet 1: two panels centred with a 10 mm glue tab on the right, grey, with its crop marks beyond it.
  const { trim } = pageBoxes(tiled, 1);
  assert.ok(Math.abs(trim[2]! - 300) < 0.1, 'two 15 cm panels');
  const sheet = region(tiled, 1, 150, { x: 0, y: 0, w: 420, h: 297 });
  const top = 297 - trim[1]! - 210;
  const tabX = trim[0]! + 300 + 5;
  assert.ok(sheet.darkest(tabX, top + 40) < 240 && sheet.darkest(tabX, top + 40) > 200, 'the glue tab is light grey');
  assert.ok(sheet.darkest(trim[0]! + 310, top - 3 - 2 - 2.5) < 128, 'the cut is past the glue tab');
  // Its verso mirrors it: the tab is on the left, where the recto's right edge is seen from behind.
  const versoSheet = region(tiled, 2, 150, { x: 0, y: 0, w: 420, h: 297 });
  const versoTrim = pageBoxes(tiled, 2).trim;
  assert.ok(Math.abs(versoTrim[0]! - (420 - trim[0]! - 300)) < 0.1, 'mirrored trim');
  assert.ok(versoSheet.darkest(versoTrim[0]! - 5, top + 105) < 240, 'the tab on the left of the verso');

  const a4 = exportBook('--panels', '4', '--panel-size', '15x21', '--sheet', 'A4', '--out', join(base, 'a4.pdf'));
  assert.equal(a4.code, 1);
  assert.match(a4.stderr, /panels 210 mm high do not fit an A4 sheet with bleed and marks \(they need 236 mm of its 210 mm\): choose A3/);
  const many = exportBook('--panels', '46', '--panel-size', '15x21', '--out', join(base, 'long.pdf'));
  assert.equal(many.code, 1);
  assert.match(
    many.stderr,
    /has 11 checkpoints with witnesses, fewer than the 46 the verso needs .* use fewer panels, or train with more checkpoints, or put a video's frames on the verso/,
  );

  // The timeline may end at a chosen checkpoint: by its epoch, or the best by a quality measured on
  // the run (each checkpoint's quick SWD, recorded while it trained).
  const until = (...args: string[]) => exportBook('--panel-size', '10x10', '--json', ...args);
  const epochs = (pdf: string) => [...poppler('pdftotext', '-f', '2', '-l', '2', pdf, '-').matchAll(/ · epoch (\d+)/g)].map((m) => Number(m[1]));
  const toFour = join(base, 'until-4.pdf');
  const four = until('--until', '4', '--panels', '5', '--out', toFour);
  assert.equal(four.code, 0, four.stderr);
  assert.deepEqual(epochs(toFour), [0, 1, 2, 3, 4], 'the learning up to epoch 4, and nothing after it');
  const short = until('--until', '3', '--panels', '5', '--out', join(base, 'short.pdf'));
  assert.equal(short.code, 1);
  assert.match(short.stderr, /has 4 checkpoints with witnesses up to epoch 3, fewer than the 5 the verso needs/);
  const db = new Database(join(project, DATABASE_FILE), { readonly: true });
  const swd = db.prepare("SELECT c.epoch, q.value FROM quality q JOIN checkpoints c ON c.id = q.checkpoint_id WHERE q.name = 'swd' ORDER BY c.epoch").all() as {
    epoch: number;
    value: number;
  }[];
  db.close();
  assert.equal(swd.length, 11, 'a quick SWD at every checkpoint');
  const bestEpoch = swd.reduce((a, b) => (b.value <= a.value ? b : a)).epoch;
  const toBest = join(base, 'until-best.pdf');
  const best = until('--until', 'best:swd', '--panels', '2', '--out', toBest);
  assert.equal(best.code, 0, best.stderr);
  assert.deepEqual(epochs(toBest), [0, bestEpoch], `from the start to the best by SWD, at epoch ${bestEpoch}`);
  const unmeasured = until('--until', 'best:fd-face', '--panels', '1', '--out', join(base, 'fd.pdf'));
  assert.equal(unmeasured.code, 1);
  assert.match(unmeasured.stderr, /has no checkpoint measured for FD \(face descriptors\): measure it first \(leporello metrics --run 1 --every\)/);

  // A run measured in kimg, checkpoints 40 images apart: each verso caption names its own.
  const kimgRun = cli('train', project, ...TINY_DCGAN, '--kimg', '0.4', '--checkpoint-every', '0.04', '--name', 'in-kimg');
  assert.equal(kimgRun.code, 0, kimgRun.stderr);
  const kimgBook = join(base, 'kimg.pdf');
  assert.equal(
    cli('export', 'leporello', project, '--recto', 'portraits', '--run', 'in-kimg', '--panels', '10', '--panel-size', '10x10', '--out', kimgBook).code,
    0,
  );
  const captions = [...poppler('pdftotext', '-f', '2', '-l', '2', kimgBook, '-').matchAll(/in-kimg · kimg ([\d.]+)/g)].map((m) => m[1]);
  assert.equal(new Set(captions).size, 10, `ten distinct checkpoints: ${captions.join(', ')}`);

  // A blend video's frames as the verso, and more panels than portraits.
  assert.equal(cli('import-network', project, join(sharedData, '..', 'fixtures', 'stylegan2', 'sg2-tiny-32.pkl')).code, 0);
  const video = join(base, 'blend.mp4');
  assert.equal(
    cli('render', 'video', project, '--network', 'sg2-tiny-32', '--backend', 'wasm', '--path', 'seed:1,seed:2', '--seconds', '2', '--fps', '15', '--out', video)
      .code,
    0,
  );
  const book = join(base, 'video-book.pdf');
  const v = cli(
    'export',
    'leporello',
    project,
    '--recto',
    'portraits',
    '--verso-video',
    video,
    '--panels',
    '30',
    '--panel-size',
    '10x10',
    '--verso-grid',
    '1x1',
    '--out',
    book,
    '--json',
  );
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.json().warnings[0], /the collection has 24 readable portraits for 30 panels: recto panels 25–30 are left empty/);
  const frames = [...poppler('pdftotext', '-f', '2', '-l', '2', book, '-').matchAll(/frames (\d+)–/g)].map((m) => Number(m[1]));
  assert.deepEqual([frames[0], frames.at(-1), frames.length], [1, 30, 30], 'frames spread over the video, first to last');
  const versoPage = region(book, 2, 100, { x: 0, y: 0, w: 60, h: 126 });
  assert.ok(versoPage.spread(SLUG + 12, SLUG + 12, 70 / 3, 70 / 3) > 5, 'a frame is drawn on the verso');
});

test('export leporello: the recto chosen — hand-picked portraits in their order, a label’s only, the kept faces’ aligned crops; a stranger refused', async (t) => {
  const { base, project, cli } = setup(t);
  const images = (cli('images', project, '--json').json() as { items: { id: number; sourceName: string }[] }).items;
  const stem = (id: number) => basename(images.find((i) => i.id === id)!.sourceName, extname(images.find((i) => i.id === id)!.sourceName));
  const rectoCaptions = (pdf: string) => poppler('pdftotext', '-f', '1', '-l', '1', '-layout', pdf, '-');
  const book = (name: string, ...args: string[]) => {
    const pdf = join(base, `${name}.pdf`);
    const r = cli(...bookOf(project), '--panels', '3', '--panel-size', '10x10', ...args, '--out', pdf, '--json');
    return { r, pdf };
  };

  // Picked by hand: these three, in this order, left to right.
  const [a, b, c] = [images[5]!.id, images[2]!.id, images[9]!.id];
  const picked = book('picked', '--recto-pick', `${a},${b},${c}`);
  assert.equal(picked.r.code, 0, picked.r.stderr);
  const text = rectoCaptions(picked.pdf);
  const order = [a, b, c].map((id) => text.indexOf(stem(id)));
  assert.ok(order.every((x) => x >= 0) && order[0]! < order[1]! && order[1]! < order[2]!, `captions in the picked order: ${order} in ${text}`);

  // A label's portraits only.
  assert.equal(cli('label', project, '--images', `${images[1]!.id},${images[7]!.id}`, '--set', 'mood=calm').code, 0);
  const labelled = book('labelled', '--panels', '2', '--recto-label', 'mood=calm');
  assert.equal(labelled.r.code, 0, labelled.r.stderr);
  const labelledText = rectoCaptions(labelled.pdf);
  assert.ok(
    [images[1]!.id, images[7]!.id].every((id) => labelledText.includes(stem(id))),
    labelledText,
  );
  assert.ok(!labelledText.includes(stem(images[2]!.id)));

  // The kept faces' aligned crops: square pictures of the crops' size, not the originals.
  assert.equal(cli('curate', project, '--master-size', '128', '--backend', 'wasm').code, 0);
  const faces = book('faces', '--recto-from', 'faces');
  assert.equal(faces.r.code, 0, faces.r.stderr);
  const rectoImages = poppler('pdfimages', '-f', '1', '-l', '1', '-list', faces.pdf)
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/).slice(3, 5).map(Number));
  assert.equal(rectoImages.length, 3);
  assert.ok(
    rectoImages.every(([w, h]) => w === h && w! <= 128),
    `aligned crops on the recto: ${JSON.stringify(rectoImages)}`,
  );

  // A pick that is not one of the collection's pictures is refused by its id, before anything is written.
  const stranger = book('stranger', '--recto-pick', '9999');
  assert.equal(stranger.r.code, 1);
  assert.match(stranger.r.stderr, /#9999 is not one of the collection's portraits: pick among its portraits/);
  assert.ok(!existsSync(stranger.pdf));
});
