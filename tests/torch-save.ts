// A state dict as PyTorch's torch.save (ZIP format) writes it, for tests that need a weights file a
// person could have: ARCHIVE/data.pkl (protocol 2: an OrderedDict of name → _rebuild_tensor_v2 with
// each storage by persistent id), ARCHIVE/data/KEY (each float32 storage), ARCHIVE/version.
import { writeZip } from '../electron/services/exchange/zip';

class PickleWriter {
  private parts: Buffer[] = [];
  op(...bytes: number[]) {
    this.parts.push(Buffer.from(bytes));
  }
  text(s: string) {
    this.parts.push(Buffer.from(s, 'latin1'));
  }
  global(module: string, name: string) {
    this.op(0x63); // GLOBAL
    this.text(`${module}\n${name}\n`);
  }
  str(s: string) {
    const b = Buffer.from(s, 'utf8');
    const n = Buffer.alloc(5);
    n[0] = 0x58; // BINUNICODE
    n.writeUInt32LE(b.length, 1);
    this.parts.push(n, b);
  }
  int(v: number) {
    const n = Buffer.alloc(5);
    n[0] = 0x4a; // BININT
    n.writeInt32LE(v, 1);
    this.parts.push(n);
  }
  tuple(items: () => void) {
    this.op(0x28); // MARK
    items();
    this.op(0x74); // TUPLE
  }
  orderedDict() {
    this.global('collections', 'OrderedDict');
    this.op(0x29, 0x52); // EMPTY_TUPLE, REDUCE
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function torchSave(tensors: Map<string, { shape: number[]; data: Float32Array }>, archive = 'archive'): Buffer {
  const p = new PickleWriter();
  p.op(0x80, 2); // PROTO 2
  p.orderedDict();
  p.op(0x28); // MARK
  const storages: { name: string; data: Buffer }[] = [];
  [...tensors].forEach(([name, t], key) => {
    p.str(name);
    p.global('torch._utils', '_rebuild_tensor_v2');
    p.tuple(() => {
      p.tuple(() => {
        p.str('storage');
        p.global('torch', 'FloatStorage');
        p.str(String(key));
        p.str('cpu');
        p.int(t.data.length);
      });
      p.op(0x51); // BINPERSID
      p.int(0);
      p.tuple(() => t.shape.forEach((n) => p.int(n)));
      p.tuple(() => t.shape.forEach((_, d) => p.int(t.shape.slice(d + 1).reduce((a, b) => a * b, 1))));
      p.op(0x89); // NEWFALSE
      p.orderedDict();
    });
    p.op(0x52); // REDUCE
    storages.push({ name: `${archive}/data/${key}`, data: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength) });
  });
  p.op(0x75, 0x2e); // SETITEMS, STOP
  return writeZip([{ name: `${archive}/data.pkl`, data: p.bytes() }, ...storages, { name: `${archive}/version`, data: Buffer.from('3\n') }]);
}
