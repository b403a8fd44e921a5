// Pretrained networks through the CLI as a person runs it: import NVIDIA's pickles into a real
// project, then draw images from the stored network and compare them with NVIDIA's own outputs.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodeNpy } from '../../electron/formats/npy';
import { NumpyRandomState } from '../../electron/engine/nn/numpy-random';
import { repoRoot, runCli, sharedData, tempDir } from '../helpers';

const fixtures = join(sharedData, '..', 'fixtures', 'stylegan2');

const cli = runCli;

test('import-network stores the network with its license; generate from it reproduces NVIDIA’s images', (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  assert.equal(cli(base, 'project', 'create', project).code, 0);
  const imported = cli(base, 'import-network', project, join(fixtures, 'sg2-tiny-32.pkl'), '--json');
  assert.equal(imported.code, 0, imported.stderr);
  const net = imported.json();
  assert.deepEqual([net.name, net.resolution, net.zDim, net.wDim, net.cDim], ['sg2-tiny-32', 32, 64, 64, 0]);
  assert.match(net.license, /non-commercial use only.*CC BY-NC-SA 4\.0/s);
  const text = cli(base, 'import-network', project, join(fixtures, 'sg2-tiny-32.pkl'));
  assert.equal(text.code, 1);
  assert.match(text.stderr, /sg2-tiny-32\.pkl is already in this project as network "sg2-tiny-32"/);
  // What the import printed for a person carries the license.
  const second = cli(base, 'import-network', project, join(fixtures, 'sg2-cond-64.pkl'), '--name', 'cond');
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /imported #2 cond: StyleGAN2 64 px, z 96, w 80, 3 classes[\s\S]*License: NVIDIA's pretrained StyleGAN2 networks/);

  // NVIDIA's latents in, the generator's raw float output back: the reference images at ψ 0.7.
  const expected = JSON.parse(readFileSync(join(fixtures, 'sg2-tiny-32.expected.json'), 'utf8'));
  writeFileSync(join(base, 'z.json'), JSON.stringify(expected.z));
  const out = join(base, 'out');
  const raw = cli(
    base,
    'generate',
    project,
    '--network',
    'sg2-tiny-32',
    '--z',
    join(base, 'z.json'),
    '--trunc',
    '0.7',
    '--format',
    'npy',
    '--backend',
    'cpu',
    '--out',
    out,
    '--json',
  );
  assert.equal(raw.code, 0, raw.stderr);
  const npy = decodeNpy(readFileSync(raw.json().files[0]), 'out.npy');
  assert.deepEqual(npy.shape, [4, 3, 32, 32]);
  const reference = (expected.outputs['psi0.7'].img as number[][][][]).flat(3);
  const err = Math.max(...reference.map((v, i) => Math.abs(v - npy.data[i]!)));
  assert.ok(err <= 1e-3, `max abs error ${err}`);

  // Seeds: the same z as NumPy's RandomState(seed).randn(1, z_dim), so PNGs match a --z of those draws.
  const bySeed = cli(base, 'generate', project, '--network', '1', '--seeds', '3,5', '--backend', 'cpu', '--out', join(base, 'seeds'), '--json');
  assert.equal(bySeed.code, 0, bySeed.stderr);
  assert.deepEqual(readdirSync(join(base, 'seeds')).sort(), ['seed0003.png', 'seed0005.png']);
  const zFile = join(base, 'seed-z.json');
  writeFileSync(zFile, JSON.stringify([3, 5].map((s) => Array.from(new NumpyRandomState(s).randn(64)))));
  assert.equal(cli(base, 'generate', project, '--network', '1', '--z', zFile, '--backend', 'cpu', '--out', join(base, 'byz')).code, 0);
  assert.deepEqual(readFileSync(join(base, 'byz', 'z0001.png')), readFileSync(join(base, 'seeds', 'seed0005.png')));

  // Exported without any pickle: the manifest names every tensor, the weights are float32 and complete.
  const exported = cli(base, 'export-network', project, '--network', 'sg2-tiny-32', '--out', join(base, 'export'), '--json');
  assert.equal(exported.code, 0, exported.stderr);
  const manifest = JSON.parse(readFileSync(join(base, 'export', 'network.json'), 'utf8'));
  assert.match(manifest.license, /non-commercial/);
  assert.equal(manifest.config.resolution, 32);
  const floats = manifest.tensors.reduce((n: number, t: { length: number }) => n + t.length, 0);
  assert.equal(readFileSync(join(base, 'export', 'weights.bin')).length, floats * 4);
  assert.ok(manifest.tensors.some((t: { role: string; name: string }) => t.role === 'G_ema' && t.name === 'mapping.w_avg'));

  // NVIDIA's TensorFlow layout of the same networks imports to the same generator: same seed, same PNG.
  const tf = cli(base, 'import-network', project, join(repoRoot, 'tests', 'fixtures', 'stylegan2-tf', 'sg2-tiny-32-tf.pkl'), '--json');
  assert.equal(tf.code, 0, tf.stderr);
  assert.deepEqual([tf.json().name, tf.json().resolution, tf.json().zDim], ['sg2-tiny-32-tf', 32, 64]);
  assert.equal(cli(base, 'generate', project, '--network', 'sg2-tiny-32-tf', '--seeds', '3', '--backend', 'cpu', '--out', join(base, 'tf')).code, 0);
  assert.deepEqual(readFileSync(join(base, 'tf', 'seed0003.png')), readFileSync(join(base, 'seeds', 'seed0003.png')));

  // A conditional network asks for its class, by name of the option.
  const noClass = cli(base, 'generate', project, '--network', 'cond', '--seeds', '0', '--out', join(base, 'c'));
  assert.equal(noClass.code, 1);
  assert.match(noClass.stderr, /network "cond" is conditional on 3 classes: give --class K or --c FILE/);
  assert.equal(cli(base, 'generate', project, '--network', 'cond', '--seeds', '0-1', '--class', '2', '--backend', 'cpu', '--out', join(base, 'c')).code, 0);
});

