// The pickle reader builds data and never runs code. Byte strings below were written by
// CPython 3's pickle module (protocols 2, 4 and 5) from the values in the comments; the network
// pickles are the real ones NVIDIA's code wrote (../shared/fixtures/stylegan2).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PickleWriter, PyClass, PyFloat32Array, PyInstance, PyTuple, type PyValue } from '../../electron/services/exchange/pickle/pickle-writer';
import { readNetworkPickle } from '../../electron/services/exchange/pickle/stylegan2-pickle';
import { PickleObject, unpickle } from '../../electron/services/exchange/pickle/unpickle';
import { buildNumpy, TORCH_REDUCERS, type TensorData } from '../../electron/services/exchange/pickle/torch-data';
import { sharedData } from '../helpers';

const fixtures = join(sharedData, '..', 'fixtures', 'stylegan2');
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

// {'a': (1, 2.5, None, True, False), 'b': [b'xy', 'ü', -3, 2**70, -(2**40)], 3: {'nested': (1,)}, 'od': OrderedDict(x=1)}
const PLAIN = {
  2: '80027d7100285801000000617101284b014740040000000000004e888974710258010000006271035d710428635f636f646563730a656e636f64650a710558020000007879710658060000006c6174696e3171078671085271095802000000c3bc710a4afdffffff8a090000000000000000408a060000000000ff654b037d710b58060000006e6573746564710c4b0185710d7358020000006f64710e63636f6c6c656374696f6e730a4f726465726564446963740a710f2952711058010000007871114b0173752e',
  4: '80049583000000000000007d94288c016194284b014740040000000000004e888974948c0162945d942843027879948c02c3bc944afdffffff8a090000000000000000408a060000000000ff654b037d948c066e6573746564944b018594738c026f64948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c0178944b0173752e',
  5: '80059583000000000000007d94288c016194284b014740040000000000004e888974948c0162945d942843027879948c02c3bc944afdffffff8a090000000000000000408a060000000000ff654b037d948c066e6573746564944b018594738c026f64948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c0178944b0173752e',
};

test('plain data in protocols 2, 4 and 5: numbers, big integers, text, bytes, tuples, dicts with any keys', () => {
  for (const [protocol, bytes] of Object.entries(PLAIN)) {
    const v = unpickle(hex(bytes)).value as Map<unknown, unknown>;
    assert.deepEqual(v.get('a'), [1, 2.5, null, true, false], `protocol ${protocol}`);
    const b = v.get('b') as unknown[];
    assert.deepEqual([...(b[0] as Uint8Array)], [0x78, 0x79]);
    assert.deepEqual(b.slice(1), ['ü', -3, 2n ** 70n, -(2 ** 40)]);
    assert.deepEqual((v.get(3) as Map<string, unknown>).get('nested'), [1]);
    assert.deepEqual([...(v.get('od') as Map<string, unknown>)], [['x', 1]]);
  }
});

test('a pickle that would run a command in Python only describes the call, and nothing runs', () => {
  // class Evil: __reduce__ = lambda self: (os.system, ('touch /tmp/leporello-pwned',))
  const evil = '80049535000000000000008c05706f736978948c0673797374656d9493948c1a746f756368202f746d702f6c65706f72656c6c6f2d70776e656494859452942e';
  const v = unpickle(hex(evil)).value;
  assert.ok(v instanceof PickleObject);
  assert.equal(v.className, 'posix.system');
  assert.deepEqual(v.args, ['touch /tmp/leporello-pwned']);
  assert.ok(!existsSync('/tmp/leporello-pwned'));
});

test('damaged pickles are refused with where they broke', () => {
  const good = hex(PLAIN[4]);
  assert.throws(() => unpickle(good.subarray(0, 40)), /the pickle ends early|stack underflow|MARK expected/);
  const bad = Uint8Array.from(good);
  bad[12] = 0xff;
  assert.throws(() => unpickle(bad), /unknown pickle opcode 0xff at offset 12/);
});

