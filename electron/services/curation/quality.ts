// Measures of an aligned face crop that curation decides by, and the flags the curator's
// thresholds raise on them: a face too small in its source, a blurred one, a grey one in a
// colour collection (or the reverse), a picture of extreme aspect — and a face the detector
// found only on its second look. Flags never hide anything:
// a flagged face stays in the collection, with its reasons, until the curator decides.
import { AppError } from '../../../shared/errors';
import type { Project } from '../projects/project';
import type { AlignQuad } from '../../formats/faces/align';

export interface QualityThresholds {
  /** Smallest face, as the alignment square's side in source pixels. */
  minFacePx: number;
  /** Least sharpness (variance of the Laplacian at 128 px). */
  minSharpness: number;
  /** Colourfulness below which a crop counts as grey. */
  greyBelow: number;
  /** Largest width/height (or height/width) of the source picture. */
  maxAspect: number;
}

/**
 * On the 600 archival portraits (aligned at 256 px): sharpness under 20 flags the 4 % of crops
 * that are visibly blurred or are not faces; faces under 64 px (8 %) would be upscaled for a
 * 64-px GAN.
 */
export const DEFAULT_THRESHOLDS: QualityThresholds = { minFacePx: 64, minSharpness: 20, greyBelow: 6, maxAspect: 2.5 };

export function getThresholds(project: Project): QualityThresholds {
  const rows = project.db.prepare('SELECT name, value FROM curation_settings').all() as { name: keyof QualityThresholds; value: number }[];
  return { ...DEFAULT_THRESHOLDS, ...Object.fromEntries(rows.filter((r) => r.name in DEFAULT_THRESHOLDS).map((r) => [r.name, r.value])) };
}

export function setThresholds(project: Project, changes: Partial<QualityThresholds>): QualityThresholds {
  for (const [name, value] of Object.entries(changes)) {
    if (!(name in DEFAULT_THRESHOLDS))
      throw new AppError('invalid_request', `no quality threshold "${name}"; there are ${Object.keys(DEFAULT_THRESHOLDS).join(', ')}`);
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0) throw new AppError('invalid_request', `${name} must be a number of at least 0, not ${value}`);
  }
  const upsert = project.db.prepare('INSERT INTO curation_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
  project.db.transaction(() => {
    for (const [name, value] of Object.entries(changes)) if (value !== undefined) upsert.run(name, value);
  })();
  return getThresholds(project);
}

/** What a flag is about, to count, filter and act on faces by it. */
export const FLAG_KINDS = ['small', 'blurred', 'colour', 'aspect', 'second-look'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

export interface FlaggedFace {
  faceId: number;
  imageId: number;
  source: string;
  status: 'kept' | 'excluded';
  reasons: string[];
  /** Each reason's kind, in the same order. */
  kinds: FlagKind[];
}

/** Hue coherence from which a face's colour is one tint (a toned print), not a colour photograph. */
export const TINTED = 0.94;

/**
 * Faces the thresholds flag, with every reason. Grey and colour are judged against the
 * collection, and colour is told from a tint by its hues (crop-measures.ts's hue coherence): a
 * face is in colour when its chroma is strong (four times the grey threshold) and of many hues
 * (coherence under TINTED), so that a sepia print or a green halftone, of one hue however strong,
 * is a toned monochrome. In a collection mostly monochrome (grey or toned: its median face not in
 * colour) the faces in colour are flagged; in one mostly in colour (its median face at least twice
 * the grey threshold and of many hues) the grey ones are. On the 600 congress portraits, toned
 * and grey, that flags the three colour pictures among them (a painted portrait, two campaign
 * buttons) and no print. A face without a coherence (curated before it was measured and not yet
 * measured: tints.ts) is judged on chroma alone.
 */
export function flaggedFaces(project: Project, collectionId?: number, thresholds = getThresholds(project)): FlaggedFace[] {
  const rows = project.db
    .prepare(
      `SELECT f.id, f.image_id, f.status, f.quad, f.sharpness, f.colourfulness, f.hue_coherence, f.pass, f.score, i.source_path, i.width, i.height
         FROM faces f JOIN images i ON i.id = f.image_id
        WHERE i.status = 'ok' ${collectionId === undefined ? '' : 'AND i.collection_id = ?'} ORDER BY f.id`,
    )
    .all(...(collectionId === undefined ? [] : [collectionId])) as {
    id: number;
    image_id: number;
    status: 'kept' | 'excluded';
    quad: string;
    sharpness: number;
    colourfulness: number;
    hue_coherence: number | null;
    pass: string | null;
    score: number | null;
    source_path: string;
    width: number;
    height: number;
  }[];
  const medianOf = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : null;
  };
  const coherence = medianOf(rows.filter((r) => r.hue_coherence !== null).map((r) => r.hue_coherence!));
  const inColour = (medianOf(rows.map((r) => r.colourfulness)) ?? 0) >= 2 * thresholds.greyBelow && (coherence === null || coherence < TINTED);
  const isColour = (r: (typeof rows)[number]) => r.colourfulness >= 4 * thresholds.greyBelow && (r.hue_coherence === null || r.hue_coherence < TINTED);
  const flagged: FlaggedFace[] = [];
  for (const r of rows) {
    const reasons: string[] = [];
    const kinds: FlagKind[] = [];
    const flag = (kind: FlagKind, reason: string) => {
      kinds.push(kind);
      reasons.push(reason);
    };
    const side = Math.round((JSON.parse(r.quad) as AlignQuad).side);
    if (side < thresholds.minFacePx) flag('small', `face is ${side} px in its source, under ${thresholds.minFacePx}`);
    if (r.sharpness < thresholds.minSharpness) flag('blurred', `blurred: sharpness ${r.sharpness.toFixed(0)}, under ${thresholds.minSharpness}`);
    if (inColour && r.colourfulness < thresholds.greyBelow) flag('colour', 'grey in a collection mostly in colour');
    if (!inColour && isColour(r)) flag('colour', 'in colour in a collection of grey or toned prints');
    const aspect = Math.max(r.width / r.height, r.height / r.width);
    if (aspect > thresholds.maxAspect) flag('aspect', `picture of extreme aspect ${aspect.toFixed(1)}:1, over ${thresholds.maxAspect}:1`);
    // A second look finds faces the first missed, and some things that are not faces (lettering, a hand).
    if (r.pass === 'ssd-low' || r.pass === 'tiny-low')
      flag('second-look', `found only on a second look (confidence ${(r.score ?? 0).toFixed(2)}): check that it is a face`);
    else if (r.pass?.startsWith('prepared'))
      flag(
        'second-look',
        `found only on the picture made grey, contrast-stretched and padded (confidence ${(r.score ?? 0).toFixed(2)}): check that it is a face`,
      );
    if (reasons.length) flagged.push({ faceId: r.id, imageId: r.image_id, source: r.source_path, status: r.status, reasons, kinds });
  }
  return flagged;
}
