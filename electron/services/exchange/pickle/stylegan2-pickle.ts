// NVIDIA's StyleGAN2-ADA / StyleGAN3 network pickles (`ffhq.pkl` and the like), read as data: a
// dict {G, D, G_ema, augment_pipe, training_set_kwargs} whose networks are persistent objects
// carrying their class name, init kwargs, parameters and buffers. The older TensorFlow pickles
// are handed to stylegan2-tf-pickle.ts and come out in the same shape. The module source they carry
// is Python code and is never run; it is only searched for the signs of StyleGAN3.
import { AppError } from '../../../../shared/errors';
import { buildNumpy, isTensor, TORCH_REDUCERS, type TensorData } from './torch-data';
import { convertTfPickle, isTfNetwork } from './stylegan2-tf-pickle';
import type { StyleGanPickle } from './stylegan-tf-pickle';
import { Walk } from './graph-limits';
import { PickleError, PickleObject, unpickle } from './unpickle';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export interface ImportedNetwork {
  /** The Python class, e.g. Generator, Discriminator. */
  className: string;
  initKwargs: { [k: string]: JsonValue };
  /** Parameters and buffers by their state_dict names: mapping.fc0.weight, synthesis.b4.conv1.noise_const, … */
  tensors: Map<string, TensorData>;
}

export type NetworkPickle =
  | {
      format: 'stylegan2-ada-pytorch' | 'stylegan2-tensorflow';
      G: ImportedNetwork;
      D: ImportedNetwork | null;
      G_ema: ImportedNetwork;
      trainingSet: { [k: string]: JsonValue } | null;
    }
  /** NVlabs/stylegan (v1): its tensors keep NVIDIA's TensorFlow names and layouts, its settings are read already. */
  | ({ format: 'stylegan-tensorflow'; trainingSet: null } & StyleGanPickle);

const PERSISTENT = 'torch_utils.persistence._reconstruct_persistent_obj';

function toJson(v: unknown, where: string, walk = new Walk(where), depth = 0): JsonValue {
  walk.step(depth, where);
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map((x, i) => toJson(x, `${where}[${i}]`, walk, depth + 1));
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toJson(x, `${where}.${String(k)}`, walk, depth + 1)]));
  if (v instanceof PickleObject) {
    // dnnlib.EasyDict and other dict subclasses keep their entries as items.
    if (v.items.size) return toJson(v.items, where, walk, depth + 1);
    return { __class__: v.className };
  }
  throw new PickleError(`${where} holds a value that is not plain data`);
}

interface ModuleParts {
  className: string;
  moduleSrc: string | null;
  state: Map<string, unknown>;
}

function partsOf(obj: unknown, where: string): ModuleParts {
  if (obj instanceof PickleObject && obj.className === PERSISTENT) {
    const meta = obj.args[0];
    if (!(meta instanceof Map) || meta.get('type') !== 'class') throw new PickleError(`${where} is a persistent object of an unknown kind`);
    const state = meta.get('state');
    if (!(state instanceof Map)) throw new PickleError(`${where} has no state`);
    return { className: String(meta.get('class_name')), moduleSrc: String(meta.get('module_src') ?? ''), state };
  }
  if (obj instanceof PickleObject && obj.state instanceof Map) return { className: obj.className, moduleSrc: null, state: obj.state as Map<string, unknown> };
  throw new PickleError(`${where} is not a network module`);
}

/** Every parameter and buffer below a module, named as torch's state_dict names them. */
function collectTensors(obj: unknown, prefix: string, into: Map<string, TensorData>, walk = new Walk('the network'), seen = new Set<unknown>()): void {
  const where = prefix || 'the network';
  walk.step(prefix.split('.').length, where);
  // A module reached twice would be its tensors twice under two names (or, holding itself, forever).
  if (seen.has(obj)) throw new PickleError(`${where} is a module already seen elsewhere in the network: not a network pickle`);
  seen.add(obj);
  const { state } = partsOf(obj, where);
  for (const group of ['_parameters', '_buffers']) {
    const tensors = state.get(group);
    if (!(tensors instanceof Map)) continue;
    for (const [name, t] of tensors) if (isTensor(t)) into.set(`${prefix}${String(name)}`, t);
  }
  const modules = state.get('_modules');
  if (modules instanceof Map) for (const [name, m] of modules) if (m !== null) collectTensors(m, `${prefix}${String(name)}.`, into, walk, seen);
}

