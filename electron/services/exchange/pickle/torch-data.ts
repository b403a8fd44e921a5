// What PyTorch and NumPy put in a pickle, rebuilt as plain data: tensors (from torch's legacy
// storage streams, `torch.storage._load_from_bytes`), parameters, OrderedDicts, NumPy scalars and
// arrays. Only these named calls are allowed; the reader makes everything else inert.
import { PickleError, PickleGlobal, unpickle, type UnpickleOptions } from './unpickle';

export type DType = 'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/**
 * A tensor as numbers: float types become a Float32Array (the networks compute in float32).
 * `data` may be computed on each access from bytes still in the file: an FFHQ pickle is hundreds
 * of megabytes, and its tensors are converted one at a time as they are written, not all at once.
 */
export interface TensorData {
  dtype: DType;
  shape: number[];
  readonly data: Float32Array | Int32Array | Uint8Array;
}

/** A tensor whose numbers are produced when read, and not kept. */
export function lazyTensor(dtype: DType, shape: number[], compute: () => Float32Array | Int32Array | Uint8Array): TensorData {
  return {
    dtype,
    shape,
    get data() {
      return compute();
    },
  };
}

export const elementCount = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export const STORAGE_DTYPES: Record<string, DType> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};
export const ITEM_BYTES: Record<DType, number> = { float32: 4, float64: 8, float16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1 };

