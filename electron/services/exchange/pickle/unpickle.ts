// A reader for Python's pickle format that builds plain data and never runs code. A pickle is a
// program for a small stack machine whose GLOBAL and REDUCE opcodes would, in Python, import any
// module and call any function named in the file; here a global is only a name, and calling one
// either goes to a reducer the caller allowed by name (rebuilding a tensor from bytes, an
// OrderedDict) or yields an inert PickleObject recording what would have been called with what.

export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An instance of a class this reader does not rebuild: its class, constructor arguments and state, as data. */
export class PickleObject {
  state: unknown = undefined;
  /** Items given by SETITEMS / APPENDS to an instance of a dict or list subclass. */
  readonly items = new Map<unknown, unknown>();
  readonly list: unknown[] = [];
  constructor(
    readonly className: string,
    readonly args: unknown[],
  ) {}
}

/** A dict: keys may be numbers, strings or tuples, so a Map; see `asRecord` for string-keyed use. */
export type PickleDict = Map<unknown, unknown>;

export interface UnpickleOptions {
  /** Calls the caller allows, by qualified name; anything else becomes a PickleObject. */
  reducers?: Record<string, (args: unknown[]) => unknown>;
  /** Persistent ids (BINPERSID), e.g. torch's storages in a torch.save stream. */
  persistentLoad?: (pid: unknown) => unknown;
  /** BUILD on a value a reducer made: answer true when it was handled. */
  build?: (target: unknown, state: unknown) => boolean;
}

export class PickleError extends Error {}

