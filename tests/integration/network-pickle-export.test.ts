// Pickles out: a network exported for NVIDIA's tools is their TensorFlow layout, variable for
// variable what an independent writer (tests/fixtures/stylegan2-tf/make_tf_pickle.py, from the
// same PyTorch pickle) produced, with only settings NVIDIA's legacy.py reads, nothing in it but
// numpy arrays and network states, and back in Leporello it is the same network.
// bench/nvidia-roundtrip.py runs NVIDIA's own loader on it (not here: NVIDIA's code is not part of the project).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildNumpy, numpyArray, TORCH_REDUCERS } from '../../electron/services/exchange/pickle/torch-data';
import { PickleObject, unpickle } from '../../electron/services/exchange/pickle/unpickle';
import { readNetworkFiles } from '../../electron/formats/network-file';
import { readZip } from '../../electron/services/exchange/zip';
import { repoRoot, runCli, sharedData, smallPortraits, tempDir } from '../helpers';

const fixtures = join(sharedData, '..', 'fixtures', 'stylegan2');
const tfFixture = join(repoRoot, 'tests', 'fixtures', 'stylegan2-tf', 'sg2-tiny-32-tf.pkl');

/** The static kwargs stylegan2-ada-pytorch's legacy.py reads; any other name makes it raise "Unknown TensorFlow kwarg". */
const LEGACY_G_KWARGS = new Set(
  'latent_size label_size dlatent_size resolution num_channels mapping_layers label_fmaps mapping_fmaps mapping_nonlinearity mapping_lrmul w_avg_beta fmap_base fmap_max num_fp16_res conv_clamp architecture resample_kernel use_noise nonlinearity truncation_psi truncation_cutoff style_mixing_prob structure'.split(
    ' ',
  ),
);
const LEGACY_D_KWARGS = new Set(
  'label_size resolution num_channels architecture fmap_base fmap_max num_fp16_res conv_clamp mapping_fmaps nonlinearity resample_kernel freeze_layers mapping_layers mapping_lrmul mbstd_group_size mbstd_num_features structure'.split(
    ' ',
  ),
);

interface Net {
  kwargs: Map<string, unknown>;
  variables: Map<string, { shape: number[]; data: ArrayLike<number> }>;
}

/** A TensorFlow-layout pickle's networks as plain data: every object in it must be a Network state or a NumPy array. */
function tfNetworks(file: string): Net[] {
  const value = unpickle(readFileSync(file), 0, { reducers: TORCH_REDUCERS, build: buildNumpy }).value as unknown[];
  const walk = (net: unknown, prefix: string, into: Net): void => {
    assert.ok(net instanceof PickleObject, `${prefix || 'top'} is a ${String(net)}`);
    assert.equal(net.className, 'dnnlib.tflib.network.Network');
    const state = net.state as Map<string, unknown>;
    assert.equal(state.get('version'), 4);
    for (const [name, v] of state.get('variables') as [string, unknown][]) {
      const a = numpyArray(v);
      assert.ok(a, `${prefix}${name} is not a NumPy array`);
      into.variables.set(`${prefix}${name}`, a);
    }
    for (const [name, c] of state.get('components') as Map<string, unknown>) walk(c, `${prefix}${name}/`, into);
  };
  assert.equal(value.length, 3);
  return value.map((net) => {
    const out: Net = {
      kwargs:
        (net as PickleObject).state instanceof Map
          ? (((net as PickleObject).state as Map<string, unknown>).get('static_kwargs') as Map<string, unknown>)
          : new Map(),
      variables: new Map(),
    };
    walk(net, '', out);
    return out;
  });
}

