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
import sharp from 'sharp';
import { degrees, PDFDocument, rgb, type PDFFont, type PDFImage, type PDFPage, type RGB } from 'pdf-lib';
import { DUPLEX_INSTRUCTION } from '../../../shared/duplex';
import { appRoot } from '../../app-paths';
import {
  captionBand,
  dpiOf,
  GLUE_TAB,
  layoutSheets,
  MARK_GAP,
  MARK_LENGTH,
  MM,
  placePictures,
  type LeporelloLayout,
  type Sheet,
} from '../../../shared/book-layout';

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

const PRINT_DPI = 300;
/** Enlarged pictures, by source and size: one picture drawn in many boxes of one size is enlarged once. */
const enlargements = new WeakMap<Uint8Array, Map<string, PanelPicture>>();

/** The picture resampled (Lanczos) to print at 300 dpi in its box. */
async function enlarged(picture: PanelPicture, box: { width: number; height: number }): Promise<PanelPicture> {
  const width = Math.round((box.width / 72) * PRINT_DPI);
  const height = Math.round((box.height / 72) * PRINT_DPI);
  const known = enlargements.get(picture.bytes) ?? new Map<string, PanelPicture>();
  enlargements.set(picture.bytes, known);
  const key = `${width}x${height}`;
  if (!known.has(key)) {
    const resized = sharp(picture.bytes).resize(width, height, { fit: 'fill', kernel: 'lanczos3' });
    const bytes = picture.format === 'jpeg' ? await resized.jpeg({ quality: 92 }).toBuffer() : await resized.png().toBuffer();
    known.set(key, { bytes: new Uint8Array(bytes), format: picture.format, width, height });
  }
  return known.get(key)!;
}

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
  options: { upscale?: boolean } = {},
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
  const { size: captionSize, height: captionHeight } = captionBand(layout.panelHeightMm);
  const [br, bg, bb] = layout.background.map((c) => c / 255) as [number, number, number];
  const background: RGB = rgb(br, bg, bb);
  const ink: RGB = 0.299 * br + 0.587 * bg + 0.114 * bb > 0.5 ? rgb(0.15, 0.15, 0.15) : rgb(0.85, 0.85, 0.85);
  const embedded = new Map<Uint8Array, PDFImage>();
  const lowest = { recto: Infinity, verso: Infinity };
  const below = { recto: 0, verso: 0 };
  const upscaled = { recto: 0, verso: 0 };

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
      for (const [i, original] of content.pictures.entries()) {
        const box = boxes[i]!;
        const dpi = dpiOf(original, box.width, box.height);
        lowest[side] = Math.min(lowest[side], dpi);
        if (dpi < PRINT_DPI) below[side]++;
        const picture = options.upscale && dpi < PRINT_DPI ? await enlarged(original, box) : original;
        if (picture !== original) upscaled[side]++;
        const key = picture.bytes;
        let image = embedded.get(key);
        if (!image) {
          image = picture.format === 'jpeg' ? await doc.embedJpg(picture.bytes) : await doc.embedPng(picture.bytes);
          embedded.set(key, image);
        }
        page.drawImage(image, box);
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
    if (upscaled[side])
      warnings.push(
        `${upscaled[side]} ${side} picture${upscaled[side] === 1 ? ' was' : 's were'} upscaled to ${PRINT_DPI} dpi with Lanczos (from as low as ${Math.round(lowest[side])} dpi): smoother, but no more detail than the original`,
      );
    else if (below[side])
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
