// Pictures in which curation found no face wait in "Without a face" for a crop placed by hand; the
// curator may instead set them aside, with a reason (a full figure too small to train on, a
// campaign button, lettering), bring them back, or have the detector look at them again (after
// an update of the studio that finds more). Their import and provenance stay as they were: only
// the curation's to-do list changes.
import { AppError } from '../../../shared/errors';
import type { Project } from '../projects/project';

/** Sets aside pictures without a face (all or nothing); answers how many. */
export function setAsidePictures(project: Project, imageIds: number[], reason: string): number {
  const ids = [...new Set(imageIds)];
  return project.db.transaction(() => {
    const faceless = new Set(
      (
        project.db
          .prepare(`SELECT image_id FROM image_curation WHERE state <> 'faces' AND image_id IN (SELECT value FROM json_each(?))`)
          .all(JSON.stringify(ids)) as { image_id: number }[]
      ).map((r) => r.image_id),
    );
    const other = ids.filter((id) => !faceless.has(id));
    if (other.length)
      throw new AppError(
        'invalid_request',
        `picture${other.length === 1 ? '' : 's'} ${other.map((id) => `#${id}`).join(', ')} ${other.length === 1 ? 'is not one' : 'are not'} in which curation found no face: exclude a face instead; nothing was changed`,
      );
    project.db.prepare('UPDATE image_curation SET set_aside = ? WHERE image_id IN (SELECT value FROM json_each(?))').run(reason, JSON.stringify(ids));
    return ids.length;
  })();
}

/** Brings pictures set aside back to "Without a face". */
export function bringBackPictures(project: Project, imageIds: number[]): number {
  return project.db
    .prepare('UPDATE image_curation SET set_aside = NULL WHERE set_aside IS NOT NULL AND image_id IN (SELECT value FROM json_each(?))')
    .run(JSON.stringify([...new Set(imageIds)])).changes;
}

/**
 * Forgets that curation looked at these pictures without finding a face, so that the next pass
 * looks again; answers how many will be. Pictures set aside stay set aside.
 */
export function lookAgainAt(project: Project, imageIds: number[] | 'all', collectionId?: number): number {
  const inCollection = collectionId === undefined ? '' : 'AND image_id IN (SELECT id FROM images WHERE collection_id = @collection)';
  const chosen = imageIds === 'all' ? '' : 'AND image_id IN (SELECT value FROM json_each(@ids))';
  return project.db
    .prepare(`DELETE FROM image_curation WHERE state <> 'faces' AND set_aside IS NULL ${inCollection} ${chosen}`)
    .run({ ...(collectionId === undefined ? {} : { collection: collectionId }), ...(imageIds === 'all' ? {} : { ids: JSON.stringify(imageIds) }) }).changes;
}
