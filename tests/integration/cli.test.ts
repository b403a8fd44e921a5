import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { test } from 'node:test';
import { repoRoot, runCli, smallPortraits, tempDir } from '../helpers';

// The CLI as a person runs it: the built bin, a real project folder, real portraits.
const cli = (_t: unknown, home: string, ...args: string[]) => runCli(home, ...args);

test('project create, import, images, dataset, train, timeline, sample: all with --json and exit 0', async (t) => {
  const base = tempDir(t);
  const project = join(base, 'congress');
  const created = cli(t, base, 'project', 'create', project, '--name', 'Congress 1720–1879', '--json');
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.json().name, 'Congress 1720–1879');

  const imported = cli(t, base, 'import', project, smallPortraits, '--collection', 'portraits', '--label', 'era=1830-1879', '--json');
  assert.equal(imported.code, 0, imported.stderr);
  const summary = imported.json();
  assert.equal(summary.imported, 24);
  assert.equal(summary.rejected, 0);

  const again = cli(t, base, 'import', project, smallPortraits, '--collection', 'portraits', '--json');
  assert.equal(again.json().imported, 0);
  assert.equal(again.json().alreadyPresent, 24);

  const listed = cli(t, base, 'images', project, '--collection', 'portraits', '--status', 'ok', '--json');
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal(listed.json().total, 24);
  assert.deepEqual(listed.json().items[0].labels, { era: '1830-1879' });

  const text = cli(t, base, 'images', project);
  assert.match(text.stdout, /24 images\n$/);

  const dataset = cli(t, base, 'dataset', 'create', project, '--collection', 'Portraits', '--resolution', '16', '--grayscale', '--json');
  assert.equal(dataset.code, 0, dataset.stderr);
  assert.deepEqual([dataset.json().imageCount, dataset.json().resolution, dataset.json().channels], [24, 16, 1]);
  const listedSets = cli(t, base, 'dataset', 'list', project, '--json');
  assert.deepEqual(
    listedSets.json().map((d: { name: string }) => d.name),
    ['portraits-16-gray'],
  );
  // Training through the built CLI and the built engine process.
  const trained = cli(
    t,
    base,
    'train',
    project,
    '--dataset',
    'portraits-16-gray',
    '--arch',
    'dcgan',
    '--epochs',
    '2',
    '--batch',
    '8',
    '--backend',
    'cpu',
    '--width',
    '4',
    '--witnesses',
    '4',
    '--json',
  );
  assert.equal(trained.code, 0, trained.stderr);
  assert.deepEqual([trained.json().status, trained.json().lastCheckpoint.epoch, trained.json().backend], ['finished', 2, 'cpu']);
  const runs = cli(t, base, 'runs', project, '--json');
  assert.deepEqual(
    runs.json().map((r: { name: string }) => r.name),
    ['00001-portraits-16-gray-dcgan'],
  );
  const resumeFinished = cli(t, base, 'resume', project, '--run', '00001-portraits-16-gray-dcgan');
  assert.equal(resumeFinished.code, 1);
  assert.match(resumeFinished.stderr, /has finished all 2 epochs; fork it to train further/);
  // A second run to compare with: same seed and witness count, so the same witness latents.
  const other = cli(
    t,
    base,
    'train',
    project,
    '--dataset',
    'portraits-16-gray',
    '--arch',
    'thesis',
    '--epochs',
    '1',
    '--batch',
    '8',
    '--backend',
    'cpu',
    '--width',
    '4',
    '--witnesses',
    '4',
    '--name',
    'thesis-short',
    '--json',
  );
  assert.equal(other.code, 0, other.stderr);
  const png = join(base, 'timeline.png');
  const timeline = cli(t, base, 'timeline', project, '--run', '1', '--vs', 'thesis-short', '--out', png, '--json');
  assert.equal(timeline.code, 0, timeline.stderr);
  assert.equal(timeline.json().unit, 'epochs');
  assert.deepEqual(timeline.json().positions, [0, 1, 2]);
  const meta = await sharp(png).metadata();
  const gridTops: number[] = timeline.json().gridTops;
  // A band of column numbers, then per run a title band and its 4 witnesses, a 4-px gap between runs.
  assert.deepEqual(gridTops, [36, 36 + 4 * 16 + 4 + 18]);
  assert.deepEqual([meta.width, meta.height], [timeline.json().width, gridTops[1]! + 4 * 16]);
  const corner = await sharp(png)
    .extract({ left: 2 * 16, top: gridTops[1]!, width: 16, height: 16 })
    .raw()
    .toBuffer();
  assert.ok(
    corner.every((v) => v === 24),
    'the short run has no epoch 2: its cell is left empty',
  );

  const samplesDir = join(base, 'samples');
  const sampled = cli(t, base, 'sample', project, '--run', '1', '--count', '5', '--seed', '3', '--out', samplesDir, '--json');
  assert.equal(sampled.code, 0, sampled.stderr);
  const files: string[] = sampled.json().files;
  assert.equal(files.length, 5);
  assert.deepEqual([(await sharp(files[0]!).metadata()).width, (await sharp(files[0]!).metadata()).channels], [16, 1]);
  const resampled = cli(t, base, 'sample', project, '--run', '1', '--checkpoint', '2', '--count', '1', '--seed', '3', '--out', join(base, 'again'), '--json');
  assert.deepEqual(readFileSync(resampled.json().files[0]), readFileSync(files[0]!), 'same checkpoint and seed, same image');
  const noEpoch = cli(t, base, 'sample', project, '--run', '1', '--checkpoint', '9', '--count', '1', '--out', samplesDir);
  assert.match(noEpoch.stderr, /has no checkpoint at epoch 9; its checkpoints \(epochs\): 0, 1, 2/);
  const forked = cli(t, base, 'fork', project, '--run', '1', '--checkpoint', '1', '--epochs', '3', '--lr', '0.0001', '--json');
  assert.equal(forked.code, 0, forked.stderr);
  assert.deepEqual([forked.json().status, forked.json().parentRunId, forked.json().lastCheckpoint.epoch], ['finished', 1, 3]);

  // A progressive GAN measured in kimg: checkpoints every 0.05 kimg, addressed by kimg.
  const grown = cli(
    t,
    base,
    'train',
    project,
    '--dataset',
    'portraits-16-gray',
    '--arch',
    'progan',
    '--kimg',
    '0.1',
    '--checkpoint-every',
    '0.05',
    '--phase-kimg',
    '0.02',
    '--batch',
    '8',
    '--backend',
    'cpu',
    '--width',
    '4',
    '--witnesses',
    '4',
    '--name',
    'grown',
    '--json',
  );
  assert.equal(grown.code, 0, grown.stderr);
  assert.deepEqual([grown.json().status, grown.json().lastCheckpoint.kimg, grown.json().options.kimg], ['finished', 0.104, 0.1]);
  assert.match(cli(t, base, 'runs', project).stdout, /grown\tfinished\t(untrained|learning|healthy|collapsing[^\t]*)\tprogan\tkimg 0.1\/0.1\tcpu/);
  const grownSample = cli(t, base, 'sample', project, '--run', 'grown', '--checkpoint', '0.1', '--count', '1', '--out', join(base, 'grown'), '--json');
  assert.equal(grownSample.code, 0, grownSample.stderr);
  assert.match(grownSample.json().files[0], /grown-kimg0\.1-seed1-0001\.png$/);
  assert.equal((await sharp(grownSample.json().files[0]).metadata()).width, 16);
  const both = cli(t, base, 'train', project, '--dataset', 'portraits-16-gray', '--arch', 'progan', '--kimg', '1', '--epochs', '2');
  assert.match(both.stderr, /give either epochs or kimg, not both/);

  const wrongSet = cli(t, base, 'train', project, '--dataset', 'nope', '--arch', 'dcgan');
  assert.match(wrongSet.stderr, /no dataset "nope" .*datasets: portraits-16-gray/);

  const badSize = cli(t, base, 'dataset', 'create', project, '--collection', 'portraits', '--resolution', '100');
  assert.equal(badSize.code, 1);
  assert.match(badSize.stderr, /resolution must be a power of two from 16 to 1024/);
});

