// Near-duplicates among kept faces: the same photograph twice (a cutting scanned twice, a
// resized or recompressed copy, a tighter crop). Alignment makes their crops nearly identical;
// formats/faces/photo-match.ts says how nearly, registered and at the smaller face's own
// resolution. Two faces are one photograph when
//
//   score = max(residual, 8 · (1 − registered correlation)) ≤ DUPLICATE_SCORE
//
// i.e. a correlation of at least 0.956 and no local difference above 0.35 of the face's contrast.
// The threshold is bench/duplicates.ts's: at 0.35, 115 of 150 planted copies and 5 of 102
// same-session pairs score under it; at 0.4, 117 and 11.
// Two cheap looks first rule out most pairs: face descriptors far apart (different people — the
// bound is loose, as descriptors of 30-px archival faces wander), and unregistered 16-px
// signatures that do not even roughly agree. Measured on planted copies of 50 archival
// portraits and on expressions204's same-session pairs by bench/duplicates.ts.
// The faces' pairs are then joined with the whole pictures' (picture-duplicates.ts): a copy whose
// face was not found, or found elsewhere, joins its original's cluster as a picture.
import { join } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../../shared/errors';
import type { Project } from '../projects/project';
import type { AlignQuad } from '../../formats/faces/align';
import { blur, blurFor, matchPhotos, READ_SIDE, signature, signatureCorrelation } from '../../formats/faces/photo-match';
import { picturePairs, surelyOthers } from './picture-duplicates';
import { setAsidePictures } from './faceless-pictures';

export const DUPLICATE_SCORE = 0.35;
/** Unregistered signature correlation below which two crops cannot be one photograph. */
const ROUGHLY_ALIKE = 0.7;
/** The resolutions a pair is compared at (the smaller face's, rounded down to one of these), so that blurred crops can be reused. */
const SIDES = [12, 16, 20, 24, 32, 40, 48, 64, 80, 96, 112, 128];

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
  /** Pictures in the cluster by the whole-picture look alone: none of their faces (if any) matched one here. */
  pictures: { imageId: number; source: string; thumbPath: string }[];
  /** The suggested keeper: the largest face in its source, then the sharpest; null when the cluster has no face. */
  keeper: number | null;
  /** The face pairs' scores, for the curator who wants to see why. */
  scores: { a: number; b: number; score: number }[];
  /** The picture pairs' residuals (image ids). */
  picturePairs: { a: number; b: number; residual: number }[];
}

interface FaceRow {
  id: number;
  image_id: number;
  source_path: string;
  descriptor: Buffer;
  aligned_path: string;
  aligned_size: number;
  quad: string;
  sharpness: number;
}

async function readGrey(file: string): Promise<Float32Array> {
  const grey = await sharp(file).greyscale().resize(READ_SIDE, READ_SIDE, { kernel: 'lanczos3' }).raw().toBuffer();
  return Float32Array.from(grey);
}

