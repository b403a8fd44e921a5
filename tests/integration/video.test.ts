// Blend videos through the CLI on the imported sg2-tiny-32 StyleGAN2, encoded by Debian's real
// ffmpeg and read back with ffprobe: codec, pixel format, frame count, duration, faststart, a
// decoded frame against the generator's own drawing of the same latent, ProRes, a title card,
// and a cancelled render that leaves no file.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { DATABASE_FILE } from '../../electron/services/projects/layout';
import { repoRoot, runCli, sharedData, tempDir } from '../helpers';

const network = join(sharedData, '..', 'fixtures', 'stylegan2', 'sg2-tiny-32.pkl');

function probe(file: string) {
  const r = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-show_entries',
      'stream=codec_name,width,height,pix_fmt,nb_read_frames,r_frame_rate:format=duration',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const parsed = JSON.parse(r.stdout);
  const s = parsed.streams[0];
  return {
    codec: s.codec_name,
    width: s.width,
    height: s.height,
    pixFmt: s.pix_fmt,
    frames: Number(s.nb_read_frames),
    rate: s.r_frame_rate,
    duration: Number(parsed.format.duration),
  };
}

/** Frame n of a video as raw RGB at its own size. */
function frame(file: string, n: number): Buffer {
  const r = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-vf', `select=eq(n\\,${n})`, '-vsync', '0', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { maxBuffer: 1 << 26 },
  );
  assert.equal(r.status, 0, r.stderr?.toString());
  return r.stdout;
}

/** RGB of a square frame averaged over 2×2 blocks: yuv420p keeps colour at that resolution only. */
function blocks(rgb: Uint8Array): Float64Array {
  const side = Math.sqrt(rgb.length / 3);
  const out = new Float64Array((side / 2) * (side / 2) * 3);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) for (let c = 0; c < 3; c++) out[((y >> 1) * (side / 2) + (x >> 1)) * 3 + c]! += rgb[(y * side + x) * 3 + c]! / 4;
  return out;
}

const meanAbsDiff = (a: Uint8Array, b: Uint8Array) => {
  assert.equal(a.length, b.length);
  const [x, y] = [blocks(a), blocks(b)];
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]! - y[i]!);
  return sum / x.length;
};

function setup(t: Parameters<typeof tempDir>[0]) {
  const base = tempDir(t);
  const project = join(base, 'p');
  const cli = (...args: string[]) => runCli(base, ...args);
  assert.equal(cli('project', 'create', project).code, 0);
  assert.equal(cli('import-network', project, network).code, 0);
  const latents = (...args: string[]) => {
    const r = cli('latents', project, '--network', 'sg2-tiny-32', '--backend', 'wasm', ...args, '--json');
    assert.equal(r.code, 0, r.stderr);
    return r.json();
  };
  return { base, project, cli, latents };
}

