// Hostile and broken input costs bounded time and memory and is refused with its reason, while
// everything else goes on: pickles that name one object exponentially often or hold themselves,
// devices, pipes and folders given as files, archives that unpack a thousandfold, a malformed
// dataset.json, and requests and WebSocket frames that used to take the headless server down.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32, deflateRawSync } from 'node:zlib';
import { EventBus } from '../../electron/api/event-bus';
import { createHandlers } from '../../electron/api/handlers';
import { ApiRouter } from '../../electron/api/router';
import { readNetworkPickle } from '../../electron/services/exchange/pickle/stylegan2-pickle';
import { endOfDirectory, listZip, writeZip } from '../../electron/services/exchange/zip';
import { importStyleganArchive } from '../../electron/services/exchange/stylegan-archive';
import { Studio } from '../../electron/services/studio';
import { startHeadlessServer } from '../../electron/server/http-server';
import { runCli, smallPortraits, tempDir } from '../helpers';

/** A pickle, opcode by opcode. */
class PickleWriter {
  private readonly parts: number[] = [0x80, 2];
  op(...bytes: number[]): this {
    this.parts.push(...bytes);
    return this;
  }
  str(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.op(0x8c, b.length, ...b);
  }
  put(i: number): this {
    return this.op(0x71, i);
  }
  get(i: number): this {
    return this.op(0x68, i);
  }
  bytes(): Buffer {
    return Buffer.from([...this.parts, 0x2e]);
  }
}

/**
 * {'G_ema': a persistent Generator whose init kwargs hold `inner`} — where NVIDIA's pickles keep
 * a network's settings, which the import writes out as JSON.
 */
function generatorHolding(inner: (w: PickleWriter) => PickleWriter): Buffer {
  const w = new PickleWriter().op(0x7d).op(0x28).str('G_ema');
  w.op(0x63, ...Buffer.from('torch_utils.persistence\n_reconstruct_persistent_obj\n'));
  w.op(0x7d).op(0x28).str('type').str('class').str('class_name').str('Generator').str('module_src').str('');
  w.str('state').op(0x7d).op(0x28).str('_init_kwargs').op(0x7d).op(0x28).str('deep');
  inner(w);
  w.op(0x75).op(0x75); // SETITEMS: kwargs, state
  w.op(0x75).op(0x85).op(0x52); // SETITEMS: meta; TUPLE1; REDUCE
  return w.op(0x75).bytes();
}

test('a 600-byte pickle naming one list 2⁴⁰ times, or a list holding itself, is refused at once', () => {
  // l0 = []; l(i) = [l(i-1), l(i-1)] for 40 levels: every list once in memory, 2⁴⁰ paths to the first.
  const shared = generatorHolding((w) => {
    w.op(0x5d).put(0).op(0x30);
    for (let i = 1; i <= 40; i++) {
      w.op(0x5d)
        .op(0x28)
        .get(i - 1)
        .get(i - 1)
        .op(0x65)
        .put(i);
      if (i < 40) w.op(0x30); // POP: only the last stays on the stack
    }
    return w;
  });
  assert.ok(shared.length < 700, `${shared.length} bytes`);
  const started = performance.now();
  assert.throws(() => readNetworkPickle(shared, 'shared.pkl'), /shared\.pkl: .*(names more than 1,000,000 objects|nested more than 64 levels)/);
  const cyclic = generatorHolding((w) => w.op(0x5d).put(0).get(0).op(0x61)); // l = []; l.append(l)
  assert.throws(() => readNetworkPickle(cyclic, 'cyclic.pkl'), /cyclic\.pkl: .*nested more than 64 levels/);
  assert.ok(performance.now() - started < 5000, `refused in ${(performance.now() - started).toFixed(0)} ms`);
});

test('/dev/zero, a named pipe and a folder given as a network are refused at once, by name', (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  assert.equal(runCli(base, 'project', 'create', project).code, 0);
  const fifo = join(base, 'network.pkl');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const folder = join(base, 'folder.pkl');
  mkdirSync(folder);
  for (const [path, reason] of [
    ['/dev/zero', /\/dev\/zero is not a regular file \(a device, pipe or socket\): give the path of a network pickle/],
    [fifo, /network\.pkl is not a regular file/],
    [folder, /folder\.pkl (is a folder|\(it is a folder\))/],
  ] as const) {
    const started = performance.now();
    const r = runCli(base, 'import-network', project, path);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, reason);
    assert.ok(performance.now() - started < 20_000, `${path}: ${(performance.now() - started).toFixed(0)} ms`);
  }
});