test("a network exported for NVIDIA's tools is their TensorFlow layout, variable for variable, and imports back as the same network", async (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  assert.equal(runCli(base, 'project', 'create', project).code, 0);
  assert.equal(runCli(base, 'import-network', project, join(fixtures, 'sg2-tiny-32.pkl')).code, 0);
  const file = join(base, 'for-nvidia.pkl');
  const exported = runCli(base, 'export-network', project, '--network', 'sg2-tiny-32', '--format', 'pkl', '--out', file, '--json');
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(exported.json().bytes, readFileSync(file).length);
  assert.match(exported.json().license, /non-commercial/);

  const ours = tfNetworks(file);
  const theirs = tfNetworks(tfFixture);
  for (const [i, role] of ['G', 'D', 'Gs'].entries()) {
    assert.deepEqual([...ours[i]!.variables.keys()].sort(), [...theirs[i]!.variables.keys()].sort(), `${role}'s variables`);
    for (const [name, a] of ours[i]!.variables) {
      const b = theirs[i]!.variables.get(name)!;
      assert.deepEqual(a.shape, b.shape, `${role} ${name}`);
      assert.deepEqual(Array.from(a.data), Array.from(b.data), `${role} ${name}`);
    }
    const known = role === 'D' ? LEGACY_D_KWARGS : LEGACY_G_KWARGS;
    for (const k of ours[i]!.kwargs.keys()) assert.ok(known.has(k), `${role}'s static kwarg ${k} is one legacy.py knows`);
    for (const [k, v] of theirs[i]!.kwargs) if (v !== null) assert.equal(ours[i]!.kwargs.get(k), v, `${role}'s ${k}`);
  }

  // Back in: the same tensors, bit for bit, in every role.
  const back = runCli(base, 'import-network', project, file, '--name', 'back', '--json');
  assert.equal(back.code, 0, back.stderr);
  const networks = runCli(base, 'networks', project, '--json').json() as { name: string; path: string }[];
  const [a, b] = await Promise.all(['sg2-tiny-32', 'back'].map((n) => readNetworkFiles(join(project, networks.find((x) => x.name === n)!.path))));
  assert.deepEqual(b!.manifest.config, a!.manifest.config);
  for (const role of ['G', 'D', 'G_ema'] as const) {
    assert.equal(b!.weights[role].size, a!.weights[role].size, role);
    for (const [name, x] of a!.weights[role]) assert.deepEqual(Array.from(b!.weights[role].get(name)!.data), Array.from(x.data), `${role} ${name}`);
  }

  // An existing file is kept unless --force.
  const again = runCli(base, 'export-network', project, '--network', '1', '--format', 'pkl', '--out', file);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /for-nvidia.pkl exists already: give another --out, or --force/);
});

test("export-dataset --train-command writes train.sh for NVIDIA's train.py beside the archive; a network it cannot resume from is refused before the archive is written", (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  for (const args of [
    ['project', 'create', project],
    ['import', project, smallPortraits, '--collection', 'portraits'],
    ['import-network', project, join(fixtures, 'sg2-tiny-32.pkl')],
  ])
    assert.equal(runCli(base, ...args).code, 0, args.join(' '));
  const exportAt32 = (out: string, ...extra: string[]) =>
    runCli(base, 'export-dataset', project, '--collection', 'portraits', '--resolution', '32', '--out', out, '--train-command', '--kimg', '500', ...extra);
  const refused = exportAt32(join(base, 'a', 'p32.zip'), '--network', 'sg2-tiny-32');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /NVIDIA's train\.py cannot resume from this network: its latents are 64\/64-dimensional/);
  assert.equal(existsSync(join(base, 'a', 'p32.zip')), false, 'nothing written');

  const zip = join(base, 'b', 'p32.zip');
  const r = exportAt32(zip, '--gpus', '2', '--gamma', '0.5', '--mirror', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.json().files, ['p32.zip']);
  const script = readFileSync(join(base, 'b', 'train.sh'), 'utf8');
  assert.match(script, /^#!\/bin\/sh\n# Train on a cluster with NVIDIA's stylegan2-ada-pytorch/);
  assert.match(script, /# Copy p32\.zip and this file into a checkout of https:\/\/github\.com\/NVlabs\/stylegan2-ada-pytorch/);
  assert.match(
    script,
    /\npython train\.py --outdir=training-runs --data=p32\.zip --gpus=2 --cfg=auto --kimg=500 --snap=50 --seed=1 --mirror=1 --gamma=0\.5 --aug=ada --metrics=none\n$/,
  );
  assert.ok(readZip(readFileSync(zip), zip).filter((e) => e.name.endsWith('.png')).length > 0);
});