test('backends lists what can train and sample here, and why not the others', (t) => {
  const base = tempDir(t);
  const r = cli(t, base, 'backends', '--json');
  assert.equal(r.code, 0, r.stderr);
  const rows = new Map((r.json() as { name: string; train: boolean; sample: boolean; detail: string }[]).map((b) => [b.name, b]));
  assert.deepEqual([...rows.keys()], ['tensorflow', 'webgpu', 'wasm', 'cpu']);
  assert.equal(rows.get('cpu')!.train, true);
  assert.deepEqual([rows.get('wasm')!.train, rows.get('wasm')!.sample], [true, true]);
  // The native kernels are built wherever a C++ compiler is, as here: the detail names them and their threads.
  assert.match(rows.get('wasm')!.detail, /native kernels: (AVX-512|AVX2|SSE2|NEON), \d+ threads?/);
  assert.match(rows.get('tensorflow')!.detail, /tfjs-node-gpu is not installed/);
});

test('errors exit 1 with one line on stderr that says what to do', (t) => {
  const base = tempDir(t);
  const cases: [string[], RegExp][] = [
    [['images', join(base, 'nothing-here')], /is not a Leporello project .*create one with "leporello project create/],
    [['import', join(base, 'p')], /import needs a project and at least one path/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['serve', '--port', 'http'], /--port http is not a port number/],
    [['images', base, '--status', 'lost'], /is not a Leporello project/],
  ];
  cli(t, base, 'project', 'create', join(base, 'p'));
  cases.push([['import', join(base, 'p'), smallPortraits, '--label', 'era'], /--label "era" is not key=value/]);
  cases.push([['images', join(base, 'p'), '--status', 'lost'], /status: /]);
  cases.push([['project', 'create', join(base, 'p')], /already exists/]);
  for (const [args, message] of cases) {
    const r = cli(t, base, ...args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
  }
});

test('serve prints its tokened address and answers only with the token', async (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  cli(t, base, 'project', 'create', project);
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'leporello.mjs'), 'serve', project, '--json'], {
    env: { ...process.env, LEPORELLO_HOME: join(base, 'home'), LEPORELLO_PROJECTS: join(base, 'projects') },
  });
  t.after(() => child.kill('SIGTERM'));
  let out = '';
  const info = await new Promise<{ url: string; port: number; token: string }>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        resolve(JSON.parse(out));
      } catch {
        // not all of it yet
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  const call = (token?: string) =>
    fetch(`http://127.0.0.1:${info.port}/api/projects.list`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: '{}',
    });
  assert.equal((await call()).status, 401);
  const ok = await call(info.token);
  assert.equal(ok.status, 200);
  const body = (await ok.json()) as { value: { current: { path: string } } };
  assert.equal(body.value.current.path, project);
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, 'a clean exit on SIGTERM');
});

