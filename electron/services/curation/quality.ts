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

/**
 * Faces the thresholds flag, with every reason. Grey and colour are judged against the
 * collection: a grey face is flagged in a collection in colour (its median face at least twice
 * the grey threshold), a strongly coloured face (four times it) in a grey one (its median face
 * under it); a tinted archive — sepia, green halftones, whose median face lies between — flags
 * neither, since its tints are what it is (on the 600 congress portraits, "mostly in colour" by
 * the share of faces above the threshold flagged 277 sepia and grey faces as grey among colour).
 * Mean chroma cannot tell a strong tint from colour: a green halftone in a grey archive is still
 * flagged as colour.
 */
export function flaggedFaces(project: Project, collectionId?: number, thresholds = getThresholds(project)): FlaggedFace[] {
  const rows = project.db
    .prepare(
      `SELECT f.id, f.image_id, f.status, f.quad, f.sharpness, f.colourfulness, f.pass, f.score, i.source_path, i.width, i.height
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
    pass: string | null;
    score: number | null;
    source_path: string;
    width: number;
    height: number;
  }[];
  const chroma = rows.map((r) => r.colourfulness).sort((a, b) => a - b);
  const median = chroma.length ? chroma[Math.floor((chroma.length - 1) / 2)]! : 0;
  const inColour = median >= 2 * thresholds.greyBelow;
  const inGrey = median < thresholds.greyBelow;
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
    const grey = r.colourfulness < thresholds.greyBelow;
    if (grey && inColour) flag('colour', 'grey in a collection mostly in colour');
    // Sepia and other tints sit at 3–4× the grey threshold; colour photographs well beyond.
    if (r.colourfulness >= 4 * thresholds.greyBelow && inGrey) flag('colour', 'in colour in a collection mostly grey');
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
