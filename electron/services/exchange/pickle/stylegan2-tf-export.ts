// A StyleGAN2 network written as NVIDIA's original TensorFlow release pickled it: a tuple (G, D, Gs)
// of dnnlib.tflib.network.Network states listing their static kwargs, sub-networks and (name,
// ndarray) variables. NVIDIA's PyTorch loader (legacy.load_network_pkl in stylegan2-ada-pytorch,
// also used by StyleGAN3 and the tools built on them) converts exactly this layout into its own
// modules, so the file carries weights and settings only — no code of ours, none of theirs.
// The inverse of what stylegan2-tf-pickle.ts reads: dense weights [in, out], convolutions HWIO
// with the generator's up-sampling kernels flipped, affine biases stored minus one, the noise
// inputs as [1, 1, r, r] variables of the synthesis network.
import { AppError } from '../../../../shared/errors';
import { blockResolutions, type StyleGan2Config } from '../../../formats/stylegan2-layout';
import { transposed } from './transpose';
import { PyFloat, PyFloat32Array, PyInstance, PyClass, PyTuple, type PyValue } from './pickle-writer';

export type Tensors = Map<string, { shape: number[]; data: Float32Array }>;

const NETWORK = new PyClass('dnnlib.tflib.network', 'Network');

/** Variables of one Network, by the names NVIDIA's TensorFlow code gave them. */
class Variables {
  readonly list: PyValue[] = [];
  constructor(
    private readonly tensors: Tensors,
    private readonly role: string,
  ) {}
  private get(name: string) {
    const t = this.tensors.get(name);
    if (!t) throw new AppError('invalid_request', `the network's ${this.role} has no ${name}; it cannot be written for NVIDIA's tools`);
    return t;
  }
  private transposed(from: string, perm: number[], flipAxes: number[] = []): PyFloat32Array {
    const t = this.get(from);
    return new PyFloat32Array(
      perm.map((p) => t.shape[p]!),
      transposed(t.shape, t.data, perm, flipAxes),
    );
  }
  private add(name: string, a: PyFloat32Array) {
    this.list.push(new PyTuple([name, a]));
  }
  as(name: string, from: string, leading: number[] = []) {
    const t = this.get(from);
    this.add(name, new PyFloat32Array([...leading, ...t.shape], t.data));
  }
  dense(name: string, from: string) {
    this.add(name, this.transposed(from, [1, 0]));
  }
  /** OIHW → HWIO, flipped in space for the generator's transposed (up-sampling) convolutions. */
  conv(name: string, from: string, flip = false) {
    this.add(name, this.transposed(from, [2, 3, 1, 0], flip ? [0, 1] : []));
  }
  minusOne(name: string, from: string) {
    const t = this.get(from);
    this.add(
      name,
      new PyFloat32Array(
        t.shape,
        Float32Array.from(t.data, (x) => x - 1),
      ),
    );
  }
}

function network(name: string, staticKwargs: Map<string, PyValue>, variables: Variables, components: Map<string, PyValue> = new Map()): PyInstance {
  return new PyInstance(
    NETWORK,
    new Map<string, PyValue>([
      ['version', 4],
      ['name', name],
      ['static_kwargs', staticKwargs],
      ['components', components],
      // The TensorFlow code that built it is left out: NVIDIA's PyTorch loader never reads it.
      ['build_module_src', ''],
      ['build_func_name', name === 'D' ? 'D_main' : 'G_main'],
      ['variables', variables.list],
    ]),
  );
}

/** What a Leporello network cannot be written as: NVIDIA's loader converts only these settings. */
function refuseUnconvertible(config: StyleGan2Config): void {
  const refuse = (why: string) => {
    throw new AppError('invalid_request', `this network ${why}, which NVIDIA's loader (legacy.py) cannot convert from the TensorFlow layout`);
  };
  if (config.gArchitecture !== 'skip') refuse(`has a '${config.gArchitecture}' generator`);
  if (config.channelBase % 2 !== 0) refuse(`has an odd channel base (${config.channelBase})`);
}

function generatorKwargs(config: StyleGan2Config): Map<string, PyValue> {
  const kw = new Map<string, PyValue>([
    ['latent_size', config.zDim],
    ['label_size', config.cDim],
    ['dlatent_size', config.wDim],
    ['resolution', config.resolution],
    ['num_channels', config.channels],
    ['mapping_layers', config.mappingLayers],
    ['mapping_lrmul', new PyFloat(config.mappingLrMultiplier)],
    ['w_avg_beta', new PyFloat(config.wAvgBeta)],
    ['fmap_base', config.channelBase / 2],
    ['fmap_max', config.channelMax],
    ['architecture', 'skip'],
  ]);
  if (config.convClamp !== null) kw.set('conv_clamp', config.convClamp);
  return kw;
}

