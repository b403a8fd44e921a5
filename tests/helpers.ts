import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { EventBus } from '../electron/api/event-bus';
import { createDataset } from '../electron/services/datasets/datasets';
import { Studio } from '../electron/services/studio';
import { contract } from '../shared/contract';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Real portraits shipped beside the checkout (see ../shared/data/README.md). */
export const sharedData = join(repoRoot, '..', 'shared', 'data');
export const smallPortraits = join(sharedData, 'portraits-small');

/** A fresh temporary folder, removed when the test ends. */
export function tempDir(t: { after: (fn: () => void) => void }, prefix = 'leporello-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A valid 1-bit PNG of side×side pixels, all black: a few hundred kilobytes on disk that decode
 * to side² pixels — the shape of a decompression bomb.
 */
export function decompressionBombPng(side = 20_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const rowBytes = 1 + Math.ceil(side / 8);
  const raw = Buffer.alloc(rowBytes * side); // filter byte 0 + zero pixels on every row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A studio with one project holding the 24 small portraits, frozen into a dataset. */
export async function projectWithDataset(t: { after: (fn: () => void | Promise<void>) => void }, resolution = 16) {
  const base = tempDir(t);
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  t.after(() => studio.closeProject());
  await studio.createProject('Training');
  const { collectionId } = await studio.startImport({ paths: [smallPortraits], collection: 'small' }).done;
  const project = studio.requireProject();
  const dataset = await createDataset(project, contract['datasets.create'].request.parse({ collectionId, resolution, xflip: true }));
  return { base, studio, project, dataset };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  // The CLI's --json document, whatever the command: each test reads the fields it asks for.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: () => any;
}

/** Runs the built CLI (bin/leporello.mjs) as a person would, with its home and projects under `home`. */
/** A tiny DCGAN on the 16 px dataset tinyTrainedProject makes: seconds to train on wasm. */
export const TINY_DCGAN = ['--dataset', 'portraits-16', '--arch', 'dcgan', '--batch', '8', '--backend', 'wasm', '--width', '4', '--witnesses', '4'];

/**
 * A project at `base`/p with the small portraits, their 16 px dataset and one tiny real DCGAN run
 * (its checkpoints and witnesses, one per epoch), made through the CLI as a curator would.
 */
export function tinyTrainedProject(base: string, epochs: number): { project: string; cli: (...args: string[]) => CliResult } {
  const project = join(base, 'p');
  const cli = (...args: string[]) => runCli(base, ...args);
  for (const args of [
    ['project', 'create', project],
    ['import', project, smallPortraits, '--collection', 'portraits'],
    ['dataset', 'create', project, '--collection', 'portraits', '--resolution', '16'],
    ['train', project, ...TINY_DCGAN, '--epochs', String(epochs)],
  ]) {
    const r = cli(...args);
    if (r.code !== 0) throw new Error(`leporello ${args.join(' ')} failed: ${r.stderr}`);
  }
  return { project, cli };
}

export function runCli(home: string, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'leporello.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, LEPORELLO_HOME: join(home, 'home'), LEPORELLO_PROJECTS: join(home, 'projects') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

/**
 * runCli without blocking this process, for tests that serve something the CLI reaches (a local
 * HTTP server); `env` is added to the CLI's environment.
 */
export function runCliAsync(home: string, env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'leporello.mjs'), ...args], {
      env: { ...process.env, LEPORELLO_HOME: join(home, 'home'), LEPORELLO_PROJECTS: join(home, 'projects'), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) }));
  });
}

/** A four-panel leporello book: `recto`'s portraits, a rendered video's frames on the verso (leporello export --verso-video). */
export function printVideoBook(home: string, project: string, recto: string, video: string, book: string): CliResult {
  return runCli(
    home,
    'export',
    'leporello',
    project,
    '--recto',
    recto,
    '--verso-video',
    video,
    '--panels',
    '4',
    '--panel-size',
    '10x10',
    '--verso-grid',
    '1x1',
    '--out',
    book,
  );
}
