// Faces curated before hue coherence was measured (migration 022) have none: it is measured from
// their aligned crops the first time flags are asked for, so that an older project's toned prints
// stop being flagged as colour without curating again. Idempotent: two processes doing it at once
// write the same numbers.
import { join } from 'node:path';
import sharp from 'sharp';
import type { Project } from '../projects/project';
import { hueCoherence } from '../../formats/faces/crop-measures';

/** Measures every face of the collection (or project) that has no hue coherence yet; returns how many. */
export async function measureMissingTints(project: Project, collectionId?: number): Promise<number> {
  const rows = project.db
    .prepare(
      `SELECT f.id, f.aligned_path FROM faces f JOIN images i ON i.id = f.image_id
        WHERE f.hue_coherence IS NULL ${collectionId === undefined ? '' : 'AND i.collection_id = ?'}`,
    )
    .all(...(collectionId === undefined ? [] : [collectionId])) as { id: number; aligned_path: string }[];
  const update = project.db.prepare('UPDATE faces SET hue_coherence = ? WHERE id = ? AND hue_coherence IS NULL');
  let measured = 0;
  for (const r of rows) {
    // As crop-measures.ts measures a new crop: at 128 px, as sRGB.
    const rgb = await sharp(join(project.dir, r.aligned_path))
      .resize(128, 128, { kernel: 'lanczos3' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer()
      .catch(() => null);
    // A crop that cannot be read stays unmeasured (the project check reports the file); its flags fall back on chroma alone.
    if (!rgb) continue;
    update.run(hueCoherence(new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.length)), r.id);
    measured++;
  }
  return measured;
}