function generator(config: StyleGan2Config, tensors: Tensors, name: 'G' | 'Gs'): PyInstance {
  const mapping = new Variables(tensors, `${name} mapping network`);
  if (config.cDim > 0) {
    mapping.dense('LabelEmbed/weight', 'mapping.embed.weight');
    mapping.as('LabelEmbed/bias', 'mapping.embed.bias');
  }
  for (let i = 0; i < config.mappingLayers; i++) {
    mapping.dense(`Dense${i}/weight`, `mapping.fc${i}.weight`);
    mapping.as(`Dense${i}/bias`, `mapping.fc${i}.bias`);
  }
  const synthesis = new Variables(tensors, `${name} synthesis network`);
  const layer = (r: number, tfName: string, torchName: string, noiseIndex: number | null, flip = false) => {
    const at = `${r}x${r}/${tfName}`;
    const from = `synthesis.b${r}.${torchName}`;
    synthesis.conv(`${at}/weight`, `${from}.weight`, flip);
    synthesis.as(`${at}/bias`, `${from}.bias`);
    synthesis.dense(`${at}/mod_weight`, `${from}.affine.weight`);
    synthesis.minusOne(`${at}/mod_bias`, `${from}.affine.bias`);
    if (noiseIndex !== null) {
      synthesis.as(`${at}/noise_strength`, `${from}.noise_strength`);
      synthesis.as(`noise${noiseIndex}`, `${from}.noise_const`, [1, 1]);
    }
  };
  for (const r of blockResolutions(config)) {
    const log2 = Math.log2(r);
    if (r === 4) {
      synthesis.as('4x4/Const/const', 'synthesis.b4.const', [1]);
      layer(4, 'Conv', 'conv1', 0);
    } else {
      layer(r, 'Conv0_up', 'conv0', log2 * 2 - 5, true);
      layer(r, 'Conv1', 'conv1', log2 * 2 - 4);
    }
    layer(r, 'ToRGB', 'torgb', null);
  }
  const top = new Variables(tensors, name);
  top.as('dlatent_avg', 'mapping.w_avg');
  const kwargs = generatorKwargs(config);
  return network(
    name,
    kwargs,
    top,
    new Map<string, PyValue>([
      ['mapping', network('G_mapping', kwargs, mapping)],
      ['synthesis', network('G_synthesis', kwargs, synthesis)],
    ]),
  );
}

function discriminator(config: StyleGan2Config, tensors: Tensors): PyInstance {
  const v = new Variables(tensors, 'discriminator');
  for (let r = config.resolution; r > 4; r /= 2) {
    if (r === config.resolution || config.dArchitecture === 'skip') {
      v.conv(`${r}x${r}/FromRGB/weight`, `b${r}.fromrgb.weight`);
      v.as(`${r}x${r}/FromRGB/bias`, `b${r}.fromrgb.bias`);
    }
    v.conv(`${r}x${r}/Conv0/weight`, `b${r}.conv0.weight`);
    v.as(`${r}x${r}/Conv0/bias`, `b${r}.conv0.bias`);
    v.conv(`${r}x${r}/Conv1_down/weight`, `b${r}.conv1.weight`);
    v.as(`${r}x${r}/Conv1_down/bias`, `b${r}.conv1.bias`);
    if (config.dArchitecture === 'resnet') v.conv(`${r}x${r}/Skip/weight`, `b${r}.skip.weight`);
  }
  if (config.dArchitecture === 'skip') {
    v.conv('4x4/FromRGB/weight', 'b4.fromrgb.weight');
    v.as('4x4/FromRGB/bias', 'b4.fromrgb.bias');
  }
  if (config.cDim > 0) {
    v.dense('LabelEmbed/weight', 'mapping.embed.weight');
    v.as('LabelEmbed/bias', 'mapping.embed.bias');
    for (let i = 0; i < config.dMappingLayers; i++) {
      v.dense(`Mapping${i}/weight`, `mapping.fc${i}.weight`);
      v.as(`Mapping${i}/bias`, `mapping.fc${i}.bias`);
    }
  }
  v.conv('4x4/Conv/weight', 'b4.conv.weight');
  v.as('4x4/Conv/bias', 'b4.conv.bias');
  v.dense('4x4/Dense0/weight', 'b4.fc.weight');
  v.as('4x4/Dense0/bias', 'b4.fc.bias');
  v.dense('Output/weight', 'b4.out.weight');
  v.as('Output/bias', 'b4.out.bias');
  const kw = new Map<string, PyValue>([
    ['label_size', config.cDim],
    ['resolution', config.resolution],
    ['num_channels', config.channels],
    ['architecture', config.dArchitecture],
    ['fmap_base', config.channelBase / 2],
    ['fmap_max', config.channelMax],
    ['mbstd_group_size', config.mbstdGroupSize],
    ['mbstd_num_features', config.mbstdChannels],
  ]);
  if (config.convClamp !== null) kw.set('conv_clamp', config.convClamp);
  if (config.cDim > 0) {
    kw.set('mapping_fmaps', config.cmapDim);
    kw.set('mapping_layers', config.dMappingLayers);
    kw.set('mapping_lrmul', new PyFloat(config.mappingLrMultiplier));
  }
  return network('D', kw, v);
}

/**
 * (G, D, Gs) in the TensorFlow layout. G is the trained generator, Gs its moving average (what
 * NVIDIA's tools draw with, G_ema once loaded); a network without its own G is written with Gs in
 * both places, as NVIDIA's own reader does when a pickle holds only G_ema.
 */
export function styleGan2TfPickle(config: StyleGan2Config, weights: { G: Tensors | null; D: Tensors; G_ema: Tensors }): PyTuple {
  refuseUnconvertible(config);
  return new PyTuple([generator(config, weights.G ?? weights.G_ema, 'G'), discriminator(config, weights.D), generator(config, weights.G_ema, 'Gs')]);
}
