// Writes Python pickles (protocol 3) of plain data: None, booleans, integers, floats, strings,
// bytes, lists, tuples, dicts, NumPy float32 arrays, and instances of a named class rebuilt from
// a state dict. Nothing that would run code on loading besides constructing those classes; no
// memo, because nothing is shared. The output is a list of chunks so a network's weights go to
// disk from where they already lie, never copied into one buffer.

/** A class by its module and name, as `pickle` records it (GLOBAL). */
export class PyClass {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
}

/** An instance built as protocol 2+ builds objects: cls.__new__(cls), then its state (BUILD). */
export class PyInstance {
  constructor(
    readonly cls: PyClass,
    readonly state: PyValue,
  ) {}
}

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A C-ordered float32 NumPy array. */
export class PyFloat32Array {
  constructor(
    readonly shape: number[],
    readonly data: Float32Array,
  ) {
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new Error(`an array of shape [${shape.join(', ')}] holds ${count} numbers, not ${data.length}`);
  }
}

/** A float even when it is whole (Python's 1.0, not 1). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyValue =
  null | boolean | number | string | Uint8Array | PyValue[] | Map<string, PyValue> | PyTuple | PyInstance | PyFloat32Array | PyFloat | PyClass;

const op = {
  MARK: 0x28,
  STOP: 0x2e,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  BININT: 0x4a,
  BINFLOAT: 0x47,
  BINUNICODE: 0x58,
  BINBYTES: 0x42,
  EMPTY_LIST: 0x5d,
  APPENDS: 0x65,
  EMPTY_DICT: 0x7d,
  SETITEMS: 0x75,
  EMPTY_TUPLE: 0x29,
  TUPLE: 0x74,
  GLOBAL: 0x63,
  REDUCE: 0x52,
  NEWOBJ: 0x81,
  BUILD: 0x62,
  PROTO: 0x80,
};

const NDARRAY = new PyClass('numpy', 'ndarray');
const DTYPE = new PyClass('numpy', 'dtype');
const RECONSTRUCT = new PyClass('numpy.core.multiarray', '_reconstruct');

export class PickleWriter {
  private readonly chunks: Uint8Array[] = [];
  private small: number[] = [];
  private bytes = 0;

  private flush(): void {
    if (!this.small.length) return;
    this.chunks.push(Uint8Array.from(this.small));
    this.bytes += this.small.length;
    this.small = [];
  }

  private raw(data: Uint8Array): void {
    // Small pieces gather into one chunk; large ones (weights) are kept as they are.
    if (data.length < 4096) {
      for (const b of data) this.small.push(b);
      return;
    }
    this.flush();
    this.chunks.push(data);
    this.bytes += data.length;
  }

  private u32(n: number): void {
    this.small.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }

  private text(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.small.push(op.BINUNICODE);
    this.u32(b.length);
    this.raw(b);
  }

  private blob(b: Uint8Array): void {
    if (b.length > 0xffffffff) throw new Error('a pickled bytes object over 4 GiB');
    this.small.push(op.BINBYTES);
    this.u32(b.length);
    this.raw(b);
  }

  private global(c: PyClass): void {
    this.raw(Buffer.from(`${String.fromCharCode(op.GLOBAL)}${c.module}\n${c.name}\n`, 'latin1'));
  }

  private tuple(items: PyValue[]): void {
    if (!items.length) {
      this.small.push(op.EMPTY_TUPLE);
      return;
    }
    this.small.push(op.MARK);
    for (const x of items) this.value(x);
    this.small.push(op.TUPLE);
  }

  private array(a: PyFloat32Array): void {
    // What numpy's ndarray.__reduce__ gives: _reconstruct(ndarray, (0,), b'b'), then
    // __setstate__((1, shape, dtype('<f4'), is_fortran=False, raw bytes)).
    this.global(RECONSTRUCT);
    this.tuple([NDARRAY, new PyTuple([0]), Uint8Array.of(0x62)]);
    this.small.push(op.REDUCE);
    this.small.push(op.MARK);
    this.value(1);
    this.tuple(a.shape);
    this.global(DTYPE);
    this.tuple(['f4', false, true]);
    this.small.push(op.REDUCE);
    this.tuple([3, '<', null, null, null, -1, -1, 0]);
    this.small.push(op.BUILD);
    this.value(false);
    // Float32Array is the machine's byte order; every platform Electron ships on is little-endian.
    this.blob(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength));
    this.small.push(op.TUPLE, op.BUILD);
  }

  value(v: PyValue): void {
    if (v === null) this.small.push(op.NONE);
    else if (v === true) this.small.push(op.NEWTRUE);
    else if (v === false) this.small.push(op.NEWFALSE);
    else if (typeof v === 'number') {
      if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) {
        this.small.push(op.BININT);
        this.u32(v >>> 0);
      } else this.value(new PyFloat(v));
    } else if (v instanceof PyFloat) {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(v.value);
      this.small.push(op.BINFLOAT, ...b);
    } else if (typeof v === 'string') this.text(v);
    else if (v instanceof Uint8Array) this.blob(v);
    else if (Array.isArray(v)) {
      this.small.push(op.EMPTY_LIST);
      if (v.length) {
        this.small.push(op.MARK);
        for (const x of v) this.value(x);
        this.small.push(op.APPENDS);
      }
    } else if (v instanceof Map) {
      this.small.push(op.EMPTY_DICT);
      if (v.size) {
        this.small.push(op.MARK);
        for (const [k, x] of v) {
          this.text(k);
          this.value(x);
        }
        this.small.push(op.SETITEMS);
      }
    } else if (v instanceof PyTuple) this.tuple(v.items);
    else if (v instanceof PyClass) this.global(v);
    else if (v instanceof PyFloat32Array) this.array(v);
    else if (v instanceof PyInstance) {
      this.global(v.cls);
      this.small.push(op.EMPTY_TUPLE, op.NEWOBJ);
      this.value(v.state);
      this.small.push(op.BUILD);
    } else throw new Error(`cannot pickle ${String(v)}`);
  }

  /** The whole pickle of `v`: PROTO 3, the value, STOP. */
  static dump(v: PyValue): { chunks: Uint8Array[]; bytes: number } {
    const w = new PickleWriter();
    w.small.push(op.PROTO, 3);
    w.value(v);
    w.small.push(op.STOP);
    w.flush();
    return { chunks: w.chunks, bytes: w.bytes };
  }
}
