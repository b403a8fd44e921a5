// One large file over HTTP(S) into a folder, the way a curator on a slow or broken connection needs
// it: the bytes go to FILE.part as they come, with what the server said of them in FILE.part.json,
// so that a cut connection, a cancel or a crash resumes from where it stopped (a Range request,
// guarded by If-Range so that a changed file starts over rather than being spliced); one process
// at a time per file (a lock naming its owner); FILE appears only once complete, synced and renamed.
import { closeSync, createWriteStream, fsyncSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../../shared/errors';
import { ownerAlive, PROCESS_OWNER } from '../../formats/process-owner';
import { atomicWriteSync } from '../../formats/atomic-write';

export interface DownloadProgress {
  done: number;
  /** As the server states it; null when it does not. */
  total: number | null;
  /** Bytes a second over this attempt, once there is enough to say. */
  rate: number | null;
}

interface PartRecord {
  url: string;
  etag: string | null;
  lastModified: string | null;
  total: number | null;
}

/** No byte for this long and the server is taken to have gone. */
const IDLE_MS = 30_000;
const MAX_REDIRECTS = 5;

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 10e6 ? 1 : 0)} MB`;
}

/** Why a request could not be made, in words, with what to do. */
function unreachable(url: string, err: NodeJS.ErrnoException): AppError {
  const host = new URL(url).host;
  const offline = ['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ETIMEDOUT'].includes(err.code ?? '');
  return new AppError(
    'unavailable',
    `could not reach ${host} (${err.code ?? err.message})${offline ? ': this machine seems to be offline or the server is down' : ''}. ` +
      `Download ${url} by hand (in a browser, or on another machine) and import the file: Styles → Import a network file, or "leporello import-network <project> FILE".`,
  );
}

/** Takes the per-file lock, or says which live process holds it; a dead owner's lock is taken over. */
function lock(file: string): () => void {
  const path = `${file}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, PROCESS_OWNER);
      closeSync(fd);
      // Released synchronously: whoever awaits this download may start the next one at once, and
      // must not find its own lock still there.
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = '';
      try {
        owner = readFileSync(path, 'utf8').trim();
      } catch {
        // Released meanwhile: try again.
      }
      if (owner && ownerAlive(owner))
        throw new AppError('conflict', `${file} is being downloaded by another process (pid ${owner.split('-')[0]}): wait for it to finish`);
      // A dead process's lock: taken over.
      rmSync(path, { force: true });
    }
  }
  throw new AppError('conflict', `${file} is being downloaded by another process: wait for it to finish`);
}

function readPart(file: string, url: string): { record: PartRecord; have: number } | null {
  try {
    const record = JSON.parse(readFileSync(`${file}.part.json`, 'utf8')) as PartRecord;
    if (record.url !== url) return null;
    return { record, have: statSync(`${file}.part`).size };
  } catch {
    return null;
  }
}

function request(url: string, headers: Record<string, string>, signal: AbortSignal, redirects = 0): Promise<{ res: IncomingMessage; url: string }> {
  return new Promise((resolve, reject) => {
    const protocol = new URL(url).protocol;
    if (protocol !== 'https:' && protocol !== 'http:') return reject(new AppError('invalid_request', `${url}: only http and https addresses are fetched`));
    const req = (protocol === 'https:' ? httpsGet : httpGet)(url, { headers: { 'user-agent': 'Leporello', ...headers }, signal }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) return reject(new AppError('unavailable', `${url} redirects more than ${MAX_REDIRECTS} times`));
        return request(new URL(res.headers.location, url).toString(), headers, signal, redirects + 1).then(resolve, reject);
      }
      resolve({ res, url });
    });
    req.setTimeout(IDLE_MS, () => req.destroy(Object.assign(new Error(`no answer for ${IDLE_MS / 1000} s`), { code: 'ETIMEDOUT' })));
    req.on('error', (err) => reject(signal.aborted ? err : unreachable(url, err)));
  });
}

/**
 * Downloads `url` to `file`, resuming a .part left by an earlier try. Resolves with the file's
 * size and where this try began; a cancel or a cut connection rejects with what was kept.
 */
