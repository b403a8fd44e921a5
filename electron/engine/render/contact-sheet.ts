// A contact sheet: pictures in a grid with a caption under each — a collection's portraits, a
// checkpoint's witnesses, a video's frames — as one PNG, or as a PDF of A4 pages with the pictures
// at their own resolution and the caption font embedded.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import sharp, { type OverlayOptions } from 'sharp';
import { appRoot } from '../../app-paths';
import { MM } from '../../../shared/book-layout';
import type { PanelPicture } from './leporello-pdf';
import { escapeXml } from './svg-text';

export interface SheetItem {
  picture: PanelPicture;
  caption: string;
}

/** One PNG: `columns` cells of `cell` px, each picture fitted inside and captioned below. */
export async function contactSheetPng(items: SheetItem[], columns: number, cell: number): Promise<{ png: Buffer; width: number; height: number }> {
  const gap = Math.max(4, Math.round(cell / 24));
  const captionHeight = Math.max(12, Math.round(cell / 10));
  const rows = Math.ceil(items.length / columns);
  const width = columns * (cell + gap) + gap;
  const height = rows * (cell + captionHeight + gap) + gap;
  const layers: OverlayOptions[] = [];
  for (const [i, item] of items.entries()) {
    const left = gap + (i % columns) * (cell + gap);
    const top = gap + Math.floor(i / columns) * (cell + captionHeight + gap);
    const fitted = await sharp(item.picture.bytes)
      .resize(cell, cell, { fit: 'contain', background: '#ffffff', kernel: item.picture.width < cell ? 'nearest' : 'lanczos3' })
      .png()
      .toBuffer();
    layers.push({ input: fitted, left, top });
    const fontSize = Math.round(captionHeight * 0.7);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${cell}" height="${captionHeight}"><text x="${cell / 2}" y="${captionHeight * 0.78}" font-family="DejaVu Sans, sans-serif" font-size="${fontSize}" fill="#333" text-anchor="middle">${escapeXml(item.caption.slice(0, Math.floor((cell / fontSize) * 1.7)))}</text></svg>`;
    layers.push({ input: Buffer.from(svg), left, top: top + cell });
  }
  const png = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(layers)
    .png()
    .toBuffer();
  return { png, width, height };
}

/** A PDF of A4 portrait pages, `columns` pictures across with 12 mm margins, rows as many as fit. */
export async function contactSheetPdf(items: SheetItem[], columns: number, title: string): Promise<{ pdf: Uint8Array; pages: number }> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(await readFile(join(appRoot, 'resources', 'fonts', 'DejaVuSans.ttf')), { subset: true });
  doc.setTitle(title);
  doc.setCreator('Leporello');
  const [pw, ph] = [210 * MM, 297 * MM];
  const margin = 12 * MM;
  const gap = 3 * MM;
  const captionHeight = 4 * MM;
  const cell = (pw - 2 * margin - (columns - 1) * gap) / columns;
  const rows = Math.max(1, Math.floor((ph - 2 * margin - 6 * MM + gap) / (cell + captionHeight + gap)));
  const perPage = rows * columns;
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([pw, ph]);
    page.drawText(`${title} · ${p + 1} of ${pages}`, { x: margin, y: ph - margin + 2 * MM, size: 8, font, color: rgb(0.3, 0.3, 0.3) });
    for (const [k, item] of items.slice(p * perPage, (p + 1) * perPage).entries()) {
      const x = margin + (k % columns) * (cell + gap);
      const top = ph - margin - 4 * MM - Math.floor(k / columns) * (cell + captionHeight + gap);
      const image = item.picture.format === 'jpeg' ? await doc.embedJpg(item.picture.bytes) : await doc.embedPng(item.picture.bytes);
      const scale = Math.min(cell / item.picture.width, cell / item.picture.height);
      const [w, h] = [item.picture.width * scale, item.picture.height * scale];
      page.drawImage(image, { x: x + (cell - w) / 2, y: top - cell + (cell - h) / 2, width: w, height: h });
      let caption = item.caption;
      while (caption.length > 1 && font.widthOfTextAtSize(caption, 7) > cell) caption = caption.slice(0, -2) + '…';
      page.drawText(caption, {
        x: x + (cell - font.widthOfTextAtSize(caption, 7)) / 2,
        y: top - cell - captionHeight + 1.5 * MM,
        size: 7,
        font,
        color: rgb(0.2, 0.2, 0.2),
      });
    }
  }
  return { pdf: await doc.save({ useObjectStreams: false }), pages };
}
