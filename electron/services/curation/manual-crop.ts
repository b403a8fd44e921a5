// A face placed by hand where the detector found none (an engraving, a profile, a damaged
// cutting): the curator marks both eyes and the mouth, and the crop is aligned from those three
// points by the same recipe as a detected face. It has no descriptor, so duplicate search skips it.
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import { atomicWrite } from '../../formats/atomic-write';
import { alignedRelPath } from '../projects/layout';
import type { Project } from '../projects/project';
import type { Point } from '../../formats/faces/align';
import { alignedCrop, decodeRgb } from '../../formats/faces/aligned-crop';
import { cropMeasures } from '../../formats/faces/crop-measures';
import { DETECTOR } from '../../formats/faces/detector-name';

export interface HandPlacement {
  imageId: number;
  leftEye: Point;
  rightEye: Point;
  mouth: Point;
  masterSize: number;
}

export async function placeFaceByHand(project: Project, p: HandPlacement): Promise<number> {
  const image = project.db.prepare("SELECT id, sha256, original_path, width, height FROM images WHERE id = ? AND status = 'ok'").get(p.imageId) as
    { id: number; sha256: string; original_path: string; width: number; height: number } | undefined;
  if (!image) throw new AppError('not_found', `no kept image #${p.imageId} in project "${project.name}"`);
  if (Math.hypot(p.rightEye[0] - p.leftEye[0], p.rightEye[1] - p.leftEye[1]) < 2)
    throw new AppError('invalid_request', 'the two eyes are on the same spot: mark the left eye, the right eye, then the mouth');
  const rgb = await decodeRgb(join(project.dir, image.original_path));
  const crop = await alignedCrop(rgb, { leftEye: p.leftEye, rightEye: p.rightEye, mouthLeft: p.mouth, mouthRight: p.mouth }, p.masterSize);
  const position = ((project.db.prepare('SELECT max(position) AS m FROM faces WHERE image_id = ?').get(image.id) as { m: number | null }).m ?? -1) + 1;
  const alignedPath = alignedRelPath(image.sha256, position);
  await atomicWrite(join(project.dir, alignedPath), crop.png, project.tmpDir);
  const measures = await cropMeasures(crop.png);
  const now = new Date().toISOString();
  return project.db.transaction(() => {
    const { lastInsertRowid } = project.db
      .prepare(
        `INSERT INTO faces (image_id, position, source, pass, score, box, landmarks, descriptor, quad, aligned_path, aligned_size, phash, sharpness, colourfulness, hue_coherence, status, reason, created_at)
         VALUES (?, ?, 'manual', NULL, NULL, ?, NULL, NULL, ?, ?, ?, ?, ?, ?, ?, 'kept', NULL, ?)`,
      )
      .run(
        image.id,
        position,
        JSON.stringify({ x: crop.quad.topLeft[0], y: crop.quad.topLeft[1], width: crop.quad.side, height: crop.quad.side }),
        JSON.stringify({ ...crop.quad, limitedBy: crop.limitedBy }),
        alignedPath,
        crop.size,
        measures.phash,
        measures.sharpness,
        measures.colourfulness,
        measures.hueCoherence,
        now,
      );
    // The picture now has a face: curation has looked at it, by hand.
    project.db
      .prepare(
        `INSERT INTO image_curation (image_id, state, reason, detector, master_size, processed_at) VALUES (?, 'faces', NULL, ?, ?, ?)
         ON CONFLICT (image_id) DO UPDATE SET state = 'faces', reason = NULL, set_aside = NULL, processed_at = excluded.processed_at`,
      )
      .run(image.id, `${DETECTOR}; placed by hand`, p.masterSize, now);
    return Number(lastInsertRowid);
  })();
}
