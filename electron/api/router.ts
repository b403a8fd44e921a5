// The one place where requests from the untrusted renderer enter: whatever the transport (IPC in
// Electron, HTTP in the headless server), a request is looked up in the shared contract, parsed
// against its schema, handled, and answered as a Reply — never as an exception.
import { z } from 'zod';
import { contract, isMethod, type Method, type ParsedRequest, type Reply, type Response } from '../../shared/contract';
import { AppError, toApiError } from '../../shared/errors';

export type Handlers = { [M in Method]: (request: ParsedRequest<M>) => Response<M> | Promise<Response<M>> };

export class ApiRouter {
  constructor(private readonly handlers: Handlers) {}

  async handle(method: string, rawRequest: unknown): Promise<Reply<unknown>> {
    if (!isMethod(method)) {
      return { ok: false, error: { code: 'unknown_method', message: `unknown API method "${method}"` } };
    }
    const spec = contract[method];
    const parsed = spec.request.safeParse(rawRequest ?? {});
    if (!parsed.success) {
      return { ok: false, error: { code: 'invalid_request', message: describeIssues(parsed.error) } };
    }
    try {
      const handler = this.handlers[method] as (r: unknown) => unknown;
      const value = await handler(parsed.data);
      // The reply is checked too: a handler drifting from the contract is our bug, caught here.
      return { ok: true, value: spec.response.parse(value) };
    } catch (err) {
      return { ok: false, error: toApiError(err) };
    }
  }
}

/** Parses a request against the contract outside a transport (the CLI), throwing a readable error. */
export function parseRequest<M extends Method>(method: M, raw: unknown): ParsedRequest<M> {
  const parsed = contract[method].request.safeParse(raw);
  if (!parsed.success) throw new AppError('invalid_request', describeIssues(parsed.error));
  return parsed.data as ParsedRequest<M>;
}

/** A field's name as a person reads it: "learningRate" → "learning rate", nested fields joined by ›. */
function fieldName(path: PropertyKey[]): string {
  return path
    .filter((k) => typeof k === 'string')
    .map((k) => k.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase())
    .join(' › ');
}

/** zod's own wording, which whatIsWrong restates; a schema's own message (a refine, a custom min) is kept as written. */
const LIBRARY_WORDING = /^(Too small|Too big|Invalid input|Unrecognized key)/;

/** What is wrong with a value, in words rather than in the schema library's terms. */
function whatIsWrong(issue: z.core.$ZodIssue): string {
  if (!LIBRARY_WORDING.test(issue.message)) return issue.message;
  const i = issue as z.core.$ZodIssue & {
    origin?: string;
    minimum?: number | bigint;
    maximum?: number | bigint;
    inclusive?: boolean;
    expected?: string;
    keys?: string[];
  };
  if (i.code === 'too_small' && i.origin === 'number') return `must be ${i.inclusive ? 'at least' : 'more than'} ${i.minimum}`;
  if (i.code === 'too_big' && i.origin === 'number') return `must be ${i.inclusive ? 'at most' : 'less than'} ${i.maximum}`;
  if (i.code === 'too_small' && i.origin === 'string') return Number(i.minimum) <= 1 ? 'cannot be empty' : `needs at least ${i.minimum} characters`;
  if (i.code === 'too_big' && i.origin === 'string') return `may have at most ${i.maximum} characters`;
  if (i.code === 'too_small' && i.origin === 'array') return `needs at least ${i.minimum}`;
  if (i.code === 'too_big' && i.origin === 'array') return `may have at most ${i.maximum}`;
  if (i.code === 'invalid_type' && i.expected === 'int') return 'must be a whole number';
  if (i.code === 'invalid_type') return `should be ${i.expected === 'object' ? 'a set of settings' : `a ${i.expected}`}`;
  if (i.code === 'unrecognized_keys') return `${i.keys!.length === 1 ? 'is not a setting' : 'are not settings'} here: ${i.keys!.join(', ')}`;
  return i.message;
}

/** Every problem of a request (the first five), each with the field it is in, in a person's words. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const field = fieldName(i.path);
      return field ? `${field}: ${whatIsWrong(i)}` : whatIsWrong(i);
    })
    .join('; ');
}
