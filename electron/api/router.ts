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
      return { ok: false, error: { code: 'invalid_request', message: `${method}: ${describeIssues(parsed.error)}` } };
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

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