test('render video: H.264 yuv420p MP4 with faststart, the frames asked for, and frame 0 is the first anchor drawn by the generator', async (t) => {
  const { base, project, cli, latents } = setup(t);
  latents('seeds', '3,5');
  latents('label', '2', 'expression=smiling');
  const out = join(base, 'videos', 'blend.mp4');
  const r = cli(
    'render',
    'video',
    project,
    '--network',
    'sg2-tiny-32',
    '--backend',
    'wasm',
    '--path',
    'seed:3,label:expression=smiling',
    '--seconds',
    '1.5',
    '--fps',
    '8',
    '--easing',
    'linear',
    '--out',
    out,
    '--json',
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /frame 12 of 12/, 'progress reaches the last frame');
  const result = r.json();
  assert.deepEqual(result.files, [out]);
  assert.deepEqual(result.anchors, ['seed:3', 'label:expression=smiling (centroid of 1)']);

  const p = probe(out);
  assert.deepEqual([p.codec, p.pixFmt, p.width, p.height, p.frames, p.rate], ['h264', 'yuv420p', 32, 32, 12, '8/1']);
  assert.ok(Math.abs(p.duration - 1.5) < 0.01, `duration ${p.duration}`);
  const bytes = readFileSync(out);
  assert.ok(bytes.indexOf('moov') < bytes.indexOf('mdat'), 'faststart: the index comes before the media data');
  assert.deepEqual(readdirSync(join(base, 'videos')), ['blend.mp4'], 'no temporary file is left');

  // The generator's own drawing of seed 3 and of the centroid (latent #2), against the first and last frames.
  const strip = join(base, 'anchors.png');
  latents('draw', '1,2', '--out', strip);
  const drawn = (i: number) =>
    sharp(strip)
      .extract({ left: i * 32, top: 0, width: 32, height: 32 })
      .removeAlpha()
      .raw()
      .toBuffer();
  const [seed3, centroid] = [await drawn(0), await drawn(1)];
  const [first, last] = [frame(out, 0), frame(out, 11)];
  assert.ok(meanAbsDiff(first, seed3) < 8, `frame 0 is seed 3's face (mean difference ${meanAbsDiff(first, seed3).toFixed(2)} of 255)`);
  assert.ok(meanAbsDiff(last, centroid) < 8, `the last frame is the centroid's face (${meanAbsDiff(last, centroid).toFixed(2)})`);
  assert.ok(meanAbsDiff(first, centroid) > 3 * meanAbsDiff(first, seed3), 'the two anchors differ more than encoding does');

  const db = new Database(join(project, DATABASE_FILE), { readonly: true });
  const row = db.prepare('SELECT kind, path, bytes, generator, settings FROM renders').get() as {
    kind: string;
    path: string;
    bytes: number;
    generator: string;
    settings: string;
  };
  db.close();
  assert.deepEqual([row.kind, row.path, row.bytes, row.generator], ['video', out, bytes.length, 'network:1']);
  assert.equal(JSON.parse(row.settings).fps, 8);
});

test('render video: upscaled, looping, held at anchors, a title card first, and ProRes beside the MP4', async (t) => {
  const { base, project, cli } = setup(t);
  const out = join(base, 'loop.mp4');
  const r = cli(
    'render',
    'video',
    project,
    '--network',
    'sg2-tiny-32',
    '--backend',
    'wasm',
    '--path',
    'seed:3,seed:5,seed:8',
    '--seconds',
    '3',
    '--fps',
    '10',
    '--loop',
    '--hold',
    '0.3',
    '--size',
    '96',
    '--title',
    'death ↔ orgasm',
    '--title-seconds',
    '1',
    '--prores',
    '--out',
    out,
    '--json',
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.json().files, [out, join(base, 'loop.mov')]);
  const mp4 = probe(out);
  assert.deepEqual([mp4.codec, mp4.width, mp4.height, mp4.frames], ['h264', 96, 96, 40], 'a 1 s title card and 3 s of path at 10 fps');
  const mov = probe(join(base, 'loop.mov'));
  assert.deepEqual([mov.codec, mov.pixFmt, mov.width, mov.frames], ['prores', 'yuv422p10le', 96, 40]);

  // The title card: black with light text; the held frames after it are one still face.
  const title = frame(out, 0);
  const light = title.filter((v) => v > 128).length / title.length;
  assert.ok(light > 0.005 && light < 0.3, `the title card has some text on black (${(light * 100).toFixed(1)} % light)`);
  assert.ok(meanAbsDiff(frame(out, 10), frame(out, 12)) < 1.5, 'held at the first anchor for 0.3 s');
  // A loop ends just short of its start: its last frame is close to the first path frame.
  assert.ok(meanAbsDiff(frame(out, 39), frame(out, 10)) < meanAbsDiff(frame(out, 20), frame(out, 10)), 'the loop returns toward its start');
});

