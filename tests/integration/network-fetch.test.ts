// Fetching NVIDIA's published networks through the CLI and the studio's job host, against a local
// stand-in for NVIDIA's server (the same paths, Range and If-Range as S3 answers them): the list,
// an offline machine, a connection cut halfway and resumed, a file the studio has already, a file
// whose checksum differs from its first download, a file that is no network, and a cancel.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { EventBus } from '../../electron/api/event-bus';
import { Studio } from '../../electron/services/studio';
import { NETWORK_CATALOGUE, NVIDIA_CDN } from '../../shared/network-catalogue';
import { runCli, runCliAsync, sharedData, tempDir } from '../helpers';
import { startNetworkMirror } from '../network-mirror';

const fixture = readFileSync(join(sharedData, '..', 'fixtures', 'stylegan2', 'sg2-tiny-32.pkl'));
const ffhq256 = NETWORK_CATALOGUE.find((e) => e.id === 'ffhq-256')!;
const servedPath = ffhq256.url.slice(NVIDIA_CDN.length);
const fileName = 'ffhq-res256-mirror-paper256-noaug.pkl';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('fetch-network lists the networks, says what to do offline, resumes a cut download, verifies and imports', async (t) => {
  const base = tempDir(t);
  const downloads = join(base, 'home', 'downloads');
  const mirror = await startNetworkMirror();
  t.after(() => mirror.close());
  mirror.files.set(servedPath, fixture);
  const env = { LEPORELLO_NETWORK_MIRROR: mirror.url };
  const cli = (...args: string[]) => runCliAsync(base, env, ...args);
  const p1 = join(base, 'p1');
  assert.equal(runCli(base, 'project', 'create', p1).code, 0);

  // The list, with where each comes from and its license; nothing downloaded yet.
  const listed = await cli('fetch-network', p1, '--json');
  assert.equal(listed.code, 0, listed.stderr);
  const entries = listed.json() as { id: string; url: string; downloadedBytes: number | null; license: string }[];
  assert.deepEqual(
    entries.map((e) => e.id),
    NETWORK_CATALOGUE.map((e) => e.id),
  );
  assert.equal(entries.find((e) => e.id === 'ffhq-256')!.url, `${mirror.url}/${servedPath}`);
  assert.ok(entries.every((e) => e.downloadedBytes === null && /non-commercial/i.test(e.license)));
  assert.equal(mirror.requests.length, 0, 'listing downloads nothing');

  // Offline (nothing listens there): the message names the address to download by hand and how to import it.
  const port = await closedPort();
  const offline = await runCliAsync(base, { LEPORELLO_NETWORK_MIRROR: `http://127.0.0.1:${port}` }, 'fetch-network', p1, 'ffhq-256');
  assert.equal(offline.code, 1);
  assert.match(offline.stderr, new RegExp(`could not reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
  assert.match(offline.stderr, new RegExp(`Download http://127\\.0\\.0\\.1:${port}/${servedPath.replace(/[.]/g, '\\.')} by hand`));
  assert.match(offline.stderr, /leporello import-network <project> FILE/);

  // The connection is cut after 1.5 MB: what came is kept, and the message says to go on.
  mirror.stopAfter = { bytes: 1_500_000, how: 'cut' };
  const cut = await cli('fetch-network', p1, 'ffhq-256');
  assert.equal(cut.code, 1, cut.stdout);
  assert.match(cut.stderr, /connection to 127\.0\.0\.1:\d+ was cut after [\d.]+ MB of 4\.0 MB .*download it again to go on from there/);
  const kept = statSync(join(downloads, `${fileName}.part`)).size;
  assert.ok(kept > 0 && kept <= 1_500_000, `kept ${kept} bytes`);
  assert.ok(!existsSync(join(downloads, fileName)), 'no file under the final name before it is whole');
  const half = (await cli('fetch-network', p1, '--json')).json().find((e: { id: string }) => e.id === 'ffhq-256');
  assert.equal(half.partialBytes, kept);

  // Run again: it asks for the rest only (guarded by the file's ETag), verifies and imports.
  const before = mirror.requests.length;
  const resumed = await cli('fetch-network', p1, 'ffhq-256', '--json');
  assert.equal(resumed.code, 0, resumed.stderr);
  const resumeRequest = mirror.requests[before]!;
  assert.equal(resumeRequest.headers.range, `bytes=${kept}-`);
  assert.ok(resumeRequest.headers['if-range'], 'the resume is guarded by If-Range');
  assert.equal(resumeRequest.status, 206);
  const r = resumed.json();
  assert.equal(r.downloaded, true);
  assert.equal(r.resumedFrom, kept);
  assert.equal(r.sha256, sha(fixture), 'the resumed file is the served file, byte for byte');
  assert.equal(r.firstDownload, true);
  assert.deepEqual([r.network.name, r.network.resolution, r.network.zDim], ['ffhq-256', 32, 64]);
  assert.ok(readFileSync(join(downloads, fileName)).equals(fixture));
  assert.ok(!existsSync(join(downloads, `${fileName}.part`)) && !existsSync(join(downloads, `${fileName}.part.json`)));
  const checksums = JSON.parse(readFileSync(join(downloads, 'checksums.json'), 'utf8'));
  assert.equal(checksums[fileName].sha256, sha(fixture));
  // The network draws: generate through it.
  assert.equal(runCli(base, 'generate', p1, '--network', 'ffhq-256', '--seeds', '0', '--out', join(base, 'g')).code, 0);

  // A second project takes the kept download without a request; the first says it has it already.
  const p2 = join(base, 'p2');
  assert.equal(runCli(base, 'project', 'create', p2).code, 0);
  const requestsSoFar = mirror.requests.length;
  const again = await cli('fetch-network', p2, 'ffhq-256', '--name', 'faces', '--json');
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual([again.json().downloaded, again.json().imported, again.json().firstDownload, again.json().network.name], [false, true, false, 'faces']);
  const twice = await cli('fetch-network', p1, 'ffhq-256');
  assert.equal(twice.code, 0, twice.stderr);
  assert.match(twice.stdout, /already downloaded .*matches the first download\)\nalready in this project: #1 ffhq-256/);
  assert.equal(mirror.requests.length, requestsSoFar);
  const state = (await cli('fetch-network', p1, '--json')).json().find((e: { id: string }) => e.id === 'ffhq-256');
  assert.deepEqual([state.downloadedBytes, state.networkId, state.sha256], [fixture.length, 1, sha(fixture)]);

  // The server's copy changes (one byte): refused against the first download's checksum, deleted, not imported.
  const altered = Buffer.from(fixture);
  altered[altered.length >> 1] = 255 - altered[altered.length >> 1]!;
  mirror.files.set(servedPath, altered);
  rmSync(join(downloads, fileName));
  const p3 = join(base, 'p3');
  assert.equal(runCli(base, 'project', 'create', p3).code, 0);
  const wrong = await cli('fetch-network', p3, 'ffhq-256');
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, new RegExp(`is not the file first downloaded on .*sha256 ${sha(altered).slice(0, 12)}…, not ${sha(fixture).slice(0, 12)}…`));
  assert.match(wrong.stderr, /It was deleted/);
  assert.ok(!existsSync(join(downloads, fileName)));
  assert.equal(runCli(base, 'networks', p3, '--json').json().length, 0);
  assert.equal(JSON.parse(readFileSync(join(downloads, 'checksums.json'), 'utf8'))[fileName].sha256, sha(fixture), 'the first checksum is kept');

  // Not found on the server: the status and the address.
  mirror.files.clear();
  const missing = await cli('fetch-network', p3, 'metfaces');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /answered 404 Not Found for http:\/\/127\.0\.0\.1:\d+\/stylegan2-ada-pytorch\/pretrained\/metfaces\.pkl/);
  const unknown = await cli('fetch-network', p3, 'ffhq-2048');
  assert.match(unknown.stderr, /no network "ffhq-2048" in the list; the list has ffhq-256, ffhq-512/);
});

