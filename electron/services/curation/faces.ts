// Faces as the curation view lists them — each with its aligned crop, the square it was aligned
// by, its landmarks in the source picture and its quality flags — and the curator's keep/exclude.
import type { FaceItem, FacesQuery } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { Project } from '../projects/project';
import type { AlignQuad } from '../../formats/faces/align';
import { FLAG_KINDS, flaggedFaces, type FlagKind } from './quality';
import { DETECTOR } from '../../formats/faces/detector-name';

interface Row {
  id: number;
  image_id: number;
  source_path: string;
  original_path: string;
  aligned_path: string;
  aligned_size: number;
  status: 'kept' | 'excluded';
  reason: string | null;
  pass: string | null;
  score: number | null;
  quad: string;
  landmarks: Buffer | null;
}

export function listFaces(
  project: Project,
  query: FacesQuery,
): {
  items: FaceItem[];
  noFace: { imageId: number; source: string; originalPath: string; reason: string; setAside: string | null }[];
  counts: {
    kept: number;
    excluded: number;
    flagged: number;
    noFace: number;
    setAside: number;
    olderDetector: number;
    byFlag: { kind: FlagKind; faces: number }[];
    notLookedAt: number;
  };
} {
  const byCollection = query.collectionId === undefined ? '' : 'AND i.collection_id = @collection';
  const params = query.collectionId === undefined ? {} : { collection: query.collectionId };
  const rows = project.db
    .prepare(
      `SELECT f.id, f.image_id, i.source_path, i.original_path, f.aligned_path, f.aligned_size, f.status, f.reason, f.pass, f.score, f.quad, f.landmarks
         FROM faces f JOIN images i ON i.id = f.image_id WHERE i.status = 'ok' ${byCollection} ORDER BY i.source_path COLLATE NOCASE, f.position`,
    )
    .all(params) as Row[];
  const flagged = flaggedFaces(project, query.collectionId);
  const flags = new Map(flagged.map((f) => [f.faceId, f]));
  const items = rows
    .map((r): FaceItem => {
      const quad = JSON.parse(r.quad) as AlignQuad & { limitedBy: string | null };
      const lm = r.landmarks
        ? Array.from(new Float32Array(r.landmarks.buffer.slice(r.landmarks.byteOffset, r.landmarks.byteOffset + r.landmarks.byteLength)))
        : [];
      return {
        id: r.id,
        imageId: r.image_id,
        source: r.source_path,
        originalPath: r.original_path,
        alignedPath: r.aligned_path,
        alignedSize: r.aligned_size,
        status: r.status,
        reason: r.reason,
        pass: r.pass,
        score: r.score,
        quad: { topLeft: quad.topLeft, topRight: quad.topRight, bottomLeft: quad.bottomLeft, side: quad.side },
        limitedBy: quad.limitedBy ?? null,
        landmarks: lm,
        flags: flags.get(r.id)?.reasons ?? [],
        flagKinds: flags.get(r.id)?.kinds ?? [],
      };
    })
    .filter(
      (f) =>
        query.filter === 'all' ||
        (query.filter === 'flagged' ? f.flags.length > 0 && (!query.flag || f.flagKinds.includes(query.flag)) : f.status === query.filter),
    );
  const count = (sql: string) => (project.db.prepare(sql).get(params) as { n: number }).n;
  const noFace = project.db
    .prepare(
      `SELECT i.id AS imageId, i.source_path AS source, i.original_path AS originalPath, c.reason, c.set_aside AS setAside, c.detector FROM images i JOIN image_curation c ON c.image_id = i.id
        WHERE i.status = 'ok' AND c.state <> 'faces' ${byCollection} ORDER BY c.set_aside IS NOT NULL, i.source_path COLLATE NOCASE`,
    )
    .all(params) as { imageId: number; source: string; originalPath: string; reason: string; setAside: string | null; detector?: string }[];
  // Waiting pictures an older detector looked at: a look again may find their faces.
  const olderDetector = noFace.filter((p) => p.setAside === null && p.detector !== DETECTOR).length;
  for (const p of noFace) delete p.detector;
  return {
    items,
    noFace,
    counts: {
      kept: rows.filter((r) => r.status === 'kept').length,
      excluded: rows.filter((r) => r.status === 'excluded').length,
      flagged: flags.size,
      noFace: noFace.filter((p) => p.setAside === null).length,
      setAside: noFace.filter((p) => p.setAside !== null).length,
      olderDetector,
      byFlag: FLAG_KINDS.map((kind) => ({ kind, faces: flagged.filter((f) => f.kinds.includes(kind)).length })).filter((k) => k.faces > 0),
      notLookedAt: count(
        `SELECT count(*) AS n FROM images i LEFT JOIN image_curation c ON c.image_id = i.id WHERE i.status = 'ok' AND c.image_id IS NULL ${byCollection}`,
      ),
    },
  };
}

/** Keeps or excludes faces; an exclusion carries the curator's reason. All or nothing. */
export function setFaceStatus(project: Project, faceIds: number[], status: 'kept' | 'excluded', reason?: string): number {
  if (status === 'excluded' && !reason)
    throw new AppError('invalid_request', 'say why these faces are excluded (a reason), so the collection keeps its history');
  return project.db.transaction(() => {
    const missing = faceIds.filter((id) => !project.db.prepare('SELECT 1 FROM faces WHERE id = ?').get(id));
    if (missing.length) throw new AppError('not_found', `no face ${missing.map((m) => `#${m}`).join(', ')} in project "${project.name}"; nothing was changed`);
    const stmt = project.db.prepare('UPDATE faces SET status = ?, reason = ? WHERE id = ?');
    for (const id of new Set(faceIds)) stmt.run(status, status === 'kept' ? null : reason!, id);
    return new Set(faceIds).size;
  })();
}