/** The kept faces with descriptors (of one collection, or all), and the score of any two of them. */
function faceSet(project: Project, where: string, params: unknown[]) {
  const rows = project.db
    .prepare(
      `SELECT f.id, f.image_id, i.source_path, f.descriptor, f.aligned_path, f.aligned_size, f.quad, f.sharpness FROM faces f JOIN images i ON i.id = f.image_id
       WHERE f.status = 'kept' AND i.status = 'ok' AND f.descriptor IS NOT NULL ${where} ORDER BY f.id`,
    )
    .all(...params) as FaceRow[];
  const descriptors = rows.map((r) => new Float32Array(r.descriptor.buffer.slice(r.descriptor.byteOffset, r.descriptor.byteOffset + r.descriptor.byteLength)));
  const crops = new Map<number, Float32Array>();
  const crop = async (i: number) => {
    if (!crops.has(i)) crops.set(i, await readGrey(join(project.dir, rows[i]!.aligned_path)));
    return crops.get(i)!;
  };
  const signatures = new Map<number, Float32Array>();
  const signatureOf = async (i: number) => {
    if (!signatures.has(i)) signatures.set(i, signature(await crop(i)));
    return signatures.get(i)!;
  };
  const blurred = new Map<string, Float32Array>();
  const blurredAt = async (i: number, side: number) => {
    const key = `${i}:${side}`;
    if (!blurred.has(key)) blurred.set(key, blur(await crop(i), READ_SIDE, blurFor(side)));
    return blurred.get(key)!;
  };
  /** Two faces' score, or null when a cheap look already says they are not one photograph. */
  const score = async (i: number, j: number): Promise<number | null> => {
    let d = 0;
    for (let k = 0; k < 128; k++) d += (descriptors[i]![k]! - descriptors[j]![k]!) ** 2;
    const own = Math.min(rows[i]!.aligned_size, rows[j]!.aligned_size);
    if (Math.sqrt(d) > surelyOthers(own)) return null;
    if (signatureCorrelation(await signatureOf(i), await signatureOf(j)) < ROUGHLY_ALIKE) return null;
    const side = [...SIDES].reverse().find((s) => s <= own) ?? SIDES[0]!;
    const match = matchPhotos(await blurredAt(i, side), await blurredAt(j, side), side);
    return Math.max(match.residual, 8 * (1 - match.correlation));
  };
  return { rows, score };
}

/** The scores of chosen pairs of faces (by id), for measuring where the threshold falls; Infinity where a cheap look ruled them out. */
export async function pairScores(project: Project, pairs: [number, number][]): Promise<{ a: number; b: number; score: number }[]> {
  const ids = [...new Set(pairs.flat())];
  const { rows, score } = faceSet(project, `AND f.id IN (${ids.map(() => '?').join(',') || 'NULL'})`, ids);
  const index = new Map(rows.map((r, i) => [r.id, i]));
  const out = [];
  for (const [a, b] of pairs) {
    const [i, j] = [index.get(a), index.get(b)];
    if (i === undefined || j === undefined) continue;
    out.push({ a, b, score: (await score(i, j)) ?? Infinity });
  }
  return out;
}

