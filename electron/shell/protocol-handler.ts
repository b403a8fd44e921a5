import { existsSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { resolveServedFile } from '../services/projects/layout';
import { contentSecurityPolicy } from '../server/security-headers';
import { PROJECT_ORIGIN } from './window-options';

export type ProtocolAnswer = { file: string; headers: Record<string, string> } | { status: number; text: string };

/**
 * Maps a `leporello://` URL to a file: `leporello://app/…` is the built renderer,
 * `leporello://project/…` a file of the open project, confined to its folder. Nothing else.
 */
export function answerProtocolRequest(rawUrl: string, rendererDir: string, projectDir: string | null): ProtocolAnswer {
  const url = new URL(rawUrl);
  const path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  if (url.host === 'app') {
    const rel = normalize(path || 'index.html');
    if (rel.startsWith('..')) return { status: 404, text: 'not found' };
    let file = join(rendererDir, rel);
    if (!existsSync(file) || !statSync(file).isFile()) file = join(rendererDir, 'index.html');
    const headers: Record<string, string> = {};
    if (file.endsWith('.html')) headers['Content-Security-Policy'] = contentSecurityPolicy([], [PROJECT_ORIGIN]);
    return { file, headers };
  }
  if (url.host === 'project') {
    if (!projectDir) return { status: 404, text: 'no project is open' };
    try {
      return { file: resolveServedFile(projectDir, path), headers: { 'Cache-Control': 'private, max-age=31536000, immutable' } };
    } catch (err) {
      return { status: 404, text: err instanceof Error ? err.message : 'not found' };
    }
  }
  return { status: 404, text: `unknown host ${url.host}` };
}
