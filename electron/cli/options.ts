// Command-line flags from a contract schema: every field of a request becomes a flag of the same
// name in kebab case (batchSize → --batch-size), typed as the schema says, with the help text the
// studio shows beside the same setting. A command adds the flags of its own (--out, --json) and
// the few that name things by name rather than id (--dataset, --run).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { describedAs } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { parseNumberList } from '../../shared/number-list';

type Kind = 'number' | 'boolean' | 'string' | 'numbers';

export interface FlagSpec {
  /** The request field it sets. */
  field: string;
  /** Its name on the command line, without the dashes. */
  flag: string;
  kind: Kind;
  choices?: readonly string[];
  help?: string;
  fallback?: unknown;
}

export const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The schema inside optional and default wrappers, with the default when there is one. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; fallback?: unknown } {
  let s = schema;
  let fallback: unknown;
  for (;;) {
    const def = s.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
    if (def.type === 'default') fallback = typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : def.defaultValue;
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) s = def.innerType;
    else return { inner: s, fallback };
  }
}

function kindOf(schema: z.ZodType): { kind: Kind; choices?: readonly string[] } | null {
  const def = schema.def as { type: string; element?: z.ZodType };
  if (def.type === 'number') return { kind: 'number' };
  if (def.type === 'boolean') return { kind: 'boolean' };
  if (def.type === 'string') return { kind: 'string' };
  if (def.type === 'enum') return { kind: 'string', choices: (schema as z.ZodEnum).options as readonly string[] };
  if (def.type === 'array' && def.element && unwrap(def.element).inner.def.type === 'number') return { kind: 'numbers' };
  return null;
}

/**
 * The flags of an object schema's fields; those of kinds a flag cannot hold (objects, unions) and
 * those in `skip` are left to the command.
 */
export function flagsOf(schema: z.ZodObject, skip: string[] = []): FlagSpec[] {
  return Object.entries(schema.shape).flatMap(([field, s]) => {
    if (skip.includes(field)) return [];
    const { inner, fallback } = unwrap(s as z.ZodType);
    const kind = kindOf(inner);
    if (!kind) return [];
    return [{ field, flag: kebab(field), ...kind, help: describedAs(s as z.ZodType), fallback }];
  });
}

/** One help line per flag, as `leporello help COMMAND` prints them. */
export function helpLines(flags: FlagSpec[], aliases: Record<string, string> = {}): string[] {
  return flags.map((f) => {
    const arg = f.kind === 'boolean' ? '' : f.choices ? ` ${f.choices.join('|')}` : f.kind === 'numbers' ? ' N,N-M' : f.kind === 'number' ? ' N' : ' TEXT';
    const also = Object.entries(aliases)
      .filter(([, to]) => to === f.flag)
      .map(([a]) => `--${a}`);
    const fallback = f.fallback === undefined || f.kind === 'boolean' ? '' : ` (default ${String(f.fallback)})`;
    return `  --${f.flag}${arg}${also.length ? ` (also ${also.join(', ')})` : ''}\n      ${f.help ?? ''}${fallback}`;
  });
}

export interface Parsed {
  /** Request fields given on the command line, typed. */
  fields: Record<string, unknown>;
  /** The command's own flags, as parseArgs gives them. */
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses `args`: the schema's flags into typed request fields, the command's own flags as they are,
 * and the old names `aliases` keeps working (e.g. --lr for --learning-rate).
 */
export function parseOptions(args: string[], flags: FlagSpec[], own: ParseArgsConfig['options'] = {}, aliases: Record<string, string> = {}): Parsed {
  const options: NonNullable<ParseArgsConfig['options']> = { json: { type: 'boolean' }, help: { type: 'boolean' }, ...own };
  for (const f of flags) options[f.flag] = { type: f.kind === 'boolean' ? 'boolean' : 'string' };
  for (const [alias, to] of Object.entries(aliases)) options[alias] = { ...options[to]! };
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options, strict: true });
  } catch (err) {
    throw new AppError('invalid_request', `${(err as Error).message.split('\n')[0]}; see "leporello help" for the options`);
  }
  const values = parsed.values as Parsed['values'];
  for (const [alias, to] of Object.entries(aliases)) {
    if (values[alias] === undefined) continue;
    if (values[to] !== undefined) throw new AppError('invalid_request', `--${alias} and --${to} are the same option; give one`);
    values[to] = values[alias];
    delete values[alias];
  }
  const fields: Record<string, unknown> = {};
  for (const f of flags) {
    const v = values[f.flag];
    delete values[f.flag];
    if (v === undefined) continue;
    if (f.kind === 'boolean' || typeof v !== 'string') fields[f.field] = v;
    else if (f.kind === 'number') {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) throw new AppError('invalid_request', `--${f.flag} "${v}" is not a number`);
      fields[f.field] = n;
    } else if (f.kind === 'numbers') fields[f.field] = parseNumberList(v, `--${f.flag}`);
    else {
      if (f.choices && !f.choices.includes(v))
        throw new AppError('invalid_request', `--${f.flag} is ${f.choices.join(' or ')}${f.help ? ` (${f.help})` : ''}; not "${v}"`);
      fields[f.field] = v;
    }
  }
  return { fields, values, positionals: parsed.positionals };
}

/** Validates a request built from flags, naming the flag in what is wrong. */
export function validated<S extends z.ZodType>(schema: S, request: unknown): z.output<S> {
  const result = schema.safeParse(request);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path
    .map(String)
    .filter((p) => !/^\d+$/.test(p))
    .at(-1);
  throw new AppError('invalid_request', field ? `--${kebab(field)}: ${issue.message}` : issue.message);
}
