// An archive's catalogue beside its pictures: a CSV (RFC 4180: quoted fields, doubled quotes,
// commas and newlines inside quotes) or a JSON file (an array of objects, or an object keyed by file
// name). One column names the file; the others map to what a picture carries — sitter, caption,
// date, the archive's reference, rights — or become labels. Read as text within the small-file
// limit, every field bounded, so a hostile file is refused with its reason rather than filling memory.
import { basename } from 'node:path';
import type { MetadataRole } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { readUserTextSync } from '../fs/user-file';

/** Where a column's values go (the contract's MetadataRole). */
export type ColumnRole = MetadataRole;

export interface Sidecar {
  file: string;
  columns: { name: string; role: ColumnRole }[];
  /** Rows by the file name they describe (its base name, compared without case). */
  rows: Map<string, Record<string, string>>;
}

const MAX_ROWS = 200_000;
/** What a label key may hold (the contract's rule). */
const LABEL_KEY = /^[\p{L}\p{N}_ .-]{1,64}$/u;
const MAX_FIELD = 4000;

/** The role a column takes by its header when the curator chose none. */
export function defaultRole(header: string): ColumnRole {
  const h = header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (['file', 'filename', 'file_name', 'image', 'picture'].includes(h)) return 'file';
  if (['name', 'sitter', 'person', 'subject'].includes(h)) return 'sitter';
  if (['caption', 'title', 'description'].includes(h)) return 'caption';
  if (['date', 'year', 'taken'].includes(h)) return 'date';
  if (['source', 'source_path', 'reference', 'ref', 'catalogue', 'catalog', 'accession', 'url'].includes(h)) return 'source';
  if (['rights', 'license', 'licence', 'copyright'].includes(h)) return 'rights';
  // A label key may hold letters, digits, space, "_", "-" and "."; anything else is left out.
  return LABEL_KEY.test(header.trim()) ? 'label' : 'ignore';
}

function parseCsv(text: string, file: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endField = () => {
    if (field.length > MAX_FIELD) throw new AppError('invalid_request', `${file}: row ${rows.length + 1} has a field longer than ${MAX_FIELD} characters`);
    row.push(field);
    field = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endField();
      if (row.some((f) => f !== '')) rows.push(row);
      if (rows.length > MAX_ROWS) throw new AppError('invalid_request', `${file} has more than ${MAX_ROWS} rows: is it the right file?`);
      row = [];
    } else field += ch;
  }
  if (quoted) throw new AppError('invalid_request', `${file}: a quoted field is never closed (row ${rows.length + 1}); the file looks cut short`);
  if (field !== '' || row.length) {
    endField();
    if (row.some((f) => f !== '')) rows.push(row);
  }
  return rows;
}

function tableOf(text: string, file: string): { headers: string[]; records: Record<string, string>[] } {
  if (/\.json$/i.test(file)) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new AppError('invalid_request', `${file} is not valid JSON (${(err as Error).message})`);
    }
    // {"000020.jpg": {...}} or [{"file": "000020.jpg", ...}]
    const list = Array.isArray(data)
      ? data
      : data && typeof data === 'object'
        ? Object.entries(data as Record<string, unknown>).map(([k, v]) => ({ file: k, ...(v && typeof v === 'object' ? v : {}) }))
        : null;
    if (!list || !list.every((r) => r && typeof r === 'object' && !Array.isArray(r)))
      throw new AppError('invalid_request', `${file}: expected an array of objects, or an object of objects keyed by file name`);
    if (list.length > MAX_ROWS) throw new AppError('invalid_request', `${file} has more than ${MAX_ROWS} entries: is it the right file?`);
    const headers = [...new Set(list.flatMap((r) => Object.keys(r as object)))];
    const records = list.map((r) =>
      Object.fromEntries(
        Object.entries(r as Record<string, unknown>)
          .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
          .map(([k, v]) => [k, String(v).slice(0, MAX_FIELD)]),
      ),
    );
    return { headers, records };
  }
  const rows = parseCsv(text, file);
  if (rows.length === 0) throw new AppError('invalid_request', `${file} is empty`);
  const headers = rows[0]!.map((h) => h.trim());
  const records = rows.slice(1).map((r) => Object.fromEntries(headers.map((h, k) => [h, (r[k] ?? '').trim()])));
  return { headers, records };
}

/**
 * Reads a sidecar and maps its columns (the curator's roles where given, else by header). Refuses
 * one without a file column, or whose file column names no file.
 */
export function readSidecar(file: string, roles: Record<string, ColumnRole> = {}): Sidecar {
  const { headers, records } = tableOf(readUserTextSync(file, 'metadata file (CSV or JSON)'), basename(file));
  const columns = headers.map((name) => ({ name, role: roles[name] ?? defaultRole(name) }));
  const key = columns.find((c) => c.role === 'file');
  if (!key)
    throw new AppError(
      'invalid_request',
      `${basename(file)} has no column naming the file (one headed "file" or "filename"); its columns: ${headers.join(', ') || 'none'}`,
    );
  const rows = new Map<string, Record<string, string>>();
  for (const r of records) {
    const name = basename((r[key.name] ?? '').replace(/\\/g, '/')).trim();
    if (name) rows.set(name.toLowerCase(), r);
  }
  if (rows.size === 0) throw new AppError('invalid_request', `${basename(file)}: its "${key.name}" column is empty in every row`);
  return { file, columns, rows };
}

/** What a picture gets from its row: provenance fields, and labels by column. */
export function fieldsOf(
  sidecar: Sidecar,
  row: Record<string, string>,
): { fields: Partial<Record<'sitter' | 'caption' | 'date' | 'source' | 'rights', string>>; labels: [string, string][] } {
  const fields: Partial<Record<'sitter' | 'caption' | 'date' | 'source' | 'rights', string>> = {};
  const labels: [string, string][] = [];
  for (const { name, role } of sidecar.columns) {
    const value = (row[name] ?? '').trim();
    if (!value || role === 'file' || role === 'ignore') continue;
    if (role === 'label') {
      // A column made a label by hand must still be a valid label key (a header the defaults left out may not be).
      if (value.length <= 200 && LABEL_KEY.test(name.trim())) labels.push([name.trim(), value]);
    } else fields[role] = fields[role] ? `${fields[role]}; ${value}` : value;
  }
  return { fields, labels };
}

/** The columns as they would be read: each with its role and a few of its values, for the import panel. */
export function previewSidecar(
  file: string,
  roles: Record<string, ColumnRole> = {},
): { rows: number; columns: { name: string; role: ColumnRole; examples: string[] }[] } {
  const sidecar = readSidecar(file, roles);
  const sample = [...sidecar.rows.values()].slice(0, 3);
  return {
    rows: sidecar.rows.size,
    columns: sidecar.columns.map((c) => ({ ...c, examples: sample.map((r) => r[c.name] ?? '').filter(Boolean) })),
  };
}
