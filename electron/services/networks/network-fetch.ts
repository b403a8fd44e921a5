// A network from NVIDIA's published list, fetched only when the curator asks: downloaded into the
// studio's downloads/ folder (kept there, so a second project imports it without a second
// download), verified — its size as the server stated it, its sha256 against the one kept from
// its first download, its pickle's structure by the importer — and imported into the project.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Network, CatalogueState } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { catalogueFileName, NETWORK_CATALOGUE, NVIDIA_CDN, type CatalogueNetwork } from '../../../shared/network-catalogue';
import { atomicWriteSync } from '../../formats/atomic-write';
import type { JobProgressMessage } from '../../engine/protocol';
import type { Project } from '../projects/project';
import { downloadFile, megabytes } from './http-download';
import { importNetwork, listNetworks } from './network-store';

/** The checksum of each file as first downloaded, kept in downloads/checksums.json. */
interface FirstDownload {
  sha256: string;
  bytes: number;
  url: string;
  at: string;
}

export function downloadsDir(studioHome: string): string {
  return join(studioHome, 'downloads');
}

/** The address to fetch from: NVIDIA's, or the same path on the mirror LEPORELLO_NETWORK_MIRROR names. */
export function sourceUrl(entry: CatalogueNetwork, env: NodeJS.ProcessEnv = process.env): string {
  const mirror = env.LEPORELLO_NETWORK_MIRROR?.trim();
  return mirror ? `${mirror.replace(/\/+$/, '')}/${entry.url.slice(NVIDIA_CDN.length)}` : entry.url;
}

export function catalogueEntry(id: string): CatalogueNetwork {
  const entry = NETWORK_CATALOGUE.find((e) => e.id === id);
  if (!entry) throw new AppError('not_found', `no network "${id}" in the list; the list has ${NETWORK_CATALOGUE.map((e) => e.id).join(', ')}`);
  return entry;
}

function readChecksums(dir: string): Record<string, FirstDownload> {
  try {
    return JSON.parse(readFileSync(join(dir, 'checksums.json'), 'utf8')) as Record<string, FirstDownload>;
  } catch {
    return {};
  }
}

function keepChecksum(dir: string, fileName: string, first: FirstDownload): void {
  // Read again just before writing: another process may have recorded another file meanwhile.
  atomicWriteSync(join(dir, 'checksums.json'), JSON.stringify({ ...readChecksums(dir), [fileName]: first }, null, 2));
}

async function sha256Of(file: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What the studio shows of each listed network: downloaded, half-downloaded, in this project. */
export function catalogueState(project: Project | null, studioHome: string): CatalogueState[] {
  const dir = downloadsDir(studioHome);
  const checksums = readChecksums(dir);
  const networks = project ? listNetworks(project) : [];
  return NETWORK_CATALOGUE.map((entry) => {
    const fileName = catalogueFileName(entry);
    const first = checksums[fileName];
    const downloaded = existsSync(join(dir, fileName)) ? statSync(join(dir, fileName)).size : null;
    const partial = existsSync(join(dir, `${fileName}.part`)) ? statSync(join(dir, `${fileName}.part`)).size : null;
    const inProject = first ? networks.find((n) => n.sourceSha256 === first.sha256) : undefined;
    return {
      ...entry,
      url: sourceUrl(entry),
      fileName,
      downloadedBytes: downloaded,
      partialBytes: partial,
      sha256: first?.sha256 ?? null,
      networkId: inProject?.id ?? null,
    };
  });
}

export interface FetchResult {
  network: Network;
  downloaded: boolean;
  resumedFrom: number;
  sha256: string;
  firstDownload: boolean;
  bytes: number;
  /** False when the project had it already (the same sha256). */
  imported: boolean;
}

/**
 * Fetches a listed network and imports it into `project` as `name` (the list's id by default).
 * A file already downloaded is verified and imported without downloading it again.
 */
export async function fetchNetwork(
  project: Project,
  studioHome: string,
  id: string,
  options: { name?: string; signal: AbortSignal; onProgress: (p: JobProgressMessage) => void },
): Promise<FetchResult> {
  const entry = catalogueEntry(id);
  const dir = downloadsDir(studioHome);
  mkdirSync(dir, { recursive: true });
  const fileName = catalogueFileName(entry);
  const file = join(dir, fileName);
  const url = sourceUrl(entry);
  let downloaded = false;
  let resumedFrom = 0;
  if (!existsSync(file)) {
    const got = await downloadFile(url, file, {
      signal: options.signal,
      onProgress: ({ done, total, rate }) => {
        const of = total ?? entry.approxBytes;
        options.onProgress({
          done,
          total: of,
          secondsLeft: rate ? Math.max(0, (of - done) / rate) : null,
          message: `downloading ${entry.id}: ${megabytes(done)} of ${total ? megabytes(total) : `about ${megabytes(entry.approxBytes)}`}${rate ? ` at ${megabytes(rate)}/s` : ''}`,
        });
      },
    });
    downloaded = true;
    resumedFrom = got.resumedFrom;
  }
  const bytes = statSync(file).size;
  options.onProgress({ done: 0, total: 1, secondsLeft: null, message: `checking ${fileName} (${megabytes(bytes)})` });
  const sha256 = await sha256Of(file, options.signal);
  const first = readChecksums(dir)[fileName];
  if (first && first.sha256 !== sha256) {
    await rm(file, { force: true });
    throw new AppError(
      'invalid_request',
      `${fileName} is not the file first downloaded on ${first.at.slice(0, 10)} (sha256 ${sha256.slice(0, 12)}…, not ${first.sha256.slice(0, 12)}…): ` +
        `the copy at ${url} has changed or came corrupted. It was deleted; download it again, or get it by hand and compare its sha256 with ${first.sha256}.`,
    );
  }
  const known = listNetworks(project).find((n) => n.sourceSha256 === sha256);
  if (known) return { network: known, downloaded, resumedFrom, sha256, firstDownload: !first, bytes, imported: false };
  options.onProgress({ done: 0, total: 1, secondsLeft: null, message: `importing ${fileName}` });
  let network: Network;
  try {
    network = await importNetwork(project, file, options.name ?? entry.id);
  } catch (err) {
    // A file that is not the network it should be is not kept to be trusted next time.
    if (!first && err instanceof AppError && err.code === 'invalid_request') {
      await rm(file, { force: true });
      throw new AppError('invalid_request', `${err.message} — the file downloaded from ${url} is not a usable network and was deleted`);
    }
    throw err;
  }
  if (!first) keepChecksum(dir, fileName, { sha256, bytes, url, at: new Date().toISOString() });
  return { network, downloaded, resumedFrom, sha256, firstDownload: !first, bytes, imported: true };
}