/** Reads one pickle starting at `offset`; returns its value and where it ended. */
export function unpickle(buf: Uint8Array, offset = 0, options: UnpickleOptions = {}): { value: unknown; end: number } {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const decoder = new TextDecoder('utf-8');
  const latin1 = new TextDecoder('latin1');
  let pos = offset;
  let stack: unknown[] = [];
  const marks: unknown[][] = [];
  const memo = new Map<number, unknown>();

  const need = (n: number) => {
    if (pos + n > buf.length) throw new PickleError(`the pickle ends early (needed ${n} bytes at offset ${pos})`);
  };
  const u8 = () => (need(1), buf[pos++]!);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new PickleError(`a length of ${v} bytes at offset ${pos - 8}`);
    return Number(v);
  };
  /** Bytes are views into the file, not copies: a 380 MB network is held once. */
  const bytes = (n: number) => (need(n), (pos += n), buf.subarray(pos - n, pos));
  const line = () => {
    const end = buf.indexOf(0x0a, pos);
    if (end < 0) throw new PickleError('a text line without its end');
    const s = latin1.decode(buf.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = () => {
    if (stack.length === 0) throw new PickleError(`stack underflow at offset ${pos - 1}`);
    return stack.pop();
  };
  const popMark = () => {
    const items = stack;
    const previous = marks.pop();
    if (!previous) throw new PickleError(`MARK expected at offset ${pos - 1}`);
    stack = previous;
    return items;
  };
  const top = () => {
    if (stack.length === 0) throw new PickleError(`stack underflow at offset ${pos - 1}`);
    return stack[stack.length - 1];
  };
  const littleEndianSigned = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const call = (fn: unknown, args: unknown[]): unknown => {
    if (!(fn instanceof PickleGlobal)) throw new PickleError(`REDUCE on something that is not a global (${typeof fn}) at offset ${pos - 1}`);
    const reducer = options.reducers?.[fn.qualified] ?? PURE_REDUCERS[fn.qualified];
    return reducer ? reducer(args) : new PickleObject(fn.qualified, args);
  };
  const setItems = (target: unknown, pairs: unknown[]) => {
    const into = target instanceof Map ? target : target instanceof PickleObject ? target.items : null;
    if (!into) throw new PickleError(`SETITEM on a ${describe(target)} at offset ${pos - 1}`);
    for (let i = 0; i + 1 < pairs.length; i += 2) into.set(key(pairs[i]), pairs[i + 1]);
  };
  const append = (target: unknown, items: unknown[]) => {
    if (Array.isArray(target)) target.push(...items);
    else if (target instanceof PickleObject) target.list.push(...items);
    else throw new PickleError(`APPEND on a ${describe(target)} at offset ${pos - 1}`);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) throw new PickleError('a pickle protocol newer than 5');
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length !== 1) throw new PickleError(`the pickle stopped with ${stack.length} values on its stack`);
        return { value: stack[0], end: pos };
      case 0x28: // MARK
        marks.push(stack);
        stack = [];
        break;
      case 0x4e:
        stack.push(null);
        break; // NONE
      case 0x88:
        stack.push(true);
        break; // NEWTRUE
      case 0x89:
        stack.push(false);
        break; // NEWFALSE
      case 0x4a:
        stack.push(i32());
        break; // BININT
      case 0x4b:
        stack.push(u8());
        break; // BININT1
      case 0x4d:
        stack.push(u16());
        break; // BININT2
      case 0x8a:
        stack.push(littleEndianSigned(bytes(u8())));
        break; // LONG1
      case 0x8b:
        stack.push(littleEndianSigned(bytes(u32())));
        break; // LONG4
      case 0x47:
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break; // BINFLOAT
      case 0x49: {
        // INT (text)
        const s = line();
        stack.push(s === '01' ? true : s === '00' ? false : Number.parseInt(s, 10));
        break;
      }
      case 0x4c:
        stack.push(Number.parseInt(line().replace(/L$/, ''), 10));
        break; // LONG (text)
      case 0x46:
        stack.push(Number.parseFloat(line()));
        break; // FLOAT (text)
      case 0x8c:
        stack.push(decoder.decode(bytes(u8())));
        break; // SHORT_BINUNICODE
      case 0x58:
        stack.push(decoder.decode(bytes(u32())));
        break; // BINUNICODE
      case 0x8d:
        stack.push(decoder.decode(bytes(u64())));
        break; // BINUNICODE8
      case 0x55:
        stack.push(latin1.decode(bytes(u8())));
        break; // SHORT_BINSTRING (Python 2 str)
      case 0x54:
        stack.push(latin1.decode(bytes(u32())));
        break; // BINSTRING
      case 0x43:
        stack.push(bytes(u8()));
        break; // SHORT_BINBYTES
      case 0x42:
        stack.push(bytes(u32()));
        break; // BINBYTES
      case 0x8e:
        stack.push(bytes(u64()));
        break; // BINBYTES8
      case 0x96:
        stack.push(bytes(u64()));
        break; // BYTEARRAY8
      case 0x5d:
        stack.push([]);
        break; // EMPTY_LIST
      case 0x7d:
        stack.push(new Map());
        break; // EMPTY_DICT
      case 0x29:
        stack.push(Object.freeze([]));
        break; // EMPTY_TUPLE
      case 0x8f:
        stack.push(new Set());
        break; // EMPTY_SET
      case 0x74: {
        const items = popMark();
        stack.push(Object.freeze(items));
        break;
      } // TUPLE (popMark swaps the stack: read it first)
      case 0x85:
        stack.push(Object.freeze([pop()]));
        break; // TUPLE1
      case 0x86: {
        const b = pop();
        const a = pop();
        stack.push(Object.freeze([a, b]));
        break;
      } // TUPLE2
      case 0x87: {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push(Object.freeze([a, b, c]));
        break;
      } // TUPLE3
      case 0x6c: {
        const items = popMark();
        stack.push(items);
        break;
      } // LIST
      case 0x64: {
        const m = new Map();
        const items = popMark();
        for (let i = 0; i + 1 < items.length; i += 2) m.set(key(items[i]), items[i + 1]);
        stack.push(m);
        break;
      } // DICT
      case 0x91: {
        const items = popMark();
        stack.push(new Set(items));
        break;
      } // FROZENSET
      case 0x90: {
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) throw new PickleError('ADDITEMS on a non-set');
        for (const i of items) s.add(i);
        break;
      } // ADDITEMS
      case 0x61: {
        const v = pop();
        append(top(), [v]);
        break;
      } // APPEND
      case 0x65: {
        const items = popMark();
        append(top(), items);
        break;
      } // APPENDS
      case 0x73: {
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      } // SETITEM
      case 0x75: {
        const items = popMark();
        setItems(top(), items);
        break;
      } // SETITEMS
      case 0x30:
        pop();
        break; // POP
      case 0x31:
        popMark();
        break; // POP_MARK
      case 0x32:
        stack.push(top());
        break; // DUP
      case 0x71:
        memo.set(u8(), top());
        break; // BINPUT
      case 0x72:
        memo.set(u32(), top());
        break; // LONG_BINPUT
      case 0x70:
        memo.set(Number.parseInt(line(), 10), top());
        break; // PUT
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x68:
        stack.push(recall(memo, u8()));
        break; // BINGET
      case 0x6a:
        stack.push(recall(memo, u32()));
        break; // LONG_BINGET
      case 0x67:
        stack.push(recall(memo, Number.parseInt(line(), 10)));
        break; // GET
      case 0x63: {
        const module = line();
        stack.push(new PickleGlobal(module, line()));
        break;
      } // GLOBAL
      case 0x93: {
        const name = pop();
        const module = pop();
        stack.push(new PickleGlobal(String(module), String(name)));
        break;
      } // STACK_GLOBAL
      case 0x52: {
        const args = pop();
        const fn = pop();
        stack.push(call(fn, asArgs(args)));
        break;
      } // REDUCE
      case 0x81: {
        const args = pop();
        const cls = pop();
        stack.push(call(cls, asArgs(args)));
        break;
      } // NEWOBJ
      case 0x92: {
        pop();
        const args = pop();
        const cls = pop();
        stack.push(call(cls, asArgs(args)));
        break;
      } // NEWOBJ_EX
      case 0x62: {
        // BUILD
        const state = pop();
        const target = top();
        if (options.build?.(target, state)) break;
        if (target instanceof PickleObject) target.state = state;
        else if (target instanceof Map && state instanceof Map) for (const [k, v] of state) target.set(k, v);
        else throw new PickleError(`BUILD on a ${describe(target)} at offset ${pos - 1}`);
        break;
      }
      case 0x51: {
        // BINPERSID
        const pid = pop();
        if (!options.persistentLoad) throw new PickleError('a persistent id, which this kind of file does not have');
        stack.push(options.persistentLoad(pid));
        break;
      }
      default:
        throw new PickleError(`unknown pickle opcode 0x${op.toString(16)} at offset ${pos - 1}`);
    }
  }
}

