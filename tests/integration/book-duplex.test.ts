// Duplex registration of the printed book, checked on the pages as poppler draws them: every
// recto and verso panel is one flat colour of its own, both sides are rasterised, the flip the page
// itself instructs is applied to each recto point, and the verso found there must be the panel the
// book puts behind it (verso k behind recto N−1−k: turning the book over reverses it), and every
// glue tab must fall on its own tab on the back — for the print shop's long strip (cut into parts
// past 200 inches) and for A4 and A3 sheets.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { layoutSheets, MM, type LeporelloLayout } from '../../shared/book-layout';
import { renderLeporello, type PanelContent } from '../../electron/engine/render/leporello-pdf';
import { tempDir } from '../helpers';

const DPI = 12;

/** A distinct flat colour for each side of each panel. */
const colourOf = (side: 'recto' | 'verso', panel: number): [number, number, number] =>
  side === 'recto' ? [40 + 9 * panel, 200, 60] : [200, 40 + 9 * panel, 220];

async function flatPanel(colour: [number, number, number], layout: LeporelloLayout): Promise<PanelContent> {
  // The panel's own aspect, so that the one picture fills the panel (margin 0, no caption).
  const [width, height] = [Math.round(layout.panelWidthMm), Math.round(layout.panelHeightMm)];
  const bytes = await sharp({ create: { width, height, channels: 3, background: { r: colour[0], g: colour[1], b: colour[2] } } })
    .png()
    .toBuffer();
  return { pictures: [{ bytes: new Uint8Array(bytes), format: 'png', width, height }], columns: 1, rows: 1, caption: '' };
}

interface Raster {
  width: number;
  height: number;
  at(xPt: number, yPt: number): [number, number, number];
}

/** The PDF's pages as poppler rasterises them, read in PDF points (origin bottom left). */
function rasterise(pdf: string, dir: string): Raster[] {
  const r = spawnSync('pdftoppm', ['-r', String(DPI), pdf, join(dir, 'page')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return readdirSync(dir)
    .filter((f) => f.startsWith('page') && f.endsWith('.ppm'))
    .sort()
    .map((f) => {
      const data = readFileSync(join(dir, f));
      const header = data.subarray(0, 40).toString('latin1').split(/\s+/);
      const [width, height] = [Number(header[1]), Number(header[2])];
      const start = data.length - width * height * 3;
      const px = (xPt: number) => Math.round((xPt / 72) * DPI);
      return {
        width,
        height,
        at: (xPt, yPt) => {
          const [x, y] = [px(xPt), height - 1 - px(yPt)];
          const i = start + (y * width + x) * 3;
          return [data[i]!, data[i + 1]!, data[i + 2]!];
        },
      };
    });
}

const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 6);

async function checkDuplex(t: Parameters<typeof tempDir>[0], layout: LeporelloLayout) {
  const dir = tempDir(t);
  const recto = await Promise.all(Array.from({ length: layout.panels }, (_, p) => flatPanel(colourOf('recto', p), layout)));
  const verso = await Promise.all(Array.from({ length: layout.panels }, (_, p) => flatPanel(colourOf('verso', p), layout)));
  const { pdf } = await renderLeporello(layout, recto, verso);
  const file = join(dir, 'book.pdf');
  writeFileSync(file, pdf);
  // The flip, as the page tells the person at the printer.
  const text = spawnSync('pdftotext', ['-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
  const flip = /print both sides, flipped on the (short|long) edge/.exec(text)?.[1];
  assert.ok(flip, `the page says how to flip: ${text}`);
  const pages = rasterise(file, dir);
  const sheets = layoutSheets(layout);
  assert.equal(pages.length, sheets.length * 2);
  const W = layout.panelWidthMm * MM;
  const H = layout.panelHeightMm * MM;
  let checked = 0;
  for (const [s, sheet] of sheets.entries()) {
    const [front, back] = [pages[2 * s]!, pages[2 * s + 1]!];
    // A point on the front lies, once the sheet is turned over that way, behind this point of the back.
    const behind = (x: number, y: number): [number, number] => (flip === 'short' ? [sheet.width - x, y] : [x, sheet.height - y]);
    for (const { panel, x } of sheet.slots) {
      // Near both side edges and the top and bottom of the panel: misregistration shows at the edges.
      for (const [fx, fy] of [
        [0.06, 0.1],
        [0.94, 0.1],
        [0.5, 0.5],
        [0.06, 0.9],
        [0.94, 0.9],
      ] as const) {
        const [px, py] = [x + fx * W, sheet.y + fy * H];
        assert.ok(near(front.at(px, py), colourOf('recto', panel)), `sheet ${s + 1} recto panel ${panel + 1} at ${fx},${fy}: ${front.at(px, py)}`);
        const back = behind(px, py);
        const expected = colourOf('verso', layout.panels - 1 - panel);
        assert.ok(
          near(backOf(back), expected),
          `behind recto panel ${panel + 1} (sheet ${s + 1}, at ${fx},${fy}) lies ${backOf(back)}, not verso panel ${layout.panels - panel}`,
        );
        checked++;
      }
    }
    if (sheet.glueTab) {
      // The tab right of the last recto panel: grey on the front, and grey behind it on the back.
      const right = Math.max(...sheet.slots.map((x) => x.x)) + W;
      const [tx, ty] = [right + 5 * MM, sheet.y + 0.3 * H];
      const grey = [230, 230, 230];
      assert.ok(near(front.at(tx, ty), grey), `sheet ${s + 1}'s glue tab on the front: ${front.at(tx, ty)}`);
      assert.ok(near(backOf(behind(tx, ty)), grey), `behind sheet ${s + 1}'s glue tab lies ${backOf(behind(tx, ty))}, not its tab`);
    }
    function backOf([x, y]: [number, number]) {
      return back.at(x, y);
    }
  }
  return { checked, sheets: sheets.length, flip };
}

const book = (extra: Partial<LeporelloLayout>): LeporelloLayout => ({
  panels: 7,
  panelWidthMm: 100,
  panelHeightMm: 150,
  bleedMm: 3,
  marginMm: 0,
  sheet: 'A4',
  background: [255, 255, 255],
  title: 'duplex',
  ...extra,
});

test('duplex: A4 and A3 sheets put every verso panel behind its recto panel and every glue tab behind its own, flipped as the page says', async (t) => {
  const a4 = await checkDuplex(t, book({ sheet: 'A4', panelWidthMm: 80, panelHeightMm: 150 }));
  assert.ok(a4.sheets >= 3, `${a4.sheets} A4 sheets`);
  const a3 = await checkDuplex(t, book({ sheet: 'A3', panelWidthMm: 100, panelHeightMm: 210, panels: 9 }));
  assert.ok(a3.sheets >= 3, `${a3.sheets} A3 sheets`);
  assert.equal(a4.flip, a3.flip, 'one flip for every sheet');
});

test('duplex: the long strip, cut in parts past 200 inches, registers the same way as the sheets', async (t) => {
  // 1 m panels: five to a 200-inch page, so seven make two parts joined by a glue tab.
  const strip = await checkDuplex(t, book({ sheet: 'strip', panelWidthMm: 1000, panelHeightMm: 200 }));
  assert.equal(strip.sheets, 2);
  assert.equal(strip.checked, 7 * 5);
});