test('curate finds and aligns faces, says the detection rate and names pictures without one', async (t) => {
  const base = tempDir(t);
  const project = join(base, 'faces');
  assert.equal(cli(t, base, 'project', 'create', project).code, 0);
  const blank = join(base, 'blank.png');
  await sharp({ create: { width: 200, height: 240, channels: 3, background: '#777' } })
    .png()
    .toFile(blank);
  const portraits = join(repoRoot, '..', 'shared', 'data', 'expressions204', 'neutral');
  assert.equal(cli(t, base, 'import', project, join(portraits, '001_03.jpg'), join(portraits, '002_03.jpg'), blank, '--collection', 'mixed').code, 0);
  const badSize = cli(t, base, 'curate', project, '--size', '8');
  assert.match(badSize.stderr, /--size between 16 and 4096/);
  const text = cli(t, base, 'curate', project, '--collection', 'mixed', '--size', '128', '--backend', 'wasm');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /curation done on wasm: 3 pictures looked at \(0 already were\), 2 faces; faces found in 2 of 3 pictures \(66\.7 %\)/);
  assert.match(text.stdout, /blank\.png: no face found, even on the picture made grey, contrast-stretched and padded: place the crop by hand/);
  const again = cli(t, base, 'curate', project, '--backend', 'wasm', '--json');
  // Nothing left to look at: no engine was started, so no backend is named.
  assert.deepEqual([again.json().skipped, again.json().done, again.json().backend], [3, 0, null]);

  // A second scan of the first portrait: clustered with it, and excluded on request.
  const rescan = join(base, 'scan-again.jpg');
  await sharp(join(portraits, '001_03.jpg')).resize(400).jpeg({ quality: 60 }).toFile(rescan);
  assert.equal(cli(t, base, 'import', project, rescan, '--collection', 'mixed').code, 0);
  assert.equal(cli(t, base, 'curate', project, '--backend', 'wasm').code, 0);
  const listed = cli(t, base, 'duplicates', project, '--json');
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal(listed.json().clusters.length, 1);
  const kept = cli(t, base, 'duplicates', project, '--collection', 'mixed', '--keep-suggested');
  assert.match(kept.stdout, /keep\tface \d+\t.*001_03\.jpg/);
  assert.match(kept.stdout, /excluded\tface \d+\t.*scan-again\.jpg/);
  assert.match(kept.stdout, /1 clusters of near-duplicates; 1 faces excluded/);
  assert.match(cli(t, base, 'duplicates', project).stdout, /^0 clusters of near-duplicates\n$/);

  // Quality flags: a threshold no face meets flags them all, and it is kept for the project.
  const flags = cli(t, base, 'flags', project, '--min-face', '5000');
  assert.equal(flags.code, 0, flags.stderr);
  assert.match(flags.stdout, /face \d+\tkept\t.*001_03\.jpg\tface is \d+ px in its source, under 5000/);
  assert.match(flags.stdout, /3 faces flagged \(faces under 5000 px/);
  assert.equal(cli(t, base, 'flags', project, '--json').json().thresholds.minFacePx, 5000);
});

