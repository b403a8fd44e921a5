// The renderer's one way to reach the studio: the same typed calls over Electron's preload
// bridge or over HTTP + WebSocket to the headless server. Views never know which.
import type { EventMessage, EventName, EventPayload, Method, Reply, Request, Response } from '../../shared/contract';

interface PreloadBridge {
  api: Record<Method, (request: unknown) => Promise<Reply<unknown>>>;
  onEvent(listener: (m: EventMessage) => void): () => void;
  pathForFile(file: File): string;
}

declare global {
  interface Window {
    leporello?: PreloadBridge;
  }
}

export class ApiCallError extends Error {
  constructor(
    readonly method: Method,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Transport {
  shell: 'electron' | 'browser';
  call(method: Method, request: unknown): Promise<Reply<unknown>>;
  listen(listener: (m: EventMessage) => void): void;
  fileUrl(rel: string): string;
  pathForFile?(file: File): string;
}

function electronTransport(bridge: PreloadBridge): Transport {
  return {
    shell: 'electron',
    call: (method, request) => bridge.api[method](request),
    listen: (l) => void bridge.onEvent(l),
    fileUrl: (rel) => `leporello://project/${rel.split('/').map(encodeURIComponent).join('/')}`,
    pathForFile: (f) => bridge.pathForFile(f),
  };
}

function httpTransport(): Transport {
  const listeners = new Set<(m: EventMessage) => void>();
  let retry = 500;
  const connect = () => {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/events`);
    ws.onopen = () => (retry = 500);
    ws.onmessage = (e) => {
      const message = JSON.parse(String(e.data)) as EventMessage;
      for (const l of listeners) l(message);
    };
    ws.onclose = () => {
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10_000);
    };
  };
  connect();
  return {
    shell: 'browser',
    async call(method, request) {
      let res: globalThis.Response;
      try {
        res = await fetch(`api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(request ?? {}),
          credentials: 'same-origin',
        });
      } catch {
        return { ok: false, error: { code: 'unavailable', message: 'the studio server does not answer: is "leporello serve" still running?' } };
      }
      if (res.status === 401) {
        return {
          ok: false,
          error: { code: 'unavailable', message: 'the studio server refused the session: open the address it printed (with its token) again' },
        };
      }
      return (await res.json()) as Reply<unknown>;
    },
    listen: (l) => void listeners.add(l),
    fileUrl: (rel) => `files/${rel.split('/').map(encodeURIComponent).join('/')}`,
  };
}

const transport: Transport = window.leporello ? electronTransport(window.leporello) : httpTransport();
const handlers = new Map<EventName, Set<(payload: never) => void>>();
transport.listen((m) => {
  for (const h of handlers.get(m.event) ?? []) (h as (p: unknown) => void)(m.payload);
});

export const api = {
  shell: transport.shell,

  async call<M extends Method>(method: M, request: Request<M>): Promise<Response<M>> {
    const reply = await transport.call(method, request);
    if (!reply.ok) throw new ApiCallError(method, reply.error.code, reply.error.message);
    return reply.value as Response<M>;
  },

  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
    const set = handlers.get(event) ?? new Set();
    set.add(handler as (payload: never) => void);
    handlers.set(event, set);
    return () => set.delete(handler as (payload: never) => void);
  },

  fileUrl: (rel: string) => transport.fileUrl(rel),

  /** Local paths of dropped files: only the desktop app can know them. */
  pathForFile: transport.pathForFile ? (f: File) => transport.pathForFile!(f) : null,
};
