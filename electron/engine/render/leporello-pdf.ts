// A leporello book as a print-ready PDF: a strip of panels folded like an accordion, source
// portraits on the recto, the machine's learning sequence on the verso. Either long sheets for a
// print shop (as many whole panels as fit the PDF's 200-inch page limit) or A4/A3 sheets for home
// printing, joined with glue tabs. Every sheet has crop marks at the cut, fold marks between
// panels, bleed around the trim, and its verso follows it, mirrored, so that double-sided printing
// flipped on the short edge (shared/duplex.ts; each page says so) puts each panel's verso behind
// the right recto. Images are embedded at their
// own resolution; the font is embedded (subset).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { degrees, PDFDocument, rgb, type PDFFont, type PDFImage, type PDFPage, type RGB } from 'pdf-lib';
import { DUPLEX_INSTRUCTION } from '../../../shared/duplex';
import { AppError } from '../../../shared/errors';
import { appRoot } from '../../app-paths';

export const MM = 72 / 25.4;
/** The largest page side PDF viewers and RIPs accept without UserUnit: 200 inches. */
export const MAX_PAGE_PT = 14400;
const SHEETS = { A4: [297, 210], A3: [420, 297] } as const;
/** Room for the marks outside the bleed: a gap, then 5 mm lines. */
const MARK_GAP = 2 * MM;
const MARK_LENGTH = 5 * MM;
const GLUE_TAB = 10 * MM;

export interface LeporelloLayout {
  panels: number;
  panelWidthMm: number;
  panelHeightMm: number;
  bleedMm: number;
  /** Inside each panel, around its pictures and caption. */
  marginMm: number;
  sheet: 'strip' | 'A4' | 'A3';
  /** Panel background, 0–255 per channel; it runs into the bleed. */
  background: [number, number, number];
  title: string;
}

/** A picture as it will be embedded: its own bytes and pixel size. */
export interface PanelPicture {
  bytes: Uint8Array;
  format: 'jpeg' | 'png';
  width: number;
  height: number;
}

/** One side of one panel: pictures in a grid filled top to bottom, then left to right, and a caption. */
export interface PanelContent {
  pictures: PanelPicture[];
  columns: number;
  rows: number;
  caption: string;
}

export interface Sheet {
  width: number;
  height: number;
  /** The recto panels on it, each with the x of its left trim edge (points). */
  slots: { panel: number; x: number }[];
  /** Bottom of the trim. */
  y: number;
  /** A glue tab to the right of the last panel, under the next sheet's first. */
  glueTab: boolean;
}

export interface LeporelloResult {
  pages: number;
  sheets: number;
  pageWidthMm: number;
  pageHeightMm: number;
  stripLengthMm: number;
  /** The lowest print resolution of any picture, per side. */
  lowestDpi: { recto: number | null; verso: number | null };
  warnings: string[];
}

export function checkLayout(layout: LeporelloLayout): void {
  const { panels, panelWidthMm: w, panelHeightMm: h, bleedMm, marginMm } = layout;
  if (!Number.isInteger(panels) || panels < 2 || panels > 400) throw new AppError('invalid_request', `${panels} panels: a leporello has from 2 to 400 panels`);
  if (!(w >= 30 && w <= 1000 && h >= 30 && h <= 1000)) throw new AppError('invalid_request', `a panel of ${w}×${h} mm: give each side from 30 mm to 1 m`);
  if (!(bleedMm >= 0 && bleedMm <= 10)) throw new AppError('invalid_request', `a bleed of ${bleedMm} mm: give 0 to 10 mm (3 mm is usual)`);
  if (!(marginMm >= 0 && marginMm * 2 < Math.min(w, h) / 2))
    throw new AppError('invalid_request', `a margin of ${marginMm} mm leaves too little of a ${w}×${h} mm panel for pictures`);
}