/** A storage's raw bytes (a view into the file) and their element type. */
export class Storage {
  bytes: Uint8Array | null = null;
  constructor(
    readonly dtype: DType,
    readonly numel: number,
  ) {}
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Element i of a storage as a number. */
function reader(s: Storage): (i: number) => number {
  const b = s.bytes!;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (s.dtype) {
    case 'float32':
      return (i) => v.getFloat32(i * 4, true);
    case 'float64':
      return (i) => v.getFloat64(i * 8, true);
    case 'float16':
      return (i) => halfToFloat(v.getUint16(i * 2, true));
    case 'int64':
      return (i) => Number(v.getBigInt64(i * 8, true));
    case 'int32':
      return (i) => v.getInt32(i * 4, true);
    case 'int16':
      return (i) => v.getInt16(i * 2, true);
    case 'int8':
      return (i) => v.getInt8(i);
    case 'uint8':
    case 'bool':
      return (i) => v.getUint8(i);
  }
}

/** `_rebuild_tensor_v2(storage, offset, size, stride, …)`: the tensor's elements in row-major order, read when asked. */
function rebuildTensor(args: unknown[]): TensorData {
  const [storage, offset, size, stride] = args as [Storage, number, number[], number[]];
  if (!(storage instanceof Storage) || !storage.bytes) throw new PickleError('a tensor whose storage is missing');
  const shape = [...size];
  const count = elementCount(shape);
  const last = shape.reduce((end, n, d) => (n > 0 ? end + (n - 1) * stride[d]! : end), offset);
  if (count > 0 && last >= storage.numel) throw new PickleError(`a tensor reads past its storage (${last} ≥ ${storage.numel})`);
  const rowMajor = shape.every((_, d) => shape[d] === 1 || stride[d] === elementCount(shape.slice(d + 1)));
  // The common case, a contiguous float32 tensor: one copy of its bytes (little-endian, as every platform the studio runs on).
  if (storage.dtype === 'float32' && rowMajor) {
    const bytes = storage.bytes;
    // Copied through a fresh Uint8Array: a Buffer's slice() would share the file's memory, unaligned.
    return lazyTensor('float32', shape, () => new Float32Array(new Uint8Array(bytes.subarray(offset * 4, (offset + count) * 4)).buffer));
  }
  return lazyTensor(storage.dtype, shape, () => readStrided(storage, offset, shape, stride));
}

function readStrided(storage: Storage, offset: number, shape: number[], stride: number[]): Float32Array | Int32Array | Uint8Array {
  const count = elementCount(shape);
  const float = storage.dtype.startsWith('float');
  const out = float ? new Float32Array(count) : storage.dtype === 'uint8' || storage.dtype === 'bool' ? new Uint8Array(count) : new Int32Array(count);
  const at = reader(storage);
  const index = new Array<number>(shape.length).fill(0);
  for (let n = 0; n < count; n++) {
    let src = offset;
    for (let d = 0; d < shape.length; d++) src += index[d]! * stride[d]!;
    out[n] = at(src);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

/**
 * A legacy `torch.save` stream, as `_load_from_bytes` receives it: magic number, protocol,
 * system info, the object (storages as persistent ids), the storage keys, then each storage's
 * element count (int64) and raw little-endian bytes.
 */
export function loadLegacyTorchStream(b: Uint8Array): unknown {
  let at = 0;
  const next = (options: UnpickleOptions = {}) => {
    const r = unpickle(b, at, options);
    at = r.end;
    return r.value;
  };
  const magic = next();
  if (magic !== 0x1950a86a20f9469cfc6cn && String(magic) !== '119547037146038801333356') throw new PickleError('not a torch.save stream (bad magic number)');
  next(); // protocol version
  const info = next() as Map<string, unknown>;
  if (info instanceof Map && info.get('little_endian') === false) throw new PickleError('a big-endian torch stream, which is not supported');
  const storages = new Map<string, Storage>();
  const value = next({
    persistentLoad: (pid) => {
      const [kind, type, key, , numel] = pid as [string, PickleGlobal, string, string, number];
      if (kind !== 'storage' || !(type instanceof PickleGlobal)) throw new PickleError(`an unknown persistent id ${String(kind)}`);
      const dtype = STORAGE_DTYPES[type.name];
      if (!dtype) throw new PickleError(`a ${type.qualified}, which is not supported`);
      const s = storages.get(key) ?? new Storage(dtype, numel);
      storages.set(key, s);
      return s;
    },
  });
  const keys = next() as string[];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (const key of keys) {
    const s = storages.get(key);
    if (!s) throw new PickleError(`storage ${key} is listed but never used`);
    const numel = Number(view.getBigInt64(at, true));
    at += 8;
    const size = numel * ITEM_BYTES[s.dtype];
    if (at + size > b.length) throw new PickleError(`storage ${key} ends past its stream`);
    s.bytes = b.subarray(at, at + size);
    at += size;
  }
  return value;
}

/** A NumPy dtype as pickled: `numpy.dtype('f8', False, True)` then BUILD with its byte order. */
class NumpyDType {
  order = '<';
  constructor(readonly code: string) {}
}

/** An ndarray's shape and raw bytes; its numbers are converted when read (see TensorData). */
class NumpyArray {
  shape: number[] = [];
  dtype = new NumpyDType('f4');
  raw: Uint8Array = new Uint8Array(0);
  get data(): Float32Array | Int32Array | Uint8Array {
    return numpyValues(this.dtype, this.raw);
  }
}

function numpyValues(dtype: NumpyDType, raw: Uint8Array): Float32Array | Int32Array | Uint8Array {
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const little = dtype.order !== '>';
  const map: Record<string, [number, (o: number) => number, 'f' | 'i' | 'u']> = {
    f4: [4, (o) => v.getFloat32(o, little), 'f'],
    f8: [8, (o) => v.getFloat64(o, little), 'f'],
    f2: [2, (o) => halfToFloat(v.getUint16(o, little)), 'f'],
    i8: [8, (o) => Number(v.getBigInt64(o, little)), 'i'],
    i4: [4, (o) => v.getInt32(o, little), 'i'],
    u1: [1, (o) => v.getUint8(o), 'u'],
    b1: [1, (o) => v.getUint8(o), 'u'],
  };
  const spec = map[dtype.code];
  if (!spec) throw new PickleError(`a NumPy array of type ${dtype.code}, which is not supported`);
  const [size, read, kind] = spec;
  const n = Math.floor(raw.length / size);
  const out = kind === 'f' ? new Float32Array(n) : kind === 'i' ? new Int32Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = read(i * size);
  return out;
}

const numpyReducers = (prefix: string): Record<string, (args: unknown[]) => unknown> => ({
  [`${prefix}.multiarray.scalar`]: ([dtype, raw]) => numpyValues(dtype as NumpyDType, raw as Uint8Array)[0],
  [`${prefix}.multiarray._reconstruct`]: () => new NumpyArray(),
});

export const TORCH_REDUCERS: Record<string, (args: unknown[]) => unknown> = {
  'torch._utils._rebuild_tensor_v2': rebuildTensor,
  'torch._utils._rebuild_parameter': ([data]) => data,
  'torch._utils._rebuild_parameter_with_state': ([data]) => data,
  'torch.storage._load_from_bytes': ([b]) => loadLegacyTorchStream(b as Uint8Array),
  'numpy.dtype': ([code]) => new NumpyDType(String(code)),
  ...numpyReducers('numpy.core'),
  ...numpyReducers('numpy._core'),
};

/** BUILD for the NumPy values the reducers started. */
export function buildNumpy(target: unknown, state: unknown): boolean {
  if (target instanceof NumpyDType) {
    target.order = String((state as unknown[])[1] ?? '<');
    return true;
  }
  if (target instanceof NumpyArray) {
    // (version, shape, dtype, is_fortran, raw bytes)
    const [, shape, dtype, fortran, raw] = state as [number, number[], NumpyDType, boolean, Uint8Array];
    if (fortran && shape.length > 1) throw new PickleError('a Fortran-ordered NumPy array, which is not supported');
    target.shape = [...shape];
    target.dtype = dtype;
    target.raw = raw;
    return true;
  }
  return false;
}

export function isTensor(v: unknown): v is TensorData {
  return typeof v === 'object' && v !== null && 'shape' in v && 'data' in v && 'dtype' in v;
}

export function numpyArray(v: unknown): { shape: number[]; readonly data: Float32Array | Int32Array | Uint8Array } | null {
  return v instanceof NumpyArray ? v : null;
}
