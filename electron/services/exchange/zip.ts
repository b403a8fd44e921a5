// Just enough ZIP for dataset archives: writing stored entries (the PNGs inside are compressed
// already) and reading stored or deflated ones, from a buffer or straight from an open file, so
// that reading an archive holds its directory and one entry in memory, never the whole file.
// Entry names are only ever used as keys — never as paths on disk — so a hostile archive cannot
// write outside anything.
import { readSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';

/** Bytes of an archive by position: a buffer, or an open file read where asked. */
export interface ZipSource {
  size: number;
  /** Up to `length` bytes from `at` (fewer only at the end). */
  read(at: number, length: number): Buffer;
}

export function bufferSource(zip: Buffer): ZipSource {
  return { size: zip.length, read: (at, length) => zip.subarray(at, at + length) };
}

export function fileSource(fd: number, size: number): ZipSource {
  return {
    size,
    read(at, length) {
      const out = Buffer.alloc(Math.max(0, Math.min(length, size - at)));
      let done = 0;
      while (done < out.length) {
        const n = readSync(fd, out, done, out.length - done, at + done);
        if (n === 0) break;
        done += n;
      }
      return out.subarray(0, done);
    },
  };
}

const asSource = (zip: Buffer | ZipSource): ZipSource => (Buffer.isBuffer(zip) ? bufferSource(zip) : zip);

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Entries larger than this are refused on reading (a dataset image is a few megabytes at most). */
const MAX_ENTRY_BYTES = 256 * 2 ** 20;
const MAX_ENTRIES = 1_000_000;

function dosDateTime(date: Date): { time: number; day: number } {
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    day: ((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/** A ZIP archive of stored entries, as one buffer. */
export function writeZip(entries: ZipEntry[], date = new Date()): Buffer {
  const { time, day } = dosDateTime(date);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(e.data);
    // Local and central headers share one run of fields: version needed, flags, method, time,
    // date, CRC, both sizes, name length.
    const shared = (header: Buffer, at: number) => {
      header.writeUInt16LE(20, at);
      header.writeUInt16LE(0x0800, at + 2); // UTF-8 names
      header.writeUInt16LE(0, at + 4); // stored
      header.writeUInt16LE(time, at + 6);
      header.writeUInt16LE(day, at + 8);
      header.writeUInt32LE(crc, at + 10);
      header.writeUInt32LE(e.data.length, at + 14);
      header.writeUInt32LE(e.data.length, at + 18);
      header.writeUInt16LE(name.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    shared(local, 4);
    locals.push(local, name, e.data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    shared(central, 6);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const directory = Buffer.concat(centrals);
  if (entries.length > 0xffff || offset > 0xffffffff) throw new Error('the archive is too large for plain ZIP (more than 65535 entries or 4 GB)');
  return Buffer.concat([...locals, directory, endOfDirectory(entries.length, directory.length, offset)]);
}

/** The end-of-central-directory record: how many entries, and where their directory is. */
export function endOfDirectory(entries: number, directoryBytes: number, directoryAt: number): Buffer {
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries, 8);
  end.writeUInt16LE(entries, 10);
  end.writeUInt32LE(directoryBytes, 12);
  end.writeUInt32LE(directoryAt, 16);
  return end;
}

/** Where an entry's bytes are, as its central directory record says. */
export interface ZipEntryInfo {
  name: string;
  method: number;
  crc: number;
  packed: number;
  size: number;
  localAt: number;
}

/**
 * What an archive may unpack to. A deflated entry can be a thousand times its packed size (12
 * entries of 250 MB of zeros fit in 3 MB), so the total and the ratio are capped before anything
 * is inflated, and entries are inflated one at a time.
 */
export const ZIP_LIMITS = {
  entryBytes: MAX_ENTRY_BYTES,
  totalBytes: 16 * 2 ** 30,
  /** Unpacked / packed, for entries over a megabyte: PNG and JPEG hardly compress; zeros do. */
  ratio: 100,
};

/** The central directory can be this large (a million entries with long names). */
const MAX_DIRECTORY_BYTES = 256 * 2 ** 20;

/** The file entries of a ZIP archive (folders skipped), checked against the limits; nothing inflated yet. */
export function listZip(archive: Buffer | ZipSource, label = 'the archive'): ZipEntryInfo[] {
  const source = asSource(archive);
  const bad = (why: string) => new Error(`${label} is not a ZIP archive Leporello can read: ${why}`);
  // The end record is in the last 22 bytes, or before a comment of at most 64 KiB.
  const tailAt = Math.max(0, source.size - 22 - 0xffff);
  const tail = source.read(tailAt, source.size - tailAt);
  let end = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw bad('no end-of-directory record');
  const count = tail.readUInt16LE(end + 10);
  const directoryBytes = tail.readUInt32LE(end + 12);
  const directoryAt = tail.readUInt32LE(end + 16);
  if (count > MAX_ENTRIES) throw bad(`${count} entries`);
  if (directoryBytes > MAX_DIRECTORY_BYTES || directoryAt + directoryBytes > source.size) throw bad('a damaged central directory');
  const zip = source.read(directoryAt, directoryBytes);
  const entries: ZipEntryInfo[] = [];
  let total = 0;
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw bad('a damaged central directory');
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const packed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (size > ZIP_LIMITS.entryBytes) throw bad(`${name} would unpack to ${size} bytes, more than any dataset file (${ZIP_LIMITS.entryBytes})`);
    if (size > 2 ** 20 && size > packed * ZIP_LIMITS.ratio)
      throw bad(`${name} would unpack to ${Math.round(size / Math.max(packed, 1))} times its packed size (a "zip bomb"?)`);
    if (packed > ZIP_LIMITS.entryBytes + 2 ** 20) throw bad(`${name} is ${packed} bytes packed, more than any dataset file`);
    total += size;
    if (total > ZIP_LIMITS.totalBytes) throw bad(`its entries would unpack to more than ${ZIP_LIMITS.totalBytes / 2 ** 30} GB`);
    if (method !== 0 && method !== 8) throw bad(`${name} uses compression method ${method} (only stored and deflate are read)`);
    entries.push({ name, method, crc, packed, size, localAt });
  }
  return entries;
}

/** One entry's bytes, inflated no further than its declared size and checked against its CRC. */
export function readZipEntry(archive: Buffer | ZipSource, e: ZipEntryInfo, label = 'the archive'): Buffer {
  const source = asSource(archive);
  const bad = (why: string) => new Error(`${label} is not a ZIP archive Leporello can read: ${why}`);
  const local = source.read(e.localAt, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) throw bad(`${e.name} has no local header`);
  const dataAt = e.localAt + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const raw = source.read(dataAt, e.packed);
  if (raw.length !== e.packed) throw bad(`${e.name} is truncated`);
  let data: Buffer;
  try {
    data = e.method === 0 ? Buffer.from(raw) : inflateRawSync(raw, { maxOutputLength: Math.max(e.size, 1) });
  } catch {
    throw bad(`${e.name} is damaged or larger than its header says`);
  }
  if (data.length !== e.size || crc32(data) !== e.crc) throw bad(`${e.name} is damaged (its CRC does not match)`);
  return data;
}

/** Every file entry of a ZIP archive (folders skipped), checked against its CRC: for small archives. */
export function readZip(zip: Buffer, label = 'the archive'): ZipEntry[] {
  return listZip(zip, label).map((e) => ({ name: e.name, data: readZipEntry(zip, e, label) }));
}