/** Calls that only build data, which any pickle may use: Python 2-compatible bytes, OrderedDict. */
const PURE_REDUCERS: Record<string, (args: unknown[]) => unknown> = {
  '_codecs.encode': ([text, encoding]) => {
    if (String(encoding) !== 'latin1' && String(encoding) !== 'latin-1') throw new PickleError(`bytes encoded as ${String(encoding)}`);
    return Uint8Array.from(String(text), (c) => c.charCodeAt(0));
  },
  'collections.OrderedDict': () => new Map(),
  'builtins.bytearray': ([b]) => (b instanceof Uint8Array ? b : new Uint8Array(0)),
};

function recall(memo: Map<number, unknown>, i: number): unknown {
  if (!memo.has(i)) throw new PickleError(`memo entry ${i} read before it was written`);
  return memo.get(i);
}

function asArgs(args: unknown): unknown[] {
  if (!Array.isArray(args)) throw new PickleError('call arguments that are not a tuple');
  return args as unknown[];
}

/**
 * Tuples are frozen arrays; as dict keys they are compared by their text, written with a budget:
 * a tuple that holds one object many times (or itself) would otherwise be written out once per
 * path to it, exponentially in its depth.
 */
function key(k: unknown): unknown {
  if (!Array.isArray(k)) return k;
  let budget = 4096;
  const write = (v: unknown, depth: number): string => {
    if (--budget < 0 || depth > 32) throw new PickleError('a dict key too large or nested too deep (a tuple holding itself?)');
    if (Array.isArray(v)) return `[${v.map((x) => write(x, depth + 1)).join(',')}]`;
    return typeof v === 'bigint' ? `${v}n` : (JSON.stringify(v) ?? String(v));
  };
  return write(k, 0);
}

function describe(v: unknown): string {
  if (v instanceof PickleObject) return v.className;
  if (v instanceof PickleGlobal) return `global ${v.qualified}`;
  return v === null ? 'None' : Array.isArray(v) ? 'tuple or list' : typeof v;
}

/** A dict with string keys as a plain lookup. */
export function asRecord(d: unknown, what: string): Map<string, unknown> {
  if (d instanceof PickleObject) return d.items as Map<string, unknown>;
  if (!(d instanceof Map)) throw new PickleError(`${what} is not a dict (${describe(d)})`);
  return d as Map<string, unknown>;
}