/** How the strip is cut into sheets, each with its panels' places. */
export function layoutSheets(layout: LeporelloLayout): Sheet[] {
  checkLayout(layout);
  const W = layout.panelWidthMm * MM;
  const H = layout.panelHeightMm * MM;
  const bleed = layout.bleedMm * MM;
  const slug = bleed + MARK_GAP + MARK_LENGTH + 3 * MM;
  if (layout.sheet === 'strip') {
    const perSheet = Math.floor((MAX_PAGE_PT - 2 * slug - GLUE_TAB) / W);
    if (perSheet < 1) throw new AppError('invalid_request', `panels ${layout.panelWidthMm} mm wide are longer than a PDF page can be (200 inches)`);
    const count = Math.ceil(layout.panels / perSheet);
    const sheets: Sheet[] = [];
    let first = 0;
    for (let s = 0; s < count; s++) {
      // Panels shared evenly, so that no sheet is a short remainder; a strip longer than a page
      // is printed in parts joined by glue tabs.
      const n = Math.floor(((s + 1) * layout.panels) / count) - Math.floor((s * layout.panels) / count);
      const glueTab = s < count - 1;
      sheets.push({
        width: n * W + 2 * slug + (glueTab ? GLUE_TAB : 0),
        height: H + 2 * slug,
        slots: Array.from({ length: n }, (_, i) => ({ panel: first + i, x: slug + i * W })),
        y: slug,
        glueTab,
      });
      first += n;
    }
    return sheets;
  }
  const [longMm, shortMm] = SHEETS[layout.sheet];
  const [sw, sh] = [longMm * MM, shortMm * MM];
  const needHeight = H + 2 * slug;
  if (needHeight > sh) {
    throw new AppError(
      'invalid_request',
      `panels ${layout.panelHeightMm} mm high do not fit an ${layout.sheet} sheet with bleed and marks (they need ${Math.ceil(needHeight / MM)} mm of its ${shortMm} mm): choose A3 or a larger sheet, or smaller panels`,
    );
  }
  const perSheet = Math.floor((sw - 2 * slug - GLUE_TAB) / W);
  if (perSheet < 1)
    throw new AppError(
      'invalid_request',
      `panels ${layout.panelWidthMm} mm wide do not fit an ${layout.sheet} sheet with bleed, marks and a glue tab: choose a larger sheet, or smaller panels`,
    );
  const count = Math.ceil(layout.panels / perSheet);
  return Array.from({ length: count }, (_, s) => {
    const n = Math.min(perSheet, layout.panels - s * perSheet);
    const glueTab = s < count - 1;
    const left = (sw - n * W - (glueTab ? GLUE_TAB : 0)) / 2;
    return { width: sw, height: sh, slots: Array.from({ length: n }, (_, i) => ({ panel: s * perSheet + i, x: left + i * W })), y: (sh - H) / 2, glueTab };
  });
}

/** A side's pictures fitted into a panel: the rectangle each is drawn in, in points. */
export function placePictures(
  content: PanelContent,
  x: number,
  y: number,
  W: number,
  H: number,
  margin: number,
  captionHeight: number,
): { x: number; y: number; width: number; height: number }[] {
  const gap = 2 * MM;
  const areaW = W - 2 * margin;
  const areaH = H - 2 * margin - captionHeight;
  const cellW = (areaW - (content.columns - 1) * gap) / content.columns;
  const cellH = (areaH - (content.rows - 1) * gap) / content.rows;
  return content.pictures.map((p, i) => {
    const col = Math.floor(i / content.rows);
    const row = i % content.rows;
    const scale = Math.min(cellW / p.width, cellH / p.height);
    const [w, h] = [p.width * scale, p.height * scale];
    const cx = x + margin + col * (cellW + gap) + (cellW - w) / 2;
    // Rows from the top of the panel down; PDF's y grows upward.
    const cy = y + H - margin - row * (cellH + gap) - (cellH + h) / 2;
    return { x: cx, y: cy, width: w, height: h };
  });
}

const dpiOf = (p: PanelPicture, width: number, height: number) => Math.min(p.width / (width / 72), p.height / (height / 72));

