// Near-duplicates among kept faces: the same photograph twice (a cutting scanned twice, a
// resized or recompressed copy, a slightly different crop). Alignment makes their crops nearly
// identical, so two faces are one photograph when their descriptors say "same person" and their
// aligned crops match pixel for pixel:
//
//   score = descriptor distance + 3 · (1 − correlation of the aligned crops at 48 px, grey)
//
// Measured on expressions204 (12 people; each neutral portrait, a re-scan of it cropped by 4 %,
// shrunk to 360 px and saved at JPEG quality 55, and the same person's smiling portrait from the
// same session): re-scans score 0.08–0.19, the same person's other photograph 0.21–0.49,
// different people above 0.6. Faces within DUPLICATE_SCORE are one cluster.
import { join } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../../shared/errors';
import type { Project } from '../projects/project';
import type { AlignQuad } from '../../formats/faces/align';

export const DUPLICATE_SCORE = 0.2;
/** Descriptor distance beyond which two faces are different people (face-api's usual 0.6, tightened). */
const SAME_PERSON = 0.35;
const SIDE = 48;

export interface ClusterFace {
  faceId: number;
  imageId: number;
  source: string;
  /** The face's size in the source picture (the alignment square's side, px). */
  sourceSide: number;
  sharpness: number;
}

export interface DuplicateCluster {
  faces: ClusterFace[];
  /** The suggested keeper: the largest face in its source, then the sharpest. */
  keeper: number;
  /** The pairs' scores, for the curator who wants to see why. */
  scores: { a: number; b: number; score: number }[];
}

interface FaceRow {
  id: number;
  image_id: number;
  source_path: string;
  descriptor: Buffer;
  aligned_path: string;
  quad: string;
  sharpness: number;
}

async function normalisedGrey(file: string): Promise<Float32Array> {
  const grey = await sharp(file).greyscale().resize(SIDE, SIDE, { kernel: 'lanczos3' }).raw().toBuffer();
  const mean = grey.reduce((s, v) => s + v, 0) / grey.length;
  const sd = Math.sqrt(grey.reduce((s, v) => s + (v - mean) ** 2, 0) / grey.length) || 1;
  return Float32Array.from(grey, (v) => (v - mean) / sd);
}

export async function findDuplicates(project: Project, collectionId?: number): Promise<DuplicateCluster[]> {
  const rows = project.db
    .prepare(
      `SELECT f.id, f.image_id, i.source_path, f.descriptor, f.aligned_path, f.quad, f.sharpness FROM faces f JOIN images i ON i.id = f.image_id
       WHERE f.status = 'kept' AND i.status = 'ok' AND f.descriptor IS NOT NULL ${collectionId === undefined ? '' : 'AND i.collection_id = ?'} ORDER BY f.id`,
    )
    .all(...(collectionId === undefined ? [] : [collectionId])) as FaceRow[];
  const descriptors = rows.map((r) => new Float32Array(r.descriptor.buffer.slice(r.descriptor.byteOffset, r.descriptor.byteOffset + r.descriptor.byteLength)));
  const crops = new Map<number, Float32Array>();
  const crop = async (i: number) => {
    if (!crops.has(i)) crops.set(i, await normalisedGrey(join(project.dir, rows[i]!.aligned_path)));
    return crops.get(i)!;
  };

  // Union-find over the pairs that score as one photograph.
  const parent = rows.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  const pairs: { i: number; j: number; score: number }[] = [];
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      let d = 0;
      for (let k = 0; k < 128; k++) d += (descriptors[i]![k]! - descriptors[j]![k]!) ** 2;
      d = Math.sqrt(d);
      if (d > SAME_PERSON) continue; // different people: no need to look at pixels
      const [a, b] = [await crop(i), await crop(j)];
      let corr = 0;
      for (let k = 0; k < a.length; k++) corr += a[k]! * b[k]!;
      const score = d + 3 * (1 - corr / a.length);
      if (score <= DUPLICATE_SCORE) {
        pairs.push({ i, j, score });
        parent[root(i)] = root(j);
      }
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < rows.length; i++) groups.set(root(i), [...(groups.get(root(i)) ?? []), i]);
  return [...groups.values()]
    .filter((members) => members.length > 1)
    .map((members) => {
      const faces = members.map((i) => ({
        faceId: rows[i]!.id,
        imageId: rows[i]!.image_id,
        source: rows[i]!.source_path,
        sourceSide: Math.round((JSON.parse(rows[i]!.quad) as AlignQuad).side),
        sharpness: rows[i]!.sharpness,
      }));
      const keeper = [...faces].sort((a, b) => b.sourceSide - a.sourceSide || b.sharpness - a.sharpness)[0]!.faceId;
      const inCluster = new Set(members);
      const scores = pairs.filter((p) => inCluster.has(p.i)).map((p) => ({ a: rows[p.i]!.id, b: rows[p.j]!.id, score: Math.round(p.score * 1000) / 1000 }));
      return { faces, keeper, scores };
    });
}

/** Keeps one face of a cluster and excludes the others, saying which face they repeat. */
export function keepOne(project: Project, keeperFaceId: number, others: number[]): number {
  const keeper = project.db.prepare('SELECT f.id, i.source_path FROM faces f JOIN images i ON i.id = f.image_id WHERE f.id = ?').get(keeperFaceId) as
    { id: number; source_path: string } | undefined;
  if (!keeper) throw new AppError('not_found', `no face #${keeperFaceId} in project "${project.name}"`);
  const exclude = project.db.prepare("UPDATE faces SET status = 'excluded', reason = ? WHERE id = ? AND id <> ?");
  return project.db.transaction(() =>
    others.reduce((n, id) => n + exclude.run(`near-duplicate of face #${keeper.id} (${keeper.source_path})`, id, keeper.id).changes, 0),
  )();
}
