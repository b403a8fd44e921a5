// One import: scan the given paths, inspect each file, keep the good ones (original copied by
// hash, thumbnail, perceptual hash), record every rejection and duplicate with its reason.
// Files are processed a few at a time so memory stays flat however large the folder is.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ImportProgress, ImportSummary } from '../../../shared/contract';
import { basename } from '../../../shared/format';
import { ensureCollection } from '../collections';
import { atomicWrite } from '../../formats/atomic-write';
import { setLabel } from '../labels';
import { keepPrior } from './import-prior';
import { originalRelPath, thumbRelPath } from '../projects/layout';
import type { Project } from '../projects/project';
import { DEFAULT_LIMITS, decodeCandidate, readCandidate, type ImportLimits, type ReadFile, type RejectedFile } from './inspect-file';
import { scanPaths, type ScannedFile } from './scan';
import { PROCESS_OWNER } from '../../formats/process-owner';
import { fieldsOf, type Sidecar } from './sidecar';

export interface ImportOptions {
  paths: string[];
  collection: string;
  labels?: Record<string, string>;
  archive?: string;
  /** A catalogue read before the import started (sidecar.ts): applied to the pictures it names. */
  metadata?: Sidecar;
  limits?: ImportLimits;
  concurrency?: number;
  /** Minimum milliseconds between two progress reports (the first and last are always sent). */
  progressIntervalMs?: number;
}

export interface ImportCallbacks {
  onProgress?: (p: ImportProgress) => void;
}

export class ImportJob {
  readonly id = randomUUID();
  private readonly abort = new AbortController();
  private readonly startedAt = performance.now();
  private lastReport = 0;
  private readonly progress: ImportProgress;
  private readonly rejections: ImportSummary['rejections'] = [];
  private readonly duplicatesFound: ImportSummary['duplicatesFound'] = [];
  /** Content claimed by a file of this job still being written, so that a twin waits for its id. */
  private readonly claims = new Map<string, Promise<number | null>>();
  private readonly touchedIds: number[] = [];
  /** Kept pictures by their file's base name (lower case), for the sidecar's rows. */
  private readonly keptByName = new Map<string, number>();

  constructor(
    private readonly project: Project,
    private readonly options: ImportOptions,
    private readonly callbacks: ImportCallbacks = {},
  ) {
    this.progress = {
      jobId: this.id,
      phase: 'scanning',
      total: 0,
      done: 0,
      imported: 0,
      duplicates: 0,
      alreadyPresent: 0,
      rejected: 0,
      current: null,
      imagesPerSecond: 0,
      etaSeconds: null,
    };
  }

  cancel(): void {
    this.abort.abort();
  }

  get cancelled(): boolean {
    return this.abort.signal.aborted;
  }

  snapshot(): ImportProgress {
    return { ...this.progress };
  }

  async run(): Promise<ImportSummary> {
    let error: string | null = null;
    let metadata: ImportSummary['metadata'] = null;
    const db = this.project.db;
    const existed = db.prepare('SELECT 1 FROM collections WHERE name = ?').get(this.options.collection) !== undefined;
    const collectionId = ensureCollection(this.project, this.options.collection);
    // Recorded first: every image record below names it, and undoing the import removes them together.
    db.prepare('INSERT INTO imports (id, collection_id, created_collection, owner, started_at) VALUES (?, ?, ?, ?, ?)').run(
      this.id,
      collectionId,
      existed ? 0 : 1,
      PROCESS_OWNER,
      new Date().toISOString(),
    );
    try {
      this.report(true);
      const files = await scanPaths(this.options.paths, this.abort.signal);
      this.progress.phase = 'importing';
      this.progress.total = files.length;
      this.report(true);
      let next = 0;
      const worker = async () => {
        while (!this.cancelled && next < files.length) {
          const file = files[next++]!;
          this.progress.current = file.path;
          await this.importOne(file, collectionId);
          this.progress.done++;
          this.report(false);
        }
      };
      await Promise.all(Array.from({ length: this.options.concurrency ?? 4 }, worker));
      if ((this.options.labels && this.touchedIds.length) || this.options.metadata)
        keepPrior(this.project, this.id, [...this.touchedIds, ...this.keptByName.values()]);
      if (this.options.labels && this.touchedIds.length) {
        for (const [key, value] of Object.entries(this.options.labels)) setLabel(this.project, this.touchedIds, key, value);
      }
      if (this.options.metadata) metadata = this.applyMetadata(this.options.metadata);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      // Deleted from under it (the studio or another process): say so rather than a constraint's words.
      if (!db.prepare('SELECT 1 FROM collections WHERE id = ?').get(collectionId))
        error = `collection "${this.options.collection}" was deleted while this import ran; the pictures imported before went with it`;
    }
    db.prepare('UPDATE imports SET finished_at = ? WHERE id = ?').run(new Date().toISOString(), this.id);
    this.progress.phase = 'done';
    this.progress.current = null;
    this.report(true);
    return {
      ...this.snapshot(),
      importId: this.id,
      collectionId,
      cancelled: this.cancelled,
      error,
      rejections: this.rejections,
      duplicatesFound: this.duplicatesFound,
      metadata,
    };
  }

