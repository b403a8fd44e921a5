// NumPy's .npy files, version 1: a magic string, a header (a Python dict literal giving dtype,
// order and shape) padded so the data starts on a 64-byte boundary, then the raw values.
// Written for the generator's float output; read for latents given on the command line.
import { AppError } from '../../shared/errors';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export function encodeNpy(data: Float32Array, shape: number[]): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(MAGIC.length + 4 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const body = new DataView(out.buffer, 10 + header.length);
  data.forEach((v, i) => body.setFloat32(i * 4, v, true));
  return out;
}

/** A C-ordered float32 or float64 array from a .npy file, as float64 values with their shape. */
export function decodeNpy(bytes: Uint8Array, file: string): { shape: number[]; data: Float64Array } {
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new AppError('invalid_request', `${file} is not a .npy file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new AppError('invalid_request', `${file}: a .npy header this reader does not understand`);
  if (fortran === 'True') throw new AppError('invalid_request', `${file} is Fortran-ordered; save it with numpy.ascontiguousarray`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLength;
  const readers: Record<string, [number, (o: number) => number]> = {
    '<f4': [4, (o) => view.getFloat32(o, true)],
    '<f8': [8, (o) => view.getFloat64(o, true)],
    '>f4': [4, (o) => view.getFloat32(o, false)],
    '>f8': [8, (o) => view.getFloat64(o, false)],
  };
  const reader = readers[descr];
  if (!reader) throw new AppError('invalid_request', `${file} holds ${descr} values; give latents as float32 or float64`);
  const [size, read] = reader;
  if (offset + count * size > bytes.length) throw new AppError('invalid_request', `${file} is shorter than its header says`);
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = read(offset + i * size);
  return { shape, data };
}