export async function findDuplicates(project: Project, collectionId?: number): Promise<DuplicateCluster[]> {
  const { rows, score: scoreOf } = faceSet(
    project,
    collectionId === undefined ? '' : 'AND i.collection_id = ?',
    collectionId === undefined ? [] : [collectionId],
  );
  // Union-find over the faces, then the pictures that join by the whole-picture look alone.
  const parent = rows.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  const join = (i: number, j: number) => void (parent[root(i)] = root(j));
  const pairs: { i: number; j: number; score: number }[] = [];
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      const score = await scoreOf(i, j);
      if (score !== null && score <= DUPLICATE_SCORE) {
        pairs.push({ i, j, score });
        join(i, j);
      }
    }
  }
  const faceIndex = new Map(rows.map((r, i) => [r.id, i]));
  const largestFace = new Map<number, number>();
  rows.forEach((r, i) => {
    const known = largestFace.get(r.image_id);
    const side = (q: string) => (JSON.parse(q) as AlignQuad).side;
    if (known === undefined || side(r.quad) > side(rows[known]!.quad)) largestFace.set(r.image_id, i);
  });
  const pictureNode = new Map<number, number>();
  const nodeOf = (imageId: number) => {
    if (!pictureNode.has(imageId)) {
      pictureNode.set(imageId, parent.length);
      parent.push(parent.length);
    }
    return pictureNode.get(imageId)!;
  };
  const byPicture = await picturePairs(project, collectionId);
  for (const p of byPicture) {
    const matched = p.faces.filter(([a, b]) => faceIndex.has(a) && faceIndex.has(b));
    for (const [a, b] of matched) join(faceIndex.get(a)!, faceIndex.get(b)!);
    if (matched.length) continue;
    // No face at one place in both: the picture without a matched face joins the other's largest face.
    const [fa, fb] = [largestFace.get(p.a), largestFace.get(p.b)];
    if (fa !== undefined) join(nodeOf(p.b), fa);
    else if (fb !== undefined) join(nodeOf(p.a), fb);
    else join(nodeOf(p.a), nodeOf(p.b));
  }
  const sources = new Map(
    (
      project.db
        .prepare('SELECT id, source_path, thumb_path FROM images WHERE id IN (SELECT value FROM json_each(?))')
        .all(JSON.stringify([...pictureNode.keys()])) as {
        id: number;
        source_path: string;
        thumb_path: string;
      }[]
    ).map((r) => [r.id, r]),
  );
  const groups = new Map<number, number[]>();
  for (let n = 0; n < parent.length; n++) groups.set(root(n), [...(groups.get(root(n)) ?? []), n]);
  const imageOfNode = new Map([...pictureNode].map(([image, node]) => [node, image]));
  return [...groups.values()]
    .filter((members) => members.length > 1)
    .map((members) => {
      const faceMembers = members.filter((n) => n < rows.length);
      const faces = faceMembers.map((i) => ({
        faceId: rows[i]!.id,
        imageId: rows[i]!.image_id,
        source: rows[i]!.source_path,
        sourceSide: Math.round((JSON.parse(rows[i]!.quad) as AlignQuad).side),
        sharpness: rows[i]!.sharpness,
      }));
      const withFaces = new Set(faces.map((f) => f.imageId));
      const pictures = members
        .filter((n) => n >= rows.length && !withFaces.has(imageOfNode.get(n)!))
        .map((n) => {
          const image = sources.get(imageOfNode.get(n)!)!;
          return { imageId: image.id, source: image.source_path, thumbPath: image.thumb_path };
        });
      const keeper = [...faces].sort((a, b) => b.sourceSide - a.sourceSide || b.sharpness - a.sharpness)[0]?.faceId ?? null;
      const inCluster = new Set(faceMembers);
      const scores = pairs.filter((p) => inCluster.has(p.i)).map((p) => ({ a: rows[p.i]!.id, b: rows[p.j]!.id, score: Math.round(p.score * 1000) / 1000 }));
      const images = new Set([...withFaces, ...pictures.map((p) => p.imageId)]);
      const picturePairsHere = byPicture
        .filter((p) => images.has(p.a) && images.has(p.b))
        .map((p) => ({ a: p.a, b: p.b, residual: Math.round(p.residual * 1000) / 1000 }));
      return { faces, pictures, keeper, scores, picturePairs: picturePairsHere };
    })
    .filter((c) => c.faces.length + c.pictures.length > 1);
}

/**
 * Keeps one face of a cluster and excludes the others, saying which face they repeat; the
 * cluster's pictures (joined by the whole picture, with no face matched) are resolved too: one
 * without a face is set aside, one with only other faces (a false face on a degraded copy) has
 * them excluded. Answers how many faces were excluded and pictures set aside.
 */
export function keepOne(project: Project, keeperFaceId: number, others: number[], pictures: number[] = []): { excluded: number; setAside: number } {
  const keeper = project.db.prepare('SELECT f.id, i.source_path FROM faces f JOIN images i ON i.id = f.image_id WHERE f.id = ?').get(keeperFaceId) as
    { id: number; source_path: string } | undefined;
  if (!keeper) throw new AppError('not_found', `no face #${keeperFaceId} in project "${project.name}"`);
  const reason = `near-duplicate of face #${keeper.id} (${keeper.source_path})`;
  const exclude = project.db.prepare("UPDATE faces SET status = 'excluded', reason = ? WHERE id = ? AND id <> ?");
  const excludePicture = project.db.prepare("UPDATE faces SET status = 'excluded', reason = ? WHERE image_id = ? AND status = 'kept' AND id <> ?");
  const faceless = project.db.prepare("SELECT 1 FROM image_curation WHERE image_id = ? AND state <> 'faces'");
  return project.db.transaction(() => {
    let excluded = others.reduce((n, id) => n + exclude.run(reason, id, keeper.id).changes, 0);
    const withoutFace = pictures.filter((id) => faceless.get(id) !== undefined);
    for (const id of pictures.filter((p) => !withoutFace.includes(p))) excluded += excludePicture.run(reason, id, keeper.id).changes;
    return { excluded, setAside: withoutFace.length ? setAsidePictures(project, withoutFace, reason) : 0 };
  })();
}
