// NVIDIA's original TensorFlow StyleGAN2 pickles (`stylegan2-ffhq-config-f.pkl` and the like): a
// tuple (G, D, Gs) of dnnlib.tflib.network.Network objects whose pickled state lists their static
// kwargs, sub-networks ("components") and variables as (name, ndarray) pairs. They are rebuilt here
// into the same names, shapes and kwargs as the PyTorch pickles, with the renames and transposes
// that conversion needs; the building code they carry is never run.
import { GRAPH_LIMITS } from './graph-limits';
import { AppError } from '../../../../shared/errors';
import type { ImportedNetwork, JsonValue } from './stylegan2-pickle';
import { lazyTensor, numpyArray, type TensorData } from './torch-data';
import { transposed } from './transpose';
import { convertStyleGanPickle, isStyleGanV1, type StyleGanPickle } from './stylegan-tf-pickle';
import { PickleError, PickleObject } from './unpickle';

const TF_NETWORK = 'dnnlib.tflib.network.Network';
type Kwargs = { [k: string]: JsonValue };

export function isTfNetwork(v: unknown): boolean {
  return v instanceof PickleObject && v.className === TF_NETWORK;
}

export interface TfNetwork {
  staticKwargs: Kwargs;
  /** Every variable below the network, named by its path: mapping/Dense0/weight, synthesis/4x4/Conv/weight, dlatent_avg. */
  variables: Map<string, TensorData>;
}