test("NVIDIA's network pickles: init kwargs, every parameter and buffer with its shape, the training set", () => {
  const tiny = readNetworkPickle(readFileSync(join(fixtures, 'sg2-tiny-32.pkl')), 'sg2-tiny-32.pkl');
  assert.equal(tiny.G_ema.className, 'Generator');
  assert.deepEqual(tiny.G_ema.initKwargs, {
    z_dim: 64,
    c_dim: 0,
    w_dim: 64,
    img_resolution: 32,
    img_channels: 3,
    mapping_kwargs: { num_layers: 2 },
    synthesis_kwargs: { channel_base: 2048, channel_max: 64, num_fp16_res: 0, conv_clamp: 256, architecture: 'skip' },
  });
  assert.equal(tiny.D?.className, 'Discriminator');
  assert.equal(tiny.D?.initKwargs.architecture, 'resnet');
  assert.deepEqual(tiny.D?.initKwargs.epilogue_kwargs, { mbstd_group_size: 4 });
  assert.equal(tiny.trainingSet?.resolution, 32);
  const t = tiny.G_ema.tensors;
  assert.deepEqual(t.get('mapping.fc0.weight')?.shape, [64, 64]);
  assert.deepEqual(t.get('mapping.w_avg')?.shape, [64]);
  assert.deepEqual(t.get('synthesis.b4.const')?.shape, [64, 4, 4]);
  assert.deepEqual(t.get('synthesis.b32.conv1.noise_const')?.shape, [32, 32]);
  assert.deepEqual(t.get('synthesis.b4.conv1.noise_strength')?.shape, []);
  assert.deepEqual(
    [...t.get('synthesis.b4.resample_filter')!.data].slice(0, 4).map((x) => +x.toFixed(6)),
    [0.015625, 0.046875, 0.046875, 0.015625],
    'the [1,3,3,1] FIR filter, normalised',
  );
  for (const [name, tensor] of t) {
    assert.equal(
      tensor.data.length,
      tensor.shape.reduce((a, b) => a * b, 1),
      name,
    );
    assert.ok(tensor.data.every(Number.isFinite), name);
  }
  // The perturbed weights really were read: the mean latent is not zero.
  assert.ok(t.get('mapping.w_avg')!.data.some((x) => Math.abs(x) > 1e-3));
  // G and G_ema are two networks with the same layout and different weights.
  assert.deepEqual([...tiny.G.tensors.keys()], [...t.keys()]);

  const cond = readNetworkPickle(readFileSync(join(fixtures, 'sg2-cond-64.pkl')), 'sg2-cond-64.pkl');
  assert.equal(cond.G_ema.initKwargs.c_dim, 3);
  assert.deepEqual(cond.G_ema.tensors.get('mapping.embed.weight')?.shape, [80, 3]);
  assert.deepEqual(cond.G_ema.tensors.get('mapping.fc0.weight')?.shape, [80, 176], 'z (96) and the embedded label (80), concatenated');
  assert.deepEqual(cond.D?.tensors.get('b4.out.weight')?.shape, [96, 96], "the conditional D's projection");
});

test('StyleGAN3 networks and StyleGAN (v1) variants Leporello cannot draw are refused by name; a file that is no network says so', () => {
  // {'G': …, 'G_ema': …, 'D': None} with persistent Generators whose module source is StyleGAN3's.
  const sg3 =
    '800495bf010000000000007d94288c0147948c17746f7263685f7574696c732e70657273697374656e6365948c1b5f7265636f6e7374727563745f70657273697374656e745f6f626a9493947d94288c0474797065948c05636c617373948c0776657273696f6e944b068c0a6d6f64756c655f737263948c30696d706f72742066696c74657265645f6c72656c750a636c6173732053796e746865736973496e7075743a2070617373948c0a636c6173735f6e616d65948c0947656e657261746f72948c057374617465947d94288c0b5f706172616d6574657273948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c085f627566666572739468122952948c085f6d6f64756c65739468122952948c0a5f696e69745f6172677394298c0c5f696e69745f6b7761726773947d948c057a5f64696d944d0002737575859452948c05475f656d619468047d94286806680768084b0668098c2a66726f6d20746f7263685f7574696c732e6f707320696d706f72742066696c74657265645f6c72656c7594680b680c680d7d9428680f6812295294681468122952946816681229529468182968197d94681b4d0002737575859452948c0144944e752e';
  assert.throws(
    () => readNetworkPickle(hex(sg3), 'stylegan3-r-ffhq.pkl'),
    /stylegan3-r-ffhq\.pkl holds a StyleGAN3 network \(alias-free synthesis layers\), which Leporello does not support/,
  );
  // NVlabs/stylegan's (v1) layout: TensorFlow networks whose synthesis layers carry AdaIN's StyleMod weights.
  const network = (name: string, variables: [string, number[]][], components = new Map<string, PyValue>(), kwargs = new Map<string, PyValue>()) =>
    new PyInstance(
      new PyClass('dnnlib.tflib.network', 'Network'),
      new Map<string, PyValue>([
        ['version', 4],
        ['name', name],
        ['static_kwargs', kwargs],
        ['components', components],
        ['variables', variables.map(([n, shape]) => new PyTuple([n, new PyFloat32Array(shape, new Float32Array(shape.reduce((a, b) => a * b, 1)))]))],
      ]),
    );
  const g = (kwargs = new Map<string, PyValue>()) =>
    network(
      'G',
      [['dlatent_avg', [512]]],
      new Map<string, PyValue>([
        [
          'synthesis',
          network('G_synthesis', [
            ['4x4/Const/StyleMod/weight', [512, 1024]],
            ['ToRGB_lod0/weight', [1, 1, 512, 3]],
          ]),
        ],
      ]),
      kwargs,
    );
  const v1 = (kwargs: Map<string, PyValue>) =>
    Buffer.concat(PickleWriter.dump(new PyTuple([g(kwargs), network('D', [['4x4/Dense0/weight', [8192, 512]]]), g(kwargs)])).chunks);
  assert.throws(
    () => readNetworkPickle(v1(new Map([['nonlinearity', 'relu']])), 'relu-stylegan.pkl'),
    /relu-stylegan\.pkl: a StyleGAN \(v1\) network with nonlinearity='relu', which Leporello does not draw \(only 'lrelu'\)/,
  );
  assert.throws(
    () => readNetworkPickle(v1(new Map([['const_input_layer', false]])), 'dense-input.pkl'),
    /dense-input\.pkl: a StyleGAN \(v1\) generator that starts from a dense layer instead of the learned constant/,
  );
  // A v1 network missing its layers says which.
  assert.throws(
    () => readNetworkPickle(v1(new Map()), 'cut.pkl'),
    /cut\.pkl: its generator has no mapping\/Dense0\/weight: not a StyleGAN \(v1\) network Leporello can read/,
  );
  assert.throws(() => readNetworkPickle(hex(PLAIN[4]), 'notes.pkl'), /notes\.pkl is a pickle but not a StyleGAN2 network snapshot/);
  const truncated = readFileSync(join(fixtures, 'sg2-tiny-32.pkl')).subarray(0, 100_000);
  assert.throws(
    () => readNetworkPickle(truncated, 'half.pkl'),
    /half\.pkl is not a network pickle Leporello can read: the pickle ends early .*; the file looks cut short: download it again/,
  );
  assert.throws(
    () => readNetworkPickle(readFileSync(join(sharedData, 'portraits-small', readdirSync(join(sharedData, 'portraits-small'))[0]!)), 'portrait.jpg'),
    /portrait\.jpg does not start like a Python pickle: import the \.pkl that NVIDIA's training writes/,
  );
  assert.throws(
    () => readNetworkPickle(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]), 'model.pt'),
    /model\.pt is a ZIP archive \(a PyTorch torch\.save checkpoint or a dataset\), not a network pickle/,
  );
});