test('render video: a render killed outright leaves its partial file; the next render into that folder removes it, not a live one', async (t) => {
  const { base, project, cli } = setup(t);
  const dir = join(base, 'out');
  mkdirSync(dir);
  const child = spawn(
    process.execPath,
    [
      join(repoRoot, 'bin', 'leporello.mjs'),
      'render',
      'video',
      project,
      '--network',
      'sg2-tiny-32',
      '--backend',
      'wasm',
      '--path',
      'seed:1,seed:2',
      '--seconds',
      '60',
      '--fps',
      '30',
      '--out',
      join(dir, 'killed.mp4'),
    ],
    {
      env: { ...process.env, LEPORELLO_HOME: join(base, 'home'), LEPORELLO_PROJECTS: join(base, 'projects') },
      detached: true,
    },
  );
  let stderr = '';
  let killed = false;
  // Killed once ffmpeg has created the partial file (it does after its encoder's first frames).
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (/frame \d+ of 1800/.test(stderr) && !killed && readdirSync(dir).length > 0) {
      killed = true;
      process.kill(-child.pid!, 'SIGKILL');
    }
  });
  await new Promise((resolve) => child.on('close', resolve));
  assert.ok(killed, stderr);
  const left = readdirSync(dir);
  assert.equal(left.length, 1, `SIGKILL leaves no time to clean up: ${left.join(', ')}`);
  // Its owner (the engine process that drew it, a child of the killed command) is dead too.
  const owner = Number(/^\.killed\.(\d+)-[0-9a-f]+\.[0-9a-f]+\.partial\.mp4$/.exec(left[0]!)?.[1]);
  assert.ok(owner > 0 && owner !== process.pid, left[0]);
  // Another process's render in progress (this test's own pid: alive).
  const live = `.other.${process.pid}-0badcafe.0001.partial.mp4`;
  writeFileSync(join(dir, live), 'half');
  const r = cli(
    'render',
    'video',
    project,
    '--network',
    'sg2-tiny-32',
    '--backend',
    'wasm',
    '--path',
    'seed:3,seed:4',
    '--seconds',
    '0.5',
    '--fps',
    '8',
    '--out',
    join(dir, 'next.mp4'),
    '--json',
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(dir).sort(), [live, 'next.mp4'].sort());
});

test('render video: Ctrl-C in a terminal cancels it (no EPIPE) and leaves no file; bad paths are refused by name', async (t) => {
  const { base, project, cli } = setup(t);
  const out = join(base, 'cancelled.mp4');
  // In a process group of its own, as a terminal starts a command: Ctrl-C signals the whole group.
  const child = spawn(
    process.execPath,
    [
      join(repoRoot, 'bin', 'leporello.mjs'),
      'render',
      'video',
      project,
      '--network',
      'sg2-tiny-32',
      '--backend',
      'wasm',
      '--path',
      'seed:1,seed:2',
      '--seconds',
      '60',
      '--fps',
      '30',
      '--out',
      out,
    ],
    {
      env: { ...process.env, LEPORELLO_HOME: join(base, 'home'), LEPORELLO_PROJECTS: join(base, 'projects') },
      detached: true,
    },
  );
  let stderr = '';
  let signalled = false;
  // Cancel once the render has reported a frame: ffmpeg is then writing the partial file.
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (/frame \d+ of 1800/.test(stderr) && !signalled) {
      signalled = true;
      process.kill(-child.pid!, 'SIGINT');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.notEqual(code, 0);
  assert.match(stderr, /cancelled at frame \d+ of 1800; nothing was written/);
  assert.doesNotMatch(stderr, /EPIPE/);
  assert.deepEqual(
    readdirSync(base).filter((f) => f !== 'home' && f !== 'projects' && f !== 'p'),
    [],
    'neither the video nor a partial file',
  );

  const refused = (path: string, pattern: RegExp, ...extra: string[]) => {
    const r = cli('render', 'video', project, '--network', 'sg2-tiny-32', '--path', path, '--seconds', '1', '--out', join(base, 'x.mp4'), ...extra);
    assert.equal(r.code, 1);
    assert.match(r.stderr, pattern);
  };
  refused('seed:1', /a path needs at least two anchors/);
  refused('seed:1,face:2', /"face:2" is not an anchor: write seed:N, latent:ID, image:ID or label:key=value/);
  refused('seed:1,label:mood=grim', /no latent of network:1 is labelled mood=grim: label generated faces/);
  refused('seed:1,image:4', /image #4 has not been projected into network:1: project it first \(Latents → Project portrait, or "leporello project-image/);
  refused('seed:1,seed:2', /an even size/, '--size', '33');
  const pathFile = join(base, 'path.json');
  writeFileSync(pathFile, JSON.stringify({ anchors: ['seed:1'], fps: 12 }));
  refused(pathFile, /the path file .*path\.json is not a path: anchors: /);
});