export async function downloadFile(
  url: string,
  file: string,
  options: { signal: AbortSignal; onProgress: (p: DownloadProgress) => void },
): Promise<{ bytes: number; resumedFrom: number }> {
  const release = lock(file);
  const part = `${file}.part`;
  let have = 0;
  let total: number | null = null;
  let resumedFrom: number;
  try {
    const earlier = readPart(file, url);
    const validator = earlier?.record.etag ?? earlier?.record.lastModified ?? null;
    const resume = earlier && earlier.have > 0 && validator ? earlier.have : 0;
    const { res } = await request(url, resume ? { range: `bytes=${resume}-`, 'if-range': validator! } : {}, options.signal);
    const status = res.statusCode ?? 0;
    if (status === 416 && earlier && earlier.record.total === resume) {
      // Everything had come; only the rename was missing.
      res.resume();
      have = resume;
      total = resume;
      resumedFrom = resume;
    } else {
      if (status !== 200 && status !== 206) {
        res.resume();
        throw new AppError('unavailable', `${new URL(url).host} answered ${status} ${res.statusMessage ?? ''} for ${url}`.trim());
      }
      const ranged = status === 206;
      const from = ranged ? Number(/bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''))?.[1]) : 0;
      if (ranged && from !== resume) {
        res.resume();
        throw new AppError('unavailable', `${new URL(url).host} resumed ${url} at byte ${from}, not at ${resume}; delete ${part} and try again`);
      }
      have = ranged ? resume : 0;
      resumedFrom = have;
      const length = Number(res.headers['content-length']);
      const rangeTotal = Number(/\/(\d+)$/.exec(String(res.headers['content-range'] ?? ''))?.[1]);
      total = ranged ? (Number.isFinite(rangeTotal) ? rangeTotal : null) : Number.isFinite(length) ? length : null;
      const record: PartRecord = {
        url,
        etag: typeof res.headers.etag === 'string' ? res.headers.etag : null,
        lastModified: res.headers['last-modified'] ?? null,
        total,
      };
      atomicWriteSync(`${file}.part.json`, JSON.stringify(record));
      const started = Date.now();
      const startBytes = have;
      // At most four reports a second, the last bytes always reported (a quarter second late at most).
      let lastReport = 0;
      let trailing: NodeJS.Timeout | null = null;
      const report = () => {
        trailing = null;
        lastReport = Date.now();
        const seconds = (lastReport - started) / 1000;
        options.onProgress({ done: have, total, rate: seconds > 1 ? (have - startBytes) / seconds : null });
      };
      const count = new Transform({
        transform(chunk: Buffer, _enc, done) {
          have += chunk.length;
          if (Date.now() - lastReport > 250) report();
          else trailing ??= setTimeout(report, 250);
          done(null, chunk);
        },
      });
      res.setTimeout(IDLE_MS, () => res.destroy(new Error(`no data for ${IDLE_MS / 1000} s`)));
      const out = createWriteStream(part, { flags: ranged ? 'a' : 'w' });
      try {
        await pipeline(res, count, out, { signal: options.signal });
      } catch (err) {
        if (trailing) clearTimeout(trailing);
        if (options.signal.aborted)
          throw new AppError(
            'cancelled',
            `download cancelled with ${megabytes(have)}${total ? ` of ${megabytes(total)}` : ''} kept: download it again to go on from there`,
          );
        throw new AppError(
          'unavailable',
          `the connection to ${new URL(url).host} was cut after ${megabytes(have)}${total ? ` of ${megabytes(total)}` : ''} (${(err as Error).message}): ` +
            'download it again to go on from there',
        );
      }
      if (trailing) clearTimeout(trailing);
      if (!res.complete || (total !== null && have !== total))
        throw new AppError(
          'unavailable',
          `the connection to ${new URL(url).host} ended after ${megabytes(have)}${total ? ` of ${megabytes(total)}` : ''}: download it again to go on from there`,
        );
      options.onProgress({ done: have, total, rate: null });
    }
    const fd = openSync(part, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    await rename(part, file);
    await rm(`${file}.part.json`, { force: true });
    return { bytes: have, resumedFrom };
  } finally {
    release();
  }
}
