// Near-duplicates by whole pictures (formats/pictures/picture-match.ts), for what the face path
// misses: a copy whose face the finder did not see, or saw elsewhere (a false face on a degraded
// re-scan), and a copy whose landmarks landed differently. Pictures are read once each from their
// thumbnails; every pair gets the coarse look, and a pair whose faces sit at the same place but
// belong to surely different people (descriptors far apart) stops there — in a studio series where
// every sitter has the same backdrop and pose that is nearly every pair.
import { join } from 'node:path';
import sharp from 'sharp';
import type { Project } from '../projects/project';
import type { AlignQuad } from '../../formats/faces/align';
import {
  coarseMatch,
  fineMatch,
  pointInSecond,
  regionMatch,
  sketchPicture,
  type Grey,
  type PictureSketch,
  type Pose,
} from '../../formats/pictures/picture-match';

/** The coarse correlation a pair needs for a closer look (planted copies: 0.76 and up). */
const ROUGHLY_ALIKE = 0.75;
/** The coarse look gives up on a pair this far apart at the frames' own scale. */
const HOPELESS = 0.3;
/** The largest whole-picture residual of one photograph (copies: 0.5 at the 95th percentile; distinct archive pictures 0.87 and up). */
const PICTURE_RESIDUAL = 0.5;
/** The largest residual over the face (copies mostly under it; expressions204's second exposures of one sitting 0.49 and up). */
const FACE_RESIDUAL = 0.48;
/** Half the side of the face square compared, in face sides (the inner face: eyes, nose, mouth). */
const FACE_HALF = 0.3;

/**
 * Descriptor distance beyond which two faces are surely different people: face-api's usual 0.6,
 * tightened for faces large enough to be described well (a sitter's two photographs of one
 * session are within 0.42 at 256 px) and loosened for small ones (a 30-px archival face and its
 * recompressed copy can be 0.64 apart).
 */
export const surelyOthers = (side: number) => (side >= 96 ? 0.5 : 0.75);

interface PictureFace {
  faceId: number;
  /** Centre and side in the picture's fine sketch, px. */
  x: number;
  y: number;
  side: number;
  /** The face's side in its source picture, px (how well its descriptor can be trusted). */
  sourceSide: number;
  descriptor: Float32Array | null;
}

interface Picture {
  imageId: number;
  sketch: PictureSketch;
  /** The thumbnail in grey, for the close look at a face. */
  thumb: Grey;
  faces: PictureFace[];
}

export interface PicturePair {
  a: number;
  b: number;
  /** Faces of a and b at the same place in the registered pictures (face ids). */
  faces: [number, number][];
  /** The residual that decided (over the face where there is one, else over the picture). */
  residual: number;
}

const distance = (p: Float32Array, q: Float32Array) => Math.sqrt(p.reduce((t, v, k) => t + (v - q[k]!) ** 2, 0));

async function readPictures(project: Project, collectionId?: number): Promise<Picture[]> {
  // A picture whose faces were all excluded (a resolved near-duplicate, say) or that was set aside
  // is done with; one without any face still counts, as a copy's face may not have been found.
  const images = project.db
    .prepare(
      `SELECT i.id, i.thumb_path, i.width FROM images i LEFT JOIN image_curation c ON c.image_id = i.id
        WHERE i.status = 'ok' AND i.thumb_path IS NOT NULL AND c.set_aside IS NULL
          AND (EXISTS (SELECT 1 FROM faces f WHERE f.image_id = i.id AND f.status = 'kept') OR NOT EXISTS (SELECT 1 FROM faces f WHERE f.image_id = i.id))
          ${collectionId === undefined ? '' : 'AND i.collection_id = ?'} ORDER BY i.id`,
    )
    .all(...(collectionId === undefined ? [] : [collectionId])) as { id: number; thumb_path: string; width: number }[];
  const facesOf = project.db.prepare("SELECT id, quad, descriptor FROM faces WHERE image_id = ? AND status = 'kept' ORDER BY position");
  const pictures: Picture[] = [];
  for (const image of images) {
    const read = await sharp(join(project.dir, image.thumb_path))
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true })
      .catch(() => null);
    // A thumbnail that cannot be read leaves its picture to the face path (the project check reports the file).
    if (!read) continue;
    const thumb: Grey = { width: read.info.width, height: read.info.height, pixels: Float32Array.from(read.data) };
    const sketch = sketchPicture(thumb);
    // Faces are placed by the source's width; without it (never for an imported picture) they are left out.
    const k = image.width > 0 ? sketch.fine.width / image.width : NaN;
    const faces = (Number.isNaN(k) ? [] : (facesOf.all(image.id) as { id: number; quad: string; descriptor: Buffer | null }[])).map((f) => {
      const q = JSON.parse(f.quad) as AlignQuad;
      const centre = [0, 1].map((i) => q.topLeft[i]! + (q.topRight[i]! - q.topLeft[i]!) / 2 + (q.bottomLeft[i]! - q.topLeft[i]!) / 2);
      const d = f.descriptor;
      return {
        faceId: f.id,
        x: centre[0]! * k,
        y: centre[1]! * k,
        side: q.side * k,
        sourceSide: q.side,
        descriptor: d ? new Float32Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength)) : null,
      };
    });
    pictures.push({ imageId: image.id, sketch, thumb, faces });
  }
  return pictures;
}