function network(value: unknown, key: string, file: string): ImportedNetwork {
  const { className, moduleSrc, state } = partsOf(value, key);
  // StyleGAN3's synthesis layers filter their activations (alias-free); they have no counterpart here.
  if (moduleSrc && /filtered_lrelu|class SynthesisInput\b/.test(moduleSrc)) {
    throw new AppError(
      'invalid_request',
      `${file} holds a StyleGAN3 network (alias-free synthesis layers), which Leporello does not support; use a StyleGAN2 or StyleGAN2-ADA pickle`,
    );
  }
  const kwargs = state.get('_init_kwargs');
  const args = state.get('_init_args');
  if (Array.isArray(args) && args.length) throw new PickleError(`${key} was built with positional arguments, which this reader cannot name`);
  const tensors = new Map<string, TensorData>();
  collectTensors(value, '', tensors);
  return { className, initKwargs: toJson(kwargs ?? new Map(), `${key} init kwargs`) as { [k: string]: JsonValue }, tensors };
}

/** Reads a StyleGAN2-ADA (PyTorch) network pickle held in memory; `file` names it in messages. */
export function readNetworkPickle(buf: Uint8Array, file: string): NetworkPickle {
  // A file that is not a pickle at all says what it is, before the reader finds a strange opcode.
  if (buf[0] === 0x50 && buf[1] === 0x4b) {
    throw new AppError(
      'invalid_request',
      `${file} is a ZIP archive (a PyTorch torch.save checkpoint or a dataset), not a network pickle: import the .pkl that NVIDIA's training writes and distributes`,
    );
  }
  if (buf[0] !== 0x80) {
    throw new AppError(
      'invalid_request',
      `${file} does not start like a Python pickle: import the .pkl that NVIDIA's training writes and distributes (e.g. ffhq.pkl)`,
    );
  }
  let value: unknown;
  try {
    value = unpickle(buf, 0, { reducers: TORCH_REDUCERS, build: buildNumpy }).value;
  } catch (err) {
    if (err instanceof PickleError) {
      const truncated = /ends early/.test(err.message) ? '; the file looks cut short: download it again' : '';
      throw new AppError('invalid_request', `${file} is not a network pickle Leporello can read: ${err.message}${truncated}`);
    }
    throw err;
  }
  if (Array.isArray(value) && value.some(isTfNetwork)) {
    try {
      return { ...convertTfPickle(value, file), trainingSet: null };
    } catch (err) {
      if (err instanceof PickleError) throw new AppError('invalid_request', `${file}: ${err.message}`);
      throw err;
    }
  }
  if (!(value instanceof Map) || !value.has('G_ema')) {
    throw new AppError('invalid_request', `${file} is a pickle but not a StyleGAN2 network snapshot (no G_ema in it)`);
  }
  try {
    return {
      format: 'stylegan2-ada-pytorch',
      G: network(value.get('G') ?? value.get('G_ema'), 'G', file),
      D: value.get('D') ? network(value.get('D'), 'D', file) : null,
      G_ema: network(value.get('G_ema'), 'G_ema', file),
      trainingSet: value.get('training_set_kwargs') ? (toJson(value.get('training_set_kwargs'), 'training_set_kwargs') as { [k: string]: JsonValue }) : null,
    };
  } catch (err) {
    if (err instanceof PickleError) throw new AppError('invalid_request', `${file}: ${err.message}`);
    throw err;
  }
}