function kwargsOf(v: unknown, where: string): Kwargs {
  if (!(v instanceof Map)) return {};
  const out: Kwargs = {};
  for (const [k, x] of v) {
    if (x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[String(k)] = x;
    else if (typeof x === 'bigint') out[String(k)] = Number(x);
    else if (Array.isArray(x) && x.every((e) => typeof e === 'number')) out[String(k)] = x as number[];
    else throw new PickleError(`${where} static kwarg ${String(k)} is not plain data`);
  }
  return out;
}

function collect(net: unknown, prefix: string, into: Map<string, TensorData>, where: string, seen = new Set<unknown>()): Map<string, unknown> {
  // Components reached twice (or a network among its own components) are refused, not walked again.
  if (seen.has(net)) throw new PickleError(`${where} is a network already seen elsewhere in the file: not a StyleGAN2 pickle`);
  seen.add(net);
  if (prefix.split('/').length > GRAPH_LIMITS.depth)
    throw new PickleError(`${where} is nested more than ${GRAPH_LIMITS.depth} components deep: not a StyleGAN2 pickle`);
  if (!isTfNetwork(net) || !((net as PickleObject).state instanceof Map)) throw new PickleError(`${where} is not a TensorFlow network`);
  const state = (net as PickleObject).state as Map<string, unknown>;
  const version = Number(state.get('version'));
  if (!(version >= 2 && version <= 4))
    throw new PickleError(`${where} is a TensorFlow network of pickle version ${String(state.get('version'))}, which is not supported`);
  const variables = state.get('variables');
  if (!Array.isArray(variables)) throw new PickleError(`${where} has no variables`);
  for (const pair of variables) {
    const [name, value] = pair as [string, unknown];
    // A 0-d variable (StyleGAN's lod) comes back from TensorFlow as a NumPy scalar: a plain number here.
    if (typeof value === 'number') {
      into.set(
        `${prefix}${name}`,
        lazyTensor('float32', [], () => Float32Array.of(value)),
      );
      continue;
    }
    const array = numpyArray(value);
    if (!array) throw new PickleError(`${where} variable ${String(name)} is not a NumPy array`);
    into.set(
      `${prefix}${name}`,
      lazyTensor('float32', array.shape, () => array.data),
    );
  }
  const components = state.get('components');
  if (components instanceof Map) for (const [name, c] of components) collect(c, `${prefix}${String(name)}/`, into, `${where}/${String(name)}`, seen);
  return state;
}

function tfNetwork(net: unknown, where: string): TfNetwork {
  const variables = new Map<string, TensorData>();
  const state = collect(net, '', variables, where);
  return { staticKwargs: kwargsOf(state.get('static_kwargs'), where), variables };
}

/** A layout change TF → PyTorch, done when the tensor is read. */
function permute(t: TensorData, perm: number[], flipAxes: number[] = []): TensorData {
  return lazyTensor(
    'float32',
    perm.map((p) => t.shape[p]!),
    () => transposed(t.shape, t.data, perm, flipAxes),
  );
}

const dense = (t: TensorData) => permute(t, [1, 0]);
/** HWIO → OIHW; the generator's up-sampling kernels are also flipped in space (TF's transposed conv). */
const conv = (t: TensorData, flip = false) => permute(t, [3, 2, 0, 1], flip ? [2, 3] : []);
const plusOne = (t: TensorData): TensorData => lazyTensor('float32', t.shape, () => Float32Array.from(t.data, (x) => x + 1));
/** The leading 1-sized axes dropped: const [1, C, 4, 4] → [C, 4, 4], noise [1, 1, r, r] → [r, r]. */
const squeezeLeading = (t: TensorData, n: number): TensorData => lazyTensor('float32', t.shape.slice(n), () => t.data);

function takeFrom(net: TfNetwork, file: string, role: string) {
  return (name: string): TensorData => {
    const t = net.variables.get(name);
    if (!t)
      throw new AppError('invalid_request', `${file}: its ${role} has no variable ${name}; it is not a StyleGAN2 (config E/F) network Leporello can convert`);
    return t;
  };
}

function kwargReader(kw: Kwargs) {
  return (name: string, fallback: JsonValue): JsonValue => (kw[name] === undefined || kw[name] === null ? fallback : kw[name]!);
}

function convertGenerator(net: TfNetwork, file: string): ImportedNetwork {
  const k = kwargReader(net.staticKwargs);
  const resolution = Number(k('resolution', 1024));
  const mappingLayers = Number(k('mapping_layers', 8));
  const v = takeFrom(net, file, 'generator');
  let architecture = String(k('architecture', 'skip'));
  if ([...net.variables.keys()].some((n) => /(^|\/)ToRGB_lod\d+\//.test(n))) architecture = 'orig';
  if (architecture !== 'skip') {
    throw new AppError(
      'invalid_request',
      `${file}: a TensorFlow generator with the '${architecture}' architecture, which Leporello converts only for 'skip' (configs E and F)`,
    );
  }
  const initKwargs: Kwargs = {
    z_dim: k('latent_size', 512),
    c_dim: k('label_size', 0),
    w_dim: k('dlatent_size', 512),
    img_resolution: resolution,
    img_channels: k('num_channels', 3),
    mapping_kwargs: {
      num_layers: mappingLayers,
      lr_multiplier: k('mapping_lrmul', 0.01),
      w_avg_beta: k('w_avg_beta', k('dlatent_avg_beta', 0.995)),
      // What the PyTorch Generator would be built with; anything but the defaults is refused by the config reader.
      embed_features: k('label_fmaps', null),
      layer_features: k('mapping_fmaps', null),
      activation: k('mapping_nonlinearity', 'lrelu') === 'lrelu' ? null : k('mapping_nonlinearity', 'lrelu'),
    },
    synthesis_kwargs: {
      // TF counts feature maps per stage (fmap_base / 2^(log2 res − 1)), PyTorch per resolution.
      channel_base: Number(k('fmap_base', 16384)) * 2,
      channel_max: k('fmap_max', 512),
      conv_clamp: k('conv_clamp', null),
      architecture,
      activation: k('nonlinearity', 'lrelu') === 'lrelu' ? null : k('nonlinearity', 'lrelu'),
      resample_filter: JSON.stringify(k('resample_kernel', [1, 3, 3, 1])) === '[1,3,3,1]' ? null : k('resample_kernel', null),
    },
  };
  const tensors = new Map<string, TensorData>();
  tensors.set('mapping.w_avg', v('dlatent_avg'));
  if (Number(initKwargs.c_dim) > 0) {
    tensors.set('mapping.embed.weight', dense(v('mapping/LabelEmbed/weight')));
    tensors.set('mapping.embed.bias', v('mapping/LabelEmbed/bias'));
  }
  for (let i = 0; i < mappingLayers; i++) {
    tensors.set(`mapping.fc${i}.weight`, dense(v(`mapping/Dense${i}/weight`)));
    tensors.set(`mapping.fc${i}.bias`, v(`mapping/Dense${i}/bias`));
  }
  const layer = (r: number, tfName: string, torchName: string, noiseIndex: number | null, flip = false) => {
    const at = `synthesis/${r}x${r}/${tfName}`;
    const to = `synthesis.b${r}.${torchName}`;
    tensors.set(`${to}.weight`, conv(v(`${at}/weight`), flip));
    tensors.set(`${to}.bias`, v(`${at}/bias`));
    tensors.set(`${to}.affine.weight`, dense(v(`${at}/mod_weight`)));
    tensors.set(`${to}.affine.bias`, plusOne(v(`${at}/mod_bias`)));
    if (noiseIndex !== null) {
      tensors.set(`${to}.noise_strength`, v(`${at}/noise_strength`));
      tensors.set(`${to}.noise_const`, squeezeLeading(v(`synthesis/noise${noiseIndex}`), 2));
    }
  };
  for (let r = 4, log2 = 2; r <= resolution; r *= 2, log2++) {
    if (r === 4) {
      tensors.set('synthesis.b4.const', squeezeLeading(v('synthesis/4x4/Const/const'), 1));
      layer(4, 'Conv', 'conv1', 0);
    } else {
      layer(r, 'Conv0_up', 'conv0', log2 * 2 - 5, true);
      layer(r, 'Conv1', 'conv1', log2 * 2 - 4);
    }
    layer(r, 'ToRGB', 'torgb', null);
  }
  return { className: 'Generator', initKwargs, tensors };
}

function convertDiscriminator(net: TfNetwork, file: string): ImportedNetwork {
  const k = kwargReader(net.staticKwargs);
  const resolution = Number(k('resolution', 1024));
  const v = takeFrom(net, file, 'discriminator');
  let architecture = String(k('architecture', 'resnet'));
  if ([...net.variables.keys()].some((n) => /^FromRGB_lod\d+\//.test(n))) architecture = 'orig';
  if (architecture !== 'resnet') {
    throw new AppError(
      'invalid_request',
      `${file}: a TensorFlow discriminator with the '${architecture}' architecture, which Leporello converts only for 'resnet' (configs E and F)`,
    );
  }
  const cDim = Number(k('label_size', 0));
  const initKwargs: Kwargs = {
    c_dim: cDim,
    img_resolution: resolution,
    img_channels: k('num_channels', 3),
    architecture,
    channel_base: Number(k('fmap_base', 16384)) * 2,
    channel_max: k('fmap_max', 512),
    conv_clamp: k('conv_clamp', null),
    cmap_dim: k('mapping_fmaps', null),
    // Only a conditional D has a mapping network; PyTorch's default depth stands otherwise.
    mapping_kwargs: cDim > 0 ? { num_layers: k('mapping_layers', 0) } : {},
    // TF's D grouped 4 images for the minibatch standard deviation unless told otherwise.
    epilogue_kwargs: { mbstd_group_size: k('mbstd_group_size', 4), mbstd_num_channels: k('mbstd_num_features', 1) },
  };
  const tensors = new Map<string, TensorData>();
  tensors.set(`b${resolution}.fromrgb.weight`, conv(v(`${resolution}x${resolution}/FromRGB/weight`)));
  tensors.set(`b${resolution}.fromrgb.bias`, v(`${resolution}x${resolution}/FromRGB/bias`));
  for (let r = resolution; r > 4; r /= 2) {
    tensors.set(`b${r}.conv0.weight`, conv(v(`${r}x${r}/Conv0/weight`)));
    tensors.set(`b${r}.conv0.bias`, v(`${r}x${r}/Conv0/bias`));
    tensors.set(`b${r}.conv1.weight`, conv(v(`${r}x${r}/Conv1_down/weight`)));
    tensors.set(`b${r}.conv1.bias`, v(`${r}x${r}/Conv1_down/bias`));
    tensors.set(`b${r}.skip.weight`, conv(v(`${r}x${r}/Skip/weight`)));
  }
  if (cDim > 0) {
    tensors.set('mapping.embed.weight', dense(v('LabelEmbed/weight')));
    tensors.set('mapping.embed.bias', v('LabelEmbed/bias'));
    for (let i = 0; net.variables.has(`Mapping${i}/weight`); i++) {
      tensors.set(`mapping.fc${i}.weight`, dense(v(`Mapping${i}/weight`)));
      tensors.set(`mapping.fc${i}.bias`, v(`Mapping${i}/bias`));
    }
  }
  tensors.set('b4.conv.weight', conv(v('4x4/Conv/weight')));
  tensors.set('b4.conv.bias', v('4x4/Conv/bias'));
  tensors.set('b4.fc.weight', dense(v('4x4/Dense0/weight')));
  tensors.set('b4.fc.bias', v('4x4/Dense0/bias'));
  tensors.set('b4.out.weight', dense(v('Output/weight')));
  tensors.set('b4.out.bias', v('Output/bias'));
  return { className: 'Discriminator', initKwargs, tensors };
}

/** (G, D, Gs) from a TensorFlow pickle, as the PyTorch reader would have given them. */
export function convertTfPickle(
  value: unknown[],
  file: string,
): { format: 'stylegan2-tensorflow'; G: ImportedNetwork; D: ImportedNetwork; G_ema: ImportedNetwork } | ({ format: 'stylegan-tensorflow' } & StyleGanPickle) {
  if (value.length !== 3 || !value.every(isTfNetwork)) {
    throw new AppError('invalid_request', `${file} holds ${value.length} TensorFlow networks; a StyleGAN2 snapshot holds three (G, D, Gs)`);
  }
  const [G, D, Gs] = value.map((n, i) => tfNetwork(n, ['G', 'D', 'Gs'][i]!)) as [TfNetwork, TfNetwork, TfNetwork];
  // NVlabs/stylegan's networks (AdaIN) have their own reader and their own model family.
  if (isStyleGanV1(Gs)) return { format: 'stylegan-tensorflow', ...convertStyleGanPickle([G, D, Gs], file) };
  return { format: 'stylegan2-tensorflow', G: convertGenerator(G, file), D: convertDiscriminator(D, file), G_ema: convertGenerator(Gs, file) };
}