/** Faces of a and b at the same place once a's are carried into b by the pose. */
function corresponding(a: Picture, b: Picture, pose: Pose): [PictureFace, PictureFace][] {
  const out: [PictureFace, PictureFace][] = [];
  for (const fa of a.faces) {
    const at = pointInSecond(a.sketch, b.sketch, pose, fa.x, fa.y);
    const side = fa.side / pose.scale;
    const fb = b.faces.find((f) => Math.hypot(f.x - at.x, f.y - at.y) < 0.3 * side && Math.abs(Math.log(f.side / side)) < 0.3);
    if (fb) out.push([fa, fb]);
  }
  return out;
}

const largest = (faces: PictureFace[]) => [...faces].sort((p, q) => q.side - p.side)[0];

/** Whether b is a copy of a, and on what evidence; null when not. */
function judgePair(a: Picture, b: Picture): PicturePair | null {
  const coarse = coarseMatch(a.sketch, b.sketch, HOPELESS);
  if (coarse.correlation < ROUGHLY_ALIKE) return null;
  // Faces at the same place, of people surely different: two sitters in one studio's frame.
  const roughly: Pose = { scale: coarse.scale, angle: 0, shiftX: coarse.shiftX, shiftY: coarse.shiftY };
  for (const [fa, fb] of corresponding(a, b, roughly))
    if (fa.descriptor && fb.descriptor && distance(fa.descriptor, fb.descriptor) > surelyOthers(Math.min(fa.sourceSide, fb.sourceSide))) return null;
  const fine = fineMatch(a.sketch, b.sketch, coarse);
  if (!(fine.residual <= PICTURE_RESIDUAL)) return null;
  const faces = corresponding(a, b, fine.pose).map(([fa, fb]) => [fa.faceId, fb.faceId] as [number, number]);
  // The close look over a face: b's largest, or a's carried into b.
  const fa = largest(a.faces);
  const face = largest(b.faces) ?? (fa ? { ...pointInSecond(a.sketch, b.sketch, fine.pose, fa.x, fa.y), side: fa.side / fine.pose.scale } : null);
  if (!face) return { a: a.imageId, b: b.imageId, faces, residual: fine.residual };
  const k = b.thumb.width / b.sketch.fine.width;
  const half = FACE_HALF * face.side * k;
  const close = regionMatch(a.thumb, b.thumb, a.sketch, b.sketch, fine.pose, [face.x * k - half, face.y * k - half, face.x * k + half, face.y * k + half]);
  return close.residual <= FACE_RESIDUAL ? { a: a.imageId, b: b.imageId, faces, residual: close.residual } : null;
}

/** Every pair of pictures (of one collection, or all) that is one photograph. */
export async function picturePairs(project: Project, collectionId?: number): Promise<PicturePair[]> {
  const pictures = await readPictures(project, collectionId);
  const pairs: PicturePair[] = [];
  for (let i = 0; i < pictures.length; i++)
    for (let j = i + 1; j < pictures.length; j++) {
      const pair = judgePair(pictures[i]!, pictures[j]!);
      if (pair) pairs.push(pair);
    }
  return pairs;
}
