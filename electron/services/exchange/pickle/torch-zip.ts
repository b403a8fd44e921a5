// `torch.save`'s ZIP format (PyTorch ≥ 1.6), read as data: ARCHIVE/data.pkl is a pickle whose
// tensors name their storages by persistent id, and each storage's bytes are the entry
// ARCHIVE/data/KEY. Only torch's tensor rebuilders and OrderedDict are honoured (TORCH_REDUCERS);
// any other call in the pickle stays an inert record.
import type { ZipSource } from '../zip';
import { listZip, readZipEntry } from '../zip';
import { PickleError, PickleGlobal, unpickle } from './unpickle';
import { buildNumpy, Storage, STORAGE_DTYPES, TORCH_REDUCERS, ITEM_BYTES } from './torch-data';

export function loadTorchZip(archive: Buffer | ZipSource, label: string): unknown {
  const entries = listZip(archive, label);
  const pickle = entries.find((e) => /^[^/]+\/data\.pkl$/.test(e.name));
  if (!pickle) throw new PickleError(`${label} has no ARCHIVE/data.pkl: it is not a file torch.save wrote`);
  const root = pickle.name.slice(0, -'data.pkl'.length);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const storages = new Map<string, Storage>();
  const { value } = unpickle(readZipEntry(archive, pickle, label), 0, {
    reducers: TORCH_REDUCERS,
    build: buildNumpy,
    persistentLoad: (pid) => {
      const [kind, type, key, , numel] = pid as [string, PickleGlobal, string, string, number];
      if (kind !== 'storage' || !(type instanceof PickleGlobal)) throw new PickleError(`an unknown persistent id ${String(kind)}`);
      const dtype = STORAGE_DTYPES[type.name];
      if (!dtype) throw new PickleError(`a ${type.qualified}, which is not supported`);
      const known = storages.get(String(key));
      if (known) return known;
      const entry = byName.get(`${root}data/${String(key)}`);
      if (!entry) throw new PickleError(`storage ${String(key)} has no entry ${root}data/${String(key)}`);
      const s = new Storage(dtype, Number(numel));
      if (entry.size < s.numel * ITEM_BYTES[dtype])
        throw new PickleError(`storage ${String(key)} holds ${entry.size} bytes, fewer than its ${s.numel} elements`);
      s.bytes = readZipEntry(archive, entry, label);
      storages.set(String(key), s);
      return s;
    },
  });
  return value;
}