  /** Each kept picture's row: its fields written, its labels set (grouped, one statement per value). */
  private applyMetadata(sidecar: Sidecar): NonNullable<ImportSummary['metadata']> {
    const byLabel = new Map<string, { key: string; value: string; ids: number[] }>();
    const unmatchedFiles: string[] = [];
    let matched = 0;
    const update = this.project.db.transaction(() => {
      for (const [name, id] of this.keptByName) {
        const row = sidecar.rows.get(name);
        if (!row) {
          unmatchedFiles.push(name);
          continue;
        }
        matched++;
        const { fields, labels } = fieldsOf(sidecar, row);
        const set = Object.entries(fields);
        if (set.length) this.project.db.prepare(`UPDATE images SET ${set.map(([f]) => `${f} = ?`).join(', ')} WHERE id = ?`).run(...set.map(([, v]) => v), id);
        for (const [key, value] of labels) {
          const k = `${key}\u0000${value}`;
          const entry = byLabel.get(k) ?? { key, value, ids: [] };
          entry.ids.push(id);
          byLabel.set(k, entry);
        }
      }
    });
    update();
    for (const { key, value, ids } of byLabel.values()) setLabel(this.project, ids, key, value);
    const unmatchedRows = [...sidecar.rows.keys()].filter((name) => !this.keptByName.has(name));
    return {
      file: basename(sidecar.file),
      matched,
      unmatchedFiles: unmatchedFiles.slice(0, 50),
      unmatchedFileCount: unmatchedFiles.length,
      unmatchedRows: unmatchedRows.slice(0, 20),
      unmatchedRowCount: unmatchedRows.length,
    };
  }

  private async importOne(file: ScannedFile, collectionId: number): Promise<void> {
    const archive = this.options.archive ?? file.archive;
    if (file.problem) return this.recordRejection(file, archive, collectionId, { ok: false, sha256: null, bytes: null, reason: file.problem });
    const inspected = await readCandidate(file.path, this.options.limits ?? DEFAULT_LIMITS);
    if (!inspected.ok) return this.recordRejection(file, archive, collectionId, inspected);

    const db = this.project.db;
    const claimed = this.claims.get(inspected.sha256);
    const existing = db.prepare("SELECT id, source_path, collection_id FROM images WHERE sha256 = ? AND status = 'ok'").get(inspected.sha256) as
      { id: number; source_path: string; collection_id: number } | undefined;
    if (existing || claimed) {
      const keeperId = existing?.id ?? (await claimed!);
      if (keeperId === null) return this.keep(file, archive, collectionId, inspected);
      const keeper = db.prepare('SELECT id, source_path FROM images WHERE id = ?').get(keeperId) as { id: number; source_path: string };
      if (keeper.source_path === file.path) {
        this.progress.alreadyPresent++;
        this.touchedIds.push(keeper.id);
        // Imported again with a catalogue: the catalogue applies to the picture already here.
        this.keptByName.set(basename(file.path).toLowerCase(), keeper.id);
        this.forgetRejection(file.path);
        return;
      }
      const inserted = db
        .prepare(
          `INSERT INTO images (collection_id, status, reason, sha256, phash, width, height, format, bytes, thumb_path, source_path, archive, duplicate_of, imported_at, import_id)
           SELECT ?, 'duplicate', ?, sha256, phash, width, height, format, bytes, thumb_path, ?, ?, id, ?, ? FROM images WHERE id = ?
           ON CONFLICT DO NOTHING`,
        )
        .run(
          collectionId,
          `same bytes as ${basename(keeper.source_path)} (image #${keeper.id}), already in the project`,
          file.path,
          archive,
          new Date().toISOString(),
          this.id,
          keeper.id,
        );
      if (inserted.changes === 0) this.progress.alreadyPresent++;
      else {
        this.progress.duplicates++;
        this.duplicatesFound.push({ path: file.path, duplicateOf: keeper.source_path });
      }
      this.forgetRejection(file.path);
      return;
    }
    return this.keep(file, archive, collectionId, inspected);
  }