function drawMarks(page: PDFPage, sheet: Sheet, W: number, H: number, bleed: number, mirrored: boolean): void {
  const mark = { thickness: 0.25, color: rgb(0, 0, 0) };
  const xs = sheet.slots.map((s) => (mirrored ? sheet.width - s.x - W : s.x));
  const left = Math.min(...xs);
  const right = Math.max(...xs) + W;
  // The cut runs past the glue tab, which is on the right of a recto and the left of its verso.
  const tab = sheet.glueTab ? GLUE_TAB : 0;
  const [cutLeft, cutRight] = mirrored ? [left - tab, right] : [left, right + tab];
  const [bottom, top] = [sheet.y, sheet.y + H];
  const out = bleed + MARK_GAP;
  for (const cx of [cutLeft, cutRight]) {
    const dir = cx === cutLeft ? -1 : 1;
    for (const [cy, vdir] of [
      [bottom, -1],
      [top, 1],
    ] as const) {
      page.drawLine({ start: { x: cx + dir * out, y: cy }, end: { x: cx + dir * (out + MARK_LENGTH), y: cy }, ...mark });
      page.drawLine({ start: { x: cx, y: cy + vdir * out }, end: { x: cx, y: cy + vdir * (out + MARK_LENGTH) }, ...mark });
    }
  }
  // Folds between panels, and where a glue tab meets its panel.
  const folds = xs.map((x) => x + W).filter((x) => x < right - 0.01);
  if (sheet.glueTab) folds.push(mirrored ? left : right);
  for (const fx of folds) {
    for (const [from, dir] of [
      [bottom, -1],
      [top, 1],
    ] as const) {
      page.drawLine({ start: { x: fx, y: from + dir * out }, end: { x: fx, y: from + dir * (out + MARK_LENGTH) }, ...mark, dashArray: [2, 1.5] });
    }
  }
}

function drawGlueTab(page: PDFPage, sheet: Sheet, W: number, H: number, font: PDFFont, mirrored: boolean): void {
  const right = Math.max(...sheet.slots.map((s) => s.x)) + W;
  const x = mirrored ? sheet.width - right - GLUE_TAB : right;
  page.drawRectangle({ x, y: sheet.y, width: GLUE_TAB, height: H, color: rgb(0.9, 0.9, 0.9), borderColor: rgb(0.6, 0.6, 0.6), borderWidth: 0.3 });
  if (!mirrored) page.drawText('glue', { x: x + GLUE_TAB / 2 + 3, y: sheet.y + H / 2 - 12, size: 8, font, color: rgb(0.45, 0.45, 0.45), rotate: degrees(90) });
}

/**
 * Writes the book: for each sheet its recto, then its verso. `recto` and `verso` hold one entry
 * per panel, in reading order (left to right); a null leaves that side of the panel empty.
 */
