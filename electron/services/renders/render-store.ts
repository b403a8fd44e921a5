// The project's record of its renders: which file, its hash and size, what drew it and how.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { Project } from '../projects/project';

export type RenderKind = 'video' | 'leporello' | 'contact-sheet';

export interface StoredRender {
  id: number;
  kind: RenderKind;
  /** Project-relative when the file is inside the project, else absolute. */
  path: string;
  sha256: string;
  bytes: number;
  generator: string | null;
  settings: Record<string, unknown>;
  createdAt: string;
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function recordRender(
  project: Project,
  kind: RenderKind,
  file: string,
  generator: string | null,
  settings: Record<string, unknown>,
): Promise<StoredRender> {
  const [sha256, { size }] = await Promise.all([hashFile(file), stat(file)]);
  const inside = relative(project.dir, file);
  const path = inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file;
  const createdAt = new Date().toISOString();
  const id = Number(
    project.db
      .prepare('INSERT INTO renders (kind, path, sha256, bytes, generator, settings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(kind, path, sha256, size, generator, JSON.stringify(settings), createdAt).lastInsertRowid,
  );
  return { id, kind, path, sha256, bytes: size, generator, settings, createdAt };
}

export function listRenders(project: Project): StoredRender[] {
  const rows = project.db.prepare('SELECT * FROM renders ORDER BY id DESC').all() as {
    id: number;
    kind: RenderKind;
    path: string;
    sha256: string;
    bytes: number;
    generator: string | null;
    settings: string;
    created_at: string;
  }[];
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    path: r.path,
    sha256: r.sha256,
    bytes: r.bytes,
    generator: r.generator,
    settings: JSON.parse(r.settings) as Record<string, unknown>,
    createdAt: r.created_at,
  }));
}

/** Where a render's file is on disk. */
export function renderFile(project: Project, render: StoredRender): string {
  return isAbsolute(render.path) ? render.path : join(project.dir, render.path);
}

/** A video this project rendered, by its id or by its file; refused by name otherwise. */
export function findVideoRender(project: Project, ref: { id: number } | { file: string }): StoredRender {
  const videos = listRenders(project).filter((r) => r.kind === 'video');
  const found = 'id' in ref ? videos.find((r) => r.id === ref.id) : videos.find((r) => renderFile(project, r) === resolve(ref.file));
  if (!found) {
    const named = 'id' in ref ? `video render #${ref.id}` : ref.file;
    throw new AppError(
      'not_found',
      `${named} is not a video this project rendered: render a blend video first (Latents → Render video, or "leporello render video")`,
    );
  }
  return found;
}