test('a downloaded file that is no network is refused by the importer and not kept to be trusted', async (t) => {
  const base = tempDir(t);
  const mirror = await startNetworkMirror();
  t.after(() => mirror.close());
  mirror.files.set(servedPath, Buffer.from('<html><body>Access denied</body></html>'));
  const p = join(base, 'p');
  assert.equal(runCli(base, 'project', 'create', p).code, 0);
  const r = await runCliAsync(base, { LEPORELLO_NETWORK_MIRROR: mirror.url }, 'fetch-network', p, 'ffhq-256');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /the file downloaded from http:\/\/127\.0\.0\.1:\d+\/.*ffhq-res256.* is not a usable network and was deleted/);
  assert.ok(!existsSync(join(base, 'home', 'downloads', fileName)));
  assert.ok(!existsSync(join(base, 'home', 'downloads', 'checksums.json')), 'no checksum is kept from a file that is not the network');
});

test('a download cancelled through the job host keeps what came, and the next one goes on from there', async (t) => {
  const base = tempDir(t);
  const mirror = await startNetworkMirror();
  t.after(() => mirror.close());
  mirror.files.set(servedPath, fixture);
  mirror.stopAfter = { bytes: 1_000_000, how: 'hold' };
  const previous = process.env.LEPORELLO_NETWORK_MIRROR;
  process.env.LEPORELLO_NETWORK_MIRROR = mirror.url;
  t.after(() => (previous === undefined ? delete process.env.LEPORELLO_NETWORK_MIRROR : (process.env.LEPORELLO_NETWORK_MIRROR = previous)));
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  await studio.createProject(join(base, 'p'));
  t.after(() => studio.closeProject());
  const controller = new AbortController();
  const progress: string[] = [];
  const cancelled = studio.jobs.run(
    { kind: 'fetch-network', network: 'ffhq-256' },
    {
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p.message);
        // The server holds the connection after 1 MB: cancel once that much has been reported.
        if (p.done >= 1_000_000) controller.abort();
      },
    },
  );
  await assert.rejects(
    cancelled,
    (err: Error & { code?: string }) => err.code === 'cancelled' && /download cancelled with 1\.0 MB of 4\.0 MB kept/.test(err.message),
  );
  assert.ok(
    progress.some((m) => /^downloading ffhq-256: [\d.]+ MB of 4\.0 MB/.test(m)),
    progress.join('\n'),
  );
  assert.equal(statSync(join(base, 'home', 'downloads', `${fileName}.part`)).size, 1_000_000);
  const done = await studio.jobs.run({ kind: 'fetch-network', network: 'ffhq-256' });
  assert.equal(done.resumedFrom, 1_000_000);
  assert.equal(done.sha256, sha(fixture));
  assert.equal(done.network.name, 'ffhq-256');
});