test('style-mix draws the figure: columns on top, rows down the side, a mix where they meet; interpolate draws the faces between two seeds', async (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  cli(base, 'project', 'create', project);
  cli(base, 'import-network', project, join(fixtures, 'sg2-tiny-32.pkl'));
  const file = join(base, 'mix.png');
  const r = cli(
    base,
    'style-mix',
    project,
    '--network',
    '1',
    '--rows',
    '1,2',
    '--cols',
    '3,4,5',
    '--styles',
    '0-3',
    '--backend',
    'cpu',
    '--out',
    file,
    '--json',
  );
  assert.equal(r.code, 0, r.stderr);
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [4 * 32, 3 * 32]);
  const cell = (col: number, row: number) => {
    const out: number[] = [];
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32 * info.channels; x++) out.push(data[((row * 32 + y) * info.width + col * 32) * info.channels + x]!);
    return out;
  };
  assert.ok(
    cell(0, 0).every((v) => v === 255),
    'the corner stays blank',
  );
  const differ = (a: number[], b: number[]) => a.some((v, i) => v !== b[i]);
  // A mix is neither its row's face nor its column's.
  assert.ok(differ(cell(1, 1), cell(0, 1)) && differ(cell(1, 1), cell(1, 0)));
  // Mixing every style (0-7) gives the column's face exactly.
  const all = cli(
    base,
    'style-mix',
    project,
    '--network',
    '1',
    '--rows',
    '1',
    '--cols',
    '3',
    '--styles',
    '0-7',
    '--backend',
    'cpu',
    '--out',
    join(base, 'all.png'),
  );
  assert.equal(all.code, 0, all.stderr);
  const whole = await sharp(join(base, 'all.png')).raw().toBuffer({ resolveWithObject: true });
  const at = (col: number, row: number) => {
    const out: number[] = [];
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32 * 3; x++) out.push(whole.data[((row * 32 + y) * whole.info.width + col * 32) * 3 + x]!);
    return out;
  };
  assert.deepEqual(at(1, 1), at(1, 0));
  const bad = cli(base, 'style-mix', project, '--network', '1', '--rows', '1', '--cols', '3', '--styles', '0-9', '--out', join(base, 'x.png'));
  assert.match(bad.stderr, /style layer 8 does not exist: this network has layers 0–7/);

  // interpolate: the strip's ends are the two seeds' faces, as generate draws them.
  const strip = cli(
    base,
    'interpolate',
    project,
    '--network',
    '1',
    '--from',
    '1',
    '--to',
    '3',
    '--steps',
    '4',
    '--space',
    'z',
    '--backend',
    'cpu',
    '--out',
    join(base, 'path.png'),
    '--json',
  );
  assert.equal(strip.code, 0, strip.stderr);
  assert.deepEqual([strip.json().width, strip.json().height], [4 * 32, 32]);
  const path = await sharp(join(base, 'path.png')).raw().toBuffer({ resolveWithObject: true });
  assert.equal(cli(base, 'generate', project, '--network', '1', '--seeds', '1,3', '--backend', 'cpu', '--out', join(base, 'ends')).code, 0);
  const [first, last] = await Promise.all(
    ['seed0001.png', 'seed0003.png'].map((f) =>
      sharp(join(base, 'ends', f))
        .raw()
        .toBuffer(),
    ),
  );
  const stripCell = (col: number) => {
    const out: number[] = [];
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32 * 3; x++) out.push(path.data[(y * path.info.width + col * 32) * 3 + x]!);
    return out;
  };
  assert.deepEqual(stripCell(0), Array.from(first!));
  assert.deepEqual(stripCell(3), Array.from(last!));
  assert.match(
    cli(base, 'interpolate', project, '--network', '1', '--from', '1', '--to', '3', '--space', 'x', '--out', join(base, 'y.png')).stderr,
    /--space is w or z \(w: a straight line between the faces' W; z: the great circle between their latents\.\); not "x"/,
  );
});
