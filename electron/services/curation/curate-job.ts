// Curation's first pass over a collection: every kept picture not looked at yet is decoded once,
// its faces found, and each face aligned and written as a crop of its own. A picture is recorded
// whole (its faces and its state in one transaction) or not at all, so a cancelled or crashed
// pass resumes where it stopped and never redoes a picture.
import type { BackendName } from '../../engine/backends';
import { DETECTOR } from '../../formats/faces/detector-name';
import { EngineClient } from '../engine-host/engine-client';
import type { EngineLauncher } from '../engine-host/engine-launcher';
import { alignedStem } from '../projects/layout';
import type { Project } from '../projects/project';

export interface CurateOptions {
  collectionId?: number;
  /** The side of aligned crops, in pixels (smaller where the source is). */
  masterSize: number;
  signal?: AbortSignal;
  onProgress?: (p: CurateProgress) => void;
  /** Where the faces are found: an engine process, on this backend. */
  backend: BackendName | 'auto';
}

export interface CurateProgress {
  done: number;
  total: number;
  faces: number;
  noFace: number;
  failed: number;
  etaSeconds: number | null;
}

export interface CurateSummary extends CurateProgress {
  /** Pictures already looked at by an earlier pass, left as they were. */
  skipped: number;
  cancelled: boolean;
  /** Per picture without a usable face: its id, source file and why. */
  problems: { imageId: number; source: string; reason: string }[];
  /** What the faces were found on (the engine's backend choice), once a picture was looked at. */
  backend: string | null;
}

const NO_FACE =
  'no face found, even on the picture made grey, contrast-stretched and padded: place the crop by hand in the curation view, or set the picture aside';

/**
 * Looks at the pictures in an engine process that keeps face-api loaded from one to the next; this
 * process records each picture's faces as they come.
 */
export async function curateCollection(project: Project, launch: EngineLauncher, options: CurateOptions): Promise<CurateSummary> {
  const engine = new EngineClient(launch);
  try {
    return await curatePictures(project, engine, options);
  } finally {
    await engine.close({ cancel: true });
  }
}

async function curatePictures(project: Project, engine: EngineClient, options: CurateOptions): Promise<CurateSummary> {
  const where = options.collectionId === undefined ? '' : 'AND i.collection_id = @collection';
  const params = options.collectionId === undefined ? {} : { collection: options.collectionId };
  const pending = project.db
    .prepare(
      `SELECT i.id, i.sha256, i.original_path, i.source_path FROM images i LEFT JOIN image_curation c ON c.image_id = i.id WHERE i.status = 'ok' AND c.image_id IS NULL ${where} ORDER BY i.id`,
    )
    .all(params) as { id: number; sha256: string; original_path: string; source_path: string }[];
  const skipped = (
    project.db.prepare(`SELECT count(*) AS n FROM images i JOIN image_curation c ON c.image_id = i.id WHERE i.status = 'ok' ${where}`).get(params) as {
      n: number;
    }
  ).n;

  const now = () => new Date().toISOString();
  const markImage = project.db.prepare('INSERT INTO image_curation (image_id, state, reason, detector, master_size, processed_at) VALUES (?, ?, ?, ?, ?, ?)');
  const insertFace = project.db.prepare(
    `INSERT INTO faces (image_id, position, source, pass, score, box, landmarks, descriptor, quad, aligned_path, aligned_size, phash, sharpness, colourfulness, hue_coherence, status, reason, created_at)
     VALUES (@imageId, @position, 'detected', @pass, @score, @box, @landmarks, @descriptor, @quad, @alignedPath, @alignedSize, @phash, @sharpness, @colourfulness, @hueCoherence, 'kept', NULL, @createdAt)`,
  );
  const progress: CurateProgress = { done: 0, total: pending.length, faces: 0, noFace: 0, failed: 0, etaSeconds: null };
  const problems: CurateSummary['problems'] = [];
  const started = performance.now();
  let backend: string | null = null;

  for (const image of pending) {
    if (options.signal?.aborted) return { ...progress, skipped, cancelled: true, problems, backend };
    try {
      const answer = await engine.run('analyse-picture', {
        backend: options.backend,
        picture: {
          projectDir: project.dir,
          tmpDir: project.tmpDir,
          originalPath: image.original_path,
          alignedStem: alignedStem(image.sha256),
          masterSize: options.masterSize,
        },
      });
      backend = answer.backend;
      const analysed = answer.faces;
      const rows = analysed.map((f) => ({
        ...f,
        imageId: image.id,
        landmarks: Buffer.from(Float32Array.from(f.landmarks).buffer),
        descriptor: Buffer.from(Float32Array.from(f.descriptor).buffer),
        createdAt: now(),
      }));
      project.db.transaction(() => {
        for (const row of rows) insertFace.run(row);
        markImage.run(image.id, rows.length ? 'faces' : 'no_face', rows.length ? null : NO_FACE, DETECTOR, options.masterSize, now());
      })();
      if (rows.length) progress.faces += rows.length;
      else {
        progress.noFace++;
        problems.push({ imageId: image.id, source: image.source_path, reason: NO_FACE });
      }
    } catch (err) {
      const reason = `could not be curated (${(err as Error).message.split('\n')[0]}): re-import the original or set the picture aside`;
      markImage.run(image.id, 'failed', reason, DETECTOR, options.masterSize, now());
      progress.failed++;
      problems.push({ imageId: image.id, source: image.source_path, reason });
    }
    progress.done++;
    const rate = progress.done / ((performance.now() - started) / 1000);
    progress.etaSeconds = rate > 0 ? (progress.total - progress.done) / rate : null;
    options.onProgress?.({ ...progress });
  }
  return { ...progress, skipped, cancelled: false, problems, backend };
}