/** A ZIP of deflated entries, as another tool writes them. */
function deflatedZip(entries: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const packed = deflateRawSync(e.data);
    const header = (sig: number, size: number) => {
      const h = Buffer.alloc(size);
      h.writeUInt32LE(sig, 0);
      return h;
    };
    const local = header(0x04034b50, 30);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(e.data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = header(0x02014b50, 46);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(e.data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  return Buffer.concat([...locals, directory, endOfDirectory(entries.length, directory.length, offset)]);
}

test('an archive that would unpack a thousandfold is refused before anything is inflated', () => {
  const zeros = Buffer.alloc(32 * 2 ** 20);
  const bomb = deflatedZip(Array.from({ length: 12 }, (_, i) => ({ name: `img${i}.png`, data: zeros })));
  assert.ok(bomb.length < 2 ** 20, `${bomb.length} bytes`);
  const rssBefore = process.memoryUsage.rss();
  assert.throws(() => listZip(bomb, 'bomb.zip'), /bomb\.zip is not a ZIP archive Leporello can read: img0\.png would unpack to \d+ times its packed size/);
  assert.ok(process.memoryUsage.rss() - rssBefore < 64 * 2 ** 20, 'nothing inflated');
});

test('a 3 GB archive (two portraits, a hole, its directory) imports reading only its directory and entries', async (t) => {
  const base = tempDir(t);
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  t.after(() => studio.closeProject());
  await studio.createProject('large');
  const names = readdirSync(smallPortraits)
    .filter((f) => f.endsWith('.jpg'))
    .slice(0, 2);
  const zip = writeZip(names.map((n) => ({ name: n, data: readFileSync(join(smallPortraits, n)) })));
  const directoryBytes = zip.readUInt32LE(zip.length - 22 + 12);
  const localsEnd = zip.readUInt32LE(zip.length - 22 + 16);
  // A sparse file: the entries at the start, the directory 3 GB in, nothing stored in between.
  const holeEnd = 3 * 2 ** 30;
  const file = join(base, 'large.zip');
  const fd = openSync(file, 'w');
  writeSync(fd, zip, 0, localsEnd, 0);
  writeSync(fd, zip, localsEnd, directoryBytes, holeEnd);
  writeSync(fd, endOfDirectory(names.length, directoryBytes, holeEnd), 0, 22, holeEnd + directoryBytes);
  closeSync(fd);
  const rssBefore = process.memoryUsage.rss();
  const summary = await importStyleganArchive(studio, file);
  assert.equal(summary.imported, 2);
  assert.ok(process.memoryUsage.rss() - rssBefore < 512 * 2 ** 20, `RSS grew by ${((process.memoryUsage.rss() - rssBefore) / 2 ** 20).toFixed(0)} MB`);
});

test('a malformed dataset.json is refused with what is wrong in it', async (t) => {
  const base = tempDir(t);
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  t.after(() => studio.closeProject());
  await studio.createProject('hostile');
  const png = Buffer.from('89504e470d0a1a0a', 'hex');
  for (const [json, message] of [
    ['{"labels": 5}', /dataset\.json is not NVIDIA's format \(labels: .*\)/],
    ['null', /dataset\.json is not NVIDIA's format \(the file: .*\)/],
    ['{"labels": [["a.png", "x"]]}', /labels\.0\.1: /],
    ['{"labels": ', /dataset\.json is not valid JSON/],
  ] as const) {
    const file = join(base, `archive-${Math.random().toString(36).slice(2)}.zip`);
    writeFileSync(
      file,
      deflatedZip([
        { name: 'dataset.json', data: Buffer.from(json) },
        { name: 'a.png', data: png },
      ]),
    );
    await assert.rejects(importStyleganArchive(studio, file), message);
  }
});

test('the headless server answers folders, huge bodies and broken WebSocket frames, and stays up', async (t) => {
  const base = tempDir(t);
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  await studio.createProject('server');
  const server = await startHeadlessServer({
    router: new ApiRouter(createHandlers(studio)),
    events: studio.events,
    projectDir: () => studio.current?.dir ?? null,
  });
  t.after(async () => {
    await server.close();
    await studio.closeProject();
  });
  const headers = { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}` };
  const call = (path: string, method = 'GET', body?: Buffer | string, extra: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path, method, headers: { ...headers, ...extra } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const alive = async () => assert.equal((await call('/api/projects.list', 'POST', '{}', { 'Content-Type': 'application/json' })).status, 200);

  assert.equal((await call('/files/thumbs')).status, 404, 'a folder');
  assert.equal((await call('/files/originals/')).status, 404);
  await alive();

  const big = await call('/api/projects.list', 'POST', Buffer.alloc(50 * 2 ** 20, 0x20), { 'Content-Type': 'application/json' }).catch((err: Error) => ({
    status: 0,
    body: err.message,
  }));
  assert.equal(big.status, 413, big.body);
  assert.match(big.body, /over the 4 MB an API call may carry/);
  await alive();

  // WebSocket frames: two bytes of nonsense, an oversized frame, random frames.
  const upgrade = `GET /events HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  const oversized = Buffer.concat([Buffer.from([0x82, 0xff]), Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]), Buffer.alloc(4)]);
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const frames = [
    Buffer.from([0xff, 0xff]),
    oversized,
    ...Array.from({ length: 40 }, () => Buffer.from(Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256)))),
  ];
  for (const frame of frames) {
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write(upgrade);
        socket.once('data', () => socket.write(frame));
      });
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      setTimeout(() => socket.destroy(), 300).unref();
    });
  }
  await alive();

  // Random requests: methods, paths and bodies.
  for (let i = 0; i < 40; i++) {
    const path = `/${['api', 'files', 'x'][i % 3]}/${Buffer.from(Array.from({ length: 8 }, () => 33 + Math.floor(random() * 90))).toString('latin1')}`;
    await call(
      encodeURI(path),
      ['GET', 'POST', 'PUT', 'HEAD'][i % 4],
      i % 2 ? Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))) : undefined,
      { 'Content-Type': 'application/json' },
    ).catch(() => undefined);
  }
  await alive();
});
