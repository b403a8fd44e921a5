// True FID and KID: the Inception weights a curator imports once (a torch.save file, read as data
// and checked tensor by tensor), the network's features against PyTorch's on the same weights
// (tests/fixtures/metrics/make_inception_reference.py), and a run measured with them. The weights
// are not NVIDIA's released ones, which cannot be had here, but numbers both sides make again:
// tensor i (in sorted name order) drawn by numpy's RandomState(i + 1).randn and scaled.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { NumpyRandomState } from '../../electron/engine/nn/numpy-random';
import { inceptionTensorShapes } from '../../electron/formats/inception-layout';
import { inceptionDir } from '../../electron/formats/inception-weights';
import { DATABASE_FILE } from '../../electron/services/projects/layout';
import { runCli, tempDir, tinyTrainedProject } from '../helpers';
import { torchSave } from '../torch-save';

const reference = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'metrics', 'inception-reference.json'), 'utf8')) as {
  tensors: number;
  features: number[][];
};

/** The reference script's `fill`, number for number. */
function weights(): Map<string, { shape: number[]; data: Float32Array }> {
  const shapes = inceptionTensorShapes();
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  [...shapes.keys()].sort().forEach((name, i) => {
    const shape = shapes.get(name)!;
    const n = new NumpyRandomState(i + 1).randn(shape.reduce((a, b) => a * b, 1));
    const scale = name.endsWith('conv.weight') ? Math.sqrt(2 / (shape[1]! * shape[2]! * shape[3]!)) : 0;
    const value = (v: number) =>
      name.endsWith('conv.weight')
        ? v * scale
        : name.endsWith('bn.weight')
          ? 1 + 0.1 * v
          : name.endsWith('running_var')
            ? 1 + 0.1 * (v * v)
            : name.startsWith('fc.weight')
              ? 0.01 * v
              : 0.1 * v;
    out.set(name, { shape, data: Float32Array.from(n, value) });
  });
  return out;
}

/** The reference script's three pictures: (x·7 + y·13 + c·50 + k·31) mod 256, 32 px colour. */
const pictures = [0, 1, 2].map((k) => {
  const a = new Uint8Array(32 * 32 * 3);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) for (let c = 0; c < 3; c++) a[(y * 32 + x) * 3 + c] = (x * 7 + y * 13 + c * 50 + k * 31) % 256;
  return a;
});

test("imported Inception weights give PyTorch's features; a wrong or damaged file is refused naming what is wrong", async (t) => {
  const base = tempDir(t);
  const all = weights();
  assert.equal(all.size, reference.tensors, 'the layout names as many tensors as PyTorch has');
  const file = join(base, 'pt_inception-2015-12-05-6726825d.pth');
  writeFileSync(file, torchSave(all));

  // Refusals, each naming the file and what is wrong, before anything is installed.
  const wrongShape = new Map(all);
  wrongShape.set('Mixed_6b.branch7x7_2.conv.weight', { shape: [128, 128, 7, 1], data: all.get('Mixed_6b.branch7x7_2.conv.weight')!.data });
  writeFileSync(join(base, 'shape.pth'), torchSave(wrongShape));
  const shape = runCli(base, 'inception', join(base, 'shape.pth'));
  assert.equal(shape.code, 1);
  assert.match(shape.stderr, /shape\.pth: Mixed_6b\.branch7x7_2\.conv\.weight is \[128, 128, 7, 1\] where FID's Inception has \[128, 128, 1, 7\]/);
  const missing = new Map(all);
  missing.delete('Mixed_7c.branch_pool.bn.running_var');
  writeFileSync(join(base, 'missing.pth'), torchSave(missing));
  assert.match(
    runCli(base, 'inception', join(base, 'missing.pth')).stderr,
    /has no tensor Mixed_7c\.branch_pool\.bn\.running_var: it is not the Inception network FID uses/,
  );
  writeFileSync(join(base, 'text.pth'), 'not a zip at all');
  assert.match(
    runCli(base, 'inception', join(base, 'text.pth')).stderr,
    /text\.pth is not a PyTorch weights file Leporello can read \(.*no end-of-directory record\)/,
  );

  const imported = runCli(base, 'inception', file, '--json');
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(imported.json().tensors, 472);

  // The features of the reference's pictures, on the engine's backend, against PyTorch's.
  const { selectBackend } = await import('../../electron/engine/backends');
  const { loadInception } = await import('../../electron/engine/metrics/inception');
  await selectBackend('wasm');
  const net = await loadInception(inceptionDir(join(base, 'home')));
  const features = await net.features(pictures, 32, 3);
  // A second call (the network's weights outlive the first) gives the same numbers.
  const again = await net.features(pictures.slice(0, 1), 32, 3);
  net.dispose();
  assert.deepEqual(again[0], features[0]);
  let worst = 0;
  features.forEach((f, k) => f.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - reference.features[k]![i]!)))));
  assert.ok(worst < 1e-4, `features differ from PyTorch's by up to ${worst}`);
  // The pictures differ, and so do their features: nothing constant passes.
  assert.ok(Math.abs(features[0]![1]! - features[2]![1]!) > 1e-3);
});

test('a run measured with true FID and KID once the weights are imported; without them, the message says how to get them', (t) => {
  const base = tempDir(t);
  const { project, cli } = tinyTrainedProject(base, 1);

  const without = cli('metrics', project, '--run', '1', '--metrics', 'fid', '--samples', '8', '--reals', '8');
  assert.equal(without.code, 1);
  assert.match(
    without.stderr,
    /true FID and KID need the Inception weights .* get pt_inception-2015-12-05-6726825d\.pth .* import it once with 'leporello inception FILE'/,
  );

  const file = join(base, 'inception.pth');
  writeFileSync(file, torchSave(weights()));
  assert.equal(cli('inception', file).code, 0);
  // Asked for nothing in particular, every metric is measured, FID and KID (Inception) among them.
  const measured = cli('metrics', project, '--run', '1', '--samples', '8', '--reals', '8', '--backend', 'wasm', '--json');
  assert.equal(measured.code, 0, measured.stderr);
  const values = measured.json().measured[0].values as Record<string, number>;
  assert.deepEqual(Object.keys(values).sort(), ['fd-face', 'fid', 'kid-face', 'kid-inception', 'precision-face', 'recall-face', 'swd']);
  assert.ok(values.fid! > 0 && Number.isFinite(values['kid-inception']!), JSON.stringify(values));
  const db = new Database(join(project, DATABASE_FILE), { readonly: true });
  const row = db.prepare("SELECT value, settings FROM quality WHERE name = 'fid'").get() as { value: number; settings: string };
  db.close();
  assert.equal(row.value, values.fid);
  assert.match(JSON.parse(row.settings).features, /Inception 2015-12-05 pool \(2048-d, sha256 [0-9a-f]{12}\)/);
});
