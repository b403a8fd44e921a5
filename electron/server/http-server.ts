// The headless server: the main process without a window. It serves the built renderer and the
// same API as the Electron preload (POST /api/<method>, events over a WebSocket at /events) on
// 127.0.0.1 only, behind a random token, so a studio on a GPU workstation can be used from a browser.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppError } from '../../shared/errors';
import type { EventBus } from '../api/event-bus';
import type { ApiRouter } from '../api/router';
import { rendererDir } from '../app-paths';
import { resolveServedFile } from '../services/projects/layout';
import { TOKEN_COOKIE, newToken, sameLoopbackOrigin, tokenMatches } from './auth';
import { mimeType } from './mime';
import { commonSecurityHeaders, contentSecurityPolicy } from './security-headers';

export interface HeadlessServerOptions {
  router: ApiRouter;
  events: EventBus;
  /** The open project's folder, for /files/…; null when none is open. */
  projectDir: () => string | null;
  port?: number;
  token?: string;
  staticDir?: string;
}

export interface HeadlessServer {
  server: Server;
  port: number;
  token: string;
  /** The address to open, carrying the token. */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;

export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const token = options.token ?? newToken();
  const staticDir = options.staticDir ?? rendererDir;
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  let port = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: String(err) } });
      else res.destroy();
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    for (const [k, v] of Object.entries(commonSecurityHeaders)) res.setHeader(k, v);
    if (!sameLoopbackOrigin(req, port)) return sendText(res, 403, 'Forbidden: this studio answers only to pages it served itself on 127.0.0.1.');
    if (!tokenMatches(req, url, token)) {
      return sendText(res, 401, 'Leporello needs its access token: open the address printed by "leporello serve" (it ends in ?token=…).');
    }
    if (url.searchParams.has('token') && req.method === 'GET') {
      // Trade the token in the address for a cookie the page cannot read, and drop it from the URL.
      res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      url.searchParams.delete('token');
      res.writeHead(303, { Location: url.pathname + url.search });
      return res.end();
    }
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return sendText(res, 400, 'malformed address (a broken %-escape)');
    }
    if (path.startsWith('/api/')) return handleApi(req, res, path.slice(5));
    if (path.startsWith('/files/')) return handleFile(req, res, path.slice(7));
    return handleStatic(req, res, url.pathname);
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, method: string) => {
    res.setHeader('Cache-Control', 'no-store');
    if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'invalid_request', message: 'API calls are POST requests' } });
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendJson(res, 415, { ok: false, error: { code: 'invalid_request', message: 'API calls carry a JSON body (Content-Type: application/json)' } });
    }
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)) || '{}');
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        // Answered before the rest arrives, then the connection closes: nothing more is read.
        res.setHeader('Connection', 'close');
        res.once('finish', () => req.destroy());
        return sendJson(res, 413, { ok: false, error: { code: 'invalid_request', message: err.message } });
      }
      const message = err instanceof AppError ? err.message : 'the request body is not valid JSON';
      return sendJson(res, 400, { ok: false, error: { code: 'invalid_request', message } });
    }
    const reply = await options.router.handle(method, body);
    const status = reply.ok ? 200 : reply.error.code === 'unknown_method' ? 404 : reply.error.code === 'internal' ? 500 : 400;
    sendJson(res, status, reply);
  };

  const handleFile = (req: IncomingMessage, res: ServerResponse, rel: string) => {
    const dir = options.projectDir();
    if (!dir) return sendText(res, 404, 'no project is open');
    let file: string;
    try {
      file = resolveServedFile(dir, rel);
    } catch (err) {
      return sendText(res, 404, err instanceof Error ? err.message : 'not found');
    }
    // Project files are named by their content hash, so they never change under the same name.
    streamFile(req, res, file, 'private, max-age=31536000, immutable');
  };

  const handleStatic = (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    const rel = normalize(pathname === '/' ? 'index.html' : pathname.slice(1));
    if (rel.startsWith('..')) return sendText(res, 404, 'not found');
    let file = join(staticDir, rel);
    if (!existsSync(file) || !statSync(file).isFile()) file = join(staticDir, 'index.html');
    if (!existsSync(file)) return sendText(res, 500, `the studio UI is not built (${staticDir} is missing): run "npm run build"`);
    if (file.endsWith('index.html')) {
      res.setHeader('Content-Security-Policy', contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]));
    }
    streamFile(req, res, file, file.endsWith('index.html') ? 'no-store' : 'no-cache');
  };

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    if (url.pathname !== '/events' || !sameLoopbackOrigin(req, port) || !tokenMatches(req, url, token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    // A socket that errs (reset, malformed handshake) is closed; it never takes the server down.
    socket.on('error', () => socket.destroy());
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // A malformed or oversized frame is an error on this socket only: it is closed.
      ws.on('error', () => {
        sockets.delete(ws);
        ws.terminate();
      });
      // Clients only listen; anything they send is ignored.
      ws.on('message', () => undefined);
    });
  });

  const unsubscribe = options.events.subscribe((message) => {
    const text = JSON.stringify(message);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    server,
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(req.headers['content-length'] ?? 0);
    const tooLarge = () => new BodyTooLarge(`the request body is over the ${MAX_BODY / 1024 / 1024} MB an API call may carry`);
    if (declared > MAX_BODY) return reject(tooLarge());
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) return void chunks.push(c);
      req.off('data', onData);
      reject(tooLarge());
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A file's bytes as the response; what is not a readable regular file is a 404, never a crash. */
function streamFile(req: IncomingMessage, res: ServerResponse, file: string, cacheControl: string) {
  let size: number;
  try {
    const s = statSync(file);
    if (!s.isFile()) return sendText(res, 404, 'not a file');
    size = s.size;
  } catch {
    return sendText(res, 404, 'not found');
  }
  res.writeHead(200, { 'Content-Type': mimeType(file), 'Content-Length': size, 'Cache-Control': cacheControl });
  if (req.method === 'HEAD') return res.end();
  const stream = createReadStream(file);
  // Removed or unreadable between the check and the read: the response is cut, the server goes on.
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