test('label sets and removes labels on ranges of images or a whole collection, and datasets filter by them', (t) => {
  const base = tempDir(t);
  const project = join(base, 'labels');
  assert.equal(cli(t, base, 'project', 'create', project).code, 0);
  assert.equal(cli(t, base, 'import', project, smallPortraits, '--collection', 'portraits').code, 0);
  const some = cli(t, base, 'label', project, '--images', '1-3,7', '--set', 'category=death', '--json');
  assert.equal(some.code, 0, some.stderr);
  assert.deepEqual(some.json(), { updated: 4, key: 'category', value: 'death' });
  assert.match(cli(t, base, 'label', project, '--all', '--collection', 'portraits', '--set', 'era=1830-1879').stdout, /^era = 1830-1879 on 24 images\n$/);
  assert.match(cli(t, base, 'label', project, '--images', '7', '--remove', 'category').stdout, /^category removed from 1 images\n$/);
  const dataset = cli(t, base, 'dataset', 'create', project, '--collection', 'portraits', '--resolution', '16', '--label', 'category=death', '--json');
  assert.equal(dataset.code, 0, dataset.stderr);
  assert.equal(dataset.json().imageCount, 3);
  assert.match(cli(t, base, 'label', project, '--images', '2,x', '--set', 'a=b').stderr, /"x" is neither an image id nor a range like 5-9/);
  assert.match(cli(t, base, 'label', project, '--images', '1,999', '--set', 'a=b').stderr, /no image #999 .*nothing was labelled/);
  assert.match(cli(t, base, 'label', project, '--all', '--images', '1', '--set', 'a=b').stderr, /either --images IDS or --all/);

  // Out as a StyleGAN2-ADA archive and back in as a collection of its own.
  const zip = join(base, 'portraits-16.zip');
  const exported = cli(t, base, 'export-dataset', project, '--collection', 'portraits', '--resolution', '16', '--label-key', 'era', '--out', zip);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /portraits-16\.zip: 24 images at 16 px, classes 0 = 1830-1879/);
  const back = cli(t, base, 'import-dataset', project, zip, '--collection', 'from-archive', '--json');
  assert.equal(back.code, 0, back.stderr);
  assert.deepEqual([back.json().imported, back.json().labelled], [24, 24]);
  assert.match(
    cli(t, base, 'import-dataset', project, join(base, 'nope.zip')).stderr,
    /cannot read .*nope\.zip \(no such file\): give the path of a dataset archive/,
  );
});