  private async keep(file: ScannedFile, archive: string, collectionId: number, read: ReadFile): Promise<void> {
    let settle!: (id: number | null) => void;
    this.claims.set(read.sha256, new Promise((r) => (settle = r)));
    const img = await decodeCandidate(read, this.options.limits ?? DEFAULT_LIMITS);
    if (!img.ok) {
      settle(null);
      this.claims.delete(read.sha256);
      return this.recordRejection(file, archive, collectionId, img);
    }
    try {
      const original = originalRelPath(img.sha256, img.ext);
      const thumb = thumbRelPath(img.sha256);
      // Files first, row last: a crash in between leaves an unreferenced file, never a row
      // pointing at nothing.
      await atomicWrite(join(this.project.dir, original), img.data, this.project.tmpDir);
      await atomicWrite(join(this.project.dir, thumb), img.thumbnail, this.project.tmpDir);
      // ON CONFLICT: another process (a second import of the same folder) stored the same bytes
      // a moment ago; its row stands and this file is already present.
      const inserted = this.project.db
        .prepare(
          `INSERT INTO images (collection_id, status, sha256, phash, width, height, format, bytes, original_path, thumb_path, source_path, archive, imported_at, import_id)
           VALUES (?, 'ok', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        )
        .run(
          collectionId,
          img.sha256,
          img.phash,
          img.width,
          img.height,
          img.format,
          img.bytes,
          original,
          thumb,
          file.path,
          archive,
          new Date().toISOString(),
          this.id,
        );
      const id =
        inserted.changes === 1
          ? Number(inserted.lastInsertRowid)
          : (this.project.db.prepare("SELECT id FROM images WHERE sha256 = ? AND status = 'ok'").get(img.sha256) as { id: number }).id;
      if (inserted.changes === 1) this.progress.imported++;
      else this.progress.alreadyPresent++;
      this.forgetRejection(file.path);
      this.touchedIds.push(id);
      this.keptByName.set(basename(file.path).toLowerCase(), id);
      settle(id);
    } catch (err) {
      settle(null);
      this.recordRejection(file, archive, collectionId, {
        ok: false,
        sha256: img.sha256,
        bytes: img.bytes,
        reason: `could not be stored in the project (${err instanceof Error ? err.message : String(err)}): check free disk space`,
      });
    } finally {
      this.claims.delete(img.sha256);
    }
  }

  /** A file that once was rejected (truncated, unreadable) and now imported: its rejection goes. */
  private forgetRejection(path: string): void {
    this.project.db.prepare("DELETE FROM images WHERE status = 'rejected' AND source_path = ?").run(path);
  }

  private recordRejection(file: ScannedFile, archive: string, collectionId: number, r: RejectedFile): void {
    this.progress.rejected++;
    this.rejections.push({ path: file.path, reason: r.reason });
    this.project.db
      .prepare(
        `INSERT INTO images (collection_id, status, reason, sha256, bytes, source_path, archive, imported_at, import_id)
         VALUES (?, 'rejected', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(collectionId, r.reason, r.sha256, r.bytes, file.path, archive, new Date().toISOString(), this.id);
  }

  private report(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastReport < (this.options.progressIntervalMs ?? 100)) return;
    this.lastReport = now;
    const seconds = (now - this.startedAt) / 1000;
    const p = this.progress;
    p.imagesPerSecond = seconds > 0 ? p.done / seconds : 0;
    p.etaSeconds = p.phase === 'importing' && p.imagesPerSecond > 0 ? (p.total - p.done) / p.imagesPerSecond : p.phase === 'done' ? 0 : null;
    this.callbacks.onProgress?.(this.snapshot());
  }
}
