// How a leporello book is laid out, in PDF points: its sheets (long strips for a print shop or
// A4/A3 with glue tabs), each panel's place on them and each picture's box in a panel. Pure
// geometry, shared by the engine that writes the PDF and the Book view that previews it, so that
// the preview is the print.
import { AppError } from './errors';

export const MM = 72 / 25.4;
/** The largest page side PDF viewers and RIPs accept without UserUnit: 200 inches. */
export const MAX_PAGE_PT = 14400;
export const SHEETS = { A4: [297, 210], A3: [420, 297] } as const;
/** Room for the marks outside the bleed: a gap, then 5 mm lines. */
export const MARK_GAP = 2 * MM;
export const MARK_LENGTH = 5 * MM;
export const GLUE_TAB = 10 * MM;

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
  content: { pictures: { width: number; height: number }[]; columns: number; rows: number },
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

/** The print resolution of a picture of this many pixels drawn in a box of points. */
export const dpiOf = (p: { width: number; height: number }, width: number, height: number) => Math.min(p.width / (width / 72), p.height / (height / 72));

/** The caption's font size on a panel of this height (points), and the band it takes at the panel's foot. */
export function captionBand(panelHeightMm: number): { size: number; height: number } {
  const size = Math.max(6, Math.min(10, panelHeightMm / 25));
  return { size, height: size * 2.2 };
}

/** Whether a layout fits its sheet: the reason it does not, or null. */
export function layoutProblem(layout: LeporelloLayout): string | null {
  try {
    layoutSheets(layout);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The smallest sheet the panels fit with bleed, marks and glue tabs: A4, else A3, else the print shop's strip. */
export function smallestSheet(layout: Omit<LeporelloLayout, 'sheet'>): LeporelloLayout['sheet'] {
  return (['A4', 'A3'] as const).find((sheet) => layoutProblem({ ...layout, sheet }) === null) ?? 'strip';
}