export async function renderLeporello(
  layout: LeporelloLayout,
  recto: (PanelContent | null)[],
  verso: (PanelContent | null)[],
): Promise<{ pdf: Uint8Array; result: LeporelloResult }> {
  const sheets = layoutSheets(layout);
  if (recto.length !== layout.panels || verso.length !== layout.panels)
    throw new Error(`${recto.length} recto and ${verso.length} verso panels for a book of ${layout.panels}`);
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(await readFile(join(appRoot, 'resources', 'fonts', 'DejaVuSans.ttf')), { subset: true });
  doc.setTitle(layout.title);
  doc.setCreator('Leporello');
  doc.setProducer('Leporello (pdf-lib)');

  const W = layout.panelWidthMm * MM;
  const H = layout.panelHeightMm * MM;
  const bleed = layout.bleedMm * MM;
  const margin = layout.marginMm * MM;
  const captionSize = Math.max(6, Math.min(10, layout.panelHeightMm / 25));
  const captionHeight = captionSize * 2.2;
  const [br, bg, bb] = layout.background.map((c) => c / 255) as [number, number, number];
  const background: RGB = rgb(br, bg, bb);
  const ink: RGB = 0.299 * br + 0.587 * bg + 0.114 * bb > 0.5 ? rgb(0.15, 0.15, 0.15) : rgb(0.85, 0.85, 0.85);
  const embedded = new Map<Uint8Array, PDFImage>();
  const lowest = { recto: Infinity, verso: Infinity };
  const below = { recto: 0, verso: 0 };

  const drawSide = async (page: PDFPage, sheet: Sheet, side: 'recto' | 'verso', sheetIndex: number) => {
    const mirrored = side === 'verso';
    // Verso panel k lies behind recto panel N−1−k: turning the book over reverses it.
    const placed = sheet.slots.map((s) => ({ panel: mirrored ? layout.panels - 1 - s.panel : s.panel, x: mirrored ? sheet.width - s.x - W : s.x }));
    const left = Math.min(...placed.map((p) => p.x));
    page.drawRectangle({ x: left - bleed, y: sheet.y - bleed, width: placed.length * W + 2 * bleed, height: H + 2 * bleed, color: background });
    for (const { panel, x } of placed) {
      const content = (side === 'recto' ? recto : verso)[panel];
      if (!content) continue;
      const boxes = placePictures(content, x, sheet.y, W, H, margin, content.caption ? captionHeight : 0);
      for (const [i, picture] of content.pictures.entries()) {
        let image = embedded.get(picture.bytes);
        if (!image) {
          image = picture.format === 'jpeg' ? await doc.embedJpg(picture.bytes) : await doc.embedPng(picture.bytes);
          embedded.set(picture.bytes, image);
        }
        const box = boxes[i]!;
        page.drawImage(image, box);
        const dpi = dpiOf(picture, box.width, box.height);
        lowest[side] = Math.min(lowest[side], dpi);
        if (dpi < 300) below[side]++;
      }
      if (content.caption) {
        const size = captionSize;
        let text = content.caption;
        while (text.length > 1 && font.widthOfTextAtSize(text, size) > W - 2 * margin) text = text.slice(0, -2) + '…';
        page.drawText(text, { x: x + margin, y: sheet.y + margin + captionHeight / 2 - size / 3, size, font, color: ink });
      }
    }
    if (sheet.glueTab) drawGlueTab(page, sheet, W, H, font, mirrored);
    drawMarks(page, sheet, W, H, bleed, mirrored);
    const numbers = placed.map((p) => p.panel + 1);
    const info = `${layout.title} · ${side} · sheet ${sheetIndex + 1} of ${sheets.length} · panels ${Math.min(...numbers)}–${Math.max(...numbers)} · ${DUPLEX_INSTRUCTION} · cut at the corner marks, fold at the dashed marks`;
    page.drawText(info, { x: left, y: Math.max(3, sheet.y - bleed - MARK_GAP - MARK_LENGTH - 7), size: 6, font, color: rgb(0.3, 0.3, 0.3) });
  };

  for (const [i, sheet] of sheets.entries()) {
    for (const side of ['recto', 'verso'] as const) {
      const page = doc.addPage([sheet.width, sheet.height]);
      const xs = sheet.slots.map((s) => (side === 'verso' ? sheet.width - s.x - W : s.x));
      const trimLeft = Math.min(...xs);
      const trimWidth = sheet.slots.length * W;
      page.setTrimBox(trimLeft, sheet.y, trimWidth, H);
      page.setBleedBox(trimLeft - bleed, sheet.y - bleed, trimWidth + 2 * bleed, H + 2 * bleed);
      await drawSide(page, sheet, side, i);
    }
  }
  const pdf = await doc.save({ useObjectStreams: false });
  const warnings: string[] = [];
  for (const side of ['recto', 'verso'] as const) {
    if (below[side])
      warnings.push(
        `${below[side]} ${side} picture${below[side] === 1 ? '' : 's'} would print below 300 dpi (lowest ${Math.round(lowest[side])} dpi): use larger images, fewer pictures per panel, or smaller panels`,
      );
  }
  const finite = (x: number) => (Number.isFinite(x) ? Math.round(x) : null);
  return {
    pdf,
    result: {
      pages: sheets.length * 2,
      sheets: sheets.length,
      pageWidthMm: Math.round((sheets[0]!.width / MM) * 10) / 10,
      pageHeightMm: Math.round((sheets[0]!.height / MM) * 10) / 10,
      stripLengthMm: layout.panels * layout.panelWidthMm,
      lowestDpi: { recto: finite(lowest.recto), verso: finite(lowest.verso) },
      warnings,
    },
  };
}