test('tensors that are views: a transpose reads by its strides, a slice from its offset, float64 becomes float32', () => {
  // {'t': torch.arange(6.).reshape(2, 3).t(), 's': torch.arange(10, dtype=torch.float64)[3:7]}, as plain pickle writes them (torch 1.13).
  const views =
    '80027d710028580100000074710163746f7263682e5f7574696c730a5f72656275696c645f74656e736f725f76320a71022863746f7263682e73746f726167650a5f6c6f61645f66726f6d5f62797465730a7103635f636f646563730a656e636f64650a7104581b010000c28002c28a0a6cc3bcc29c46c3b9206ac2a850192ec280024dc3a9032ec280027d710028581000000070726f746f636f6c5f76657273696f6e71014dc3a903580d0000006c6974746c655f656e6469616e7102c288580a000000747970655f73697a657371037d710428580500000073686f727471054b025803000000696e7471064b0458040000006c6f6e6771074b0475752ec2800228580700000073746f72616765710063746f7263680a466c6f617453746f726167650a7101580a000000313039313033313830387102580300000063707571034b064e747104512ec280025d7100580a000000313039313033313830387101612e0600000000000000000000000000c2803f00000040000040400000c280400000c2a040710558060000006c6174696e31710686710752710885710952710a4b004b034b0286710b4b014b0386710c8963636f6c6c656374696f6e730a4f726465726564446963740a710d2952710e74710f5271105801000000737111680228680368045852010000c28002c28a0a6cc3bcc29c46c3b9206ac2a850192ec280024dc3a9032ec280027d710028581000000070726f746f636f6c5f76657273696f6e71014dc3a903580d0000006c6974746c655f656e6469616e7102c288580a000000747970655f73697a657371037d710428580500000073686f727471054b025803000000696e7471064b0458040000006c6f6e6771074b0475752ec2800228580700000073746f72616765710063746f7263680a446f75626c6553746f726167650a7101580a000000313039313034303838307102580300000063707571034b0a4e747104512ec280025d7100580a000000313039313034303838307101612e0a000000000000000000000000000000000000000000c3b03f000000000000004000000000000008400000000000001040000000000000144000000000000018400000000000001c4000000000000020400000000000002240711268068671135271148571155271164b034b048571174b0185711889680d2952711974711a52711b752e';
  const value = unpickle(hex(views), 0, { reducers: TORCH_REDUCERS, build: buildNumpy }).value as Map<string, TensorData>;
  const t = value.get('t')!;
  assert.deepEqual(
    [t.shape, Array.from(t.data)],
    [
      [3, 2],
      [0, 3, 1, 4, 2, 5],
    ],
  );
  const s = value.get('s')!;
  assert.deepEqual([s.shape, s.data instanceof Float32Array, Array.from(s.data)], [[4], true, [3, 4, 5, 6]]);
});
