import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import WebSocket from 'ws';
import type { EventMessage } from '../../shared/contract';
import { EventBus } from '../../electron/api/event-bus';
import { createHandlers } from '../../electron/api/handlers';
import { ApiRouter } from '../../electron/api/router';
import { Studio } from '../../electron/services/studio';
import { startHeadlessServer, type HeadlessServer } from '../../electron/server/http-server';
import { smallPortraits, tempDir } from '../helpers';

async function startStudio(t: Parameters<typeof tempDir>[0]): Promise<{ server: HeadlessServer; studio: Studio }> {
  const base = tempDir(t);
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  const server = await startHeadlessServer({
    router: new ApiRouter(createHandlers(studio)),
    events: studio.events,
    projectDir: () => studio.current?.dir ?? null,
  });
  t.after(async () => {
    await server.close();
    await studio.closeProject();
  });
  return { server, studio };
}

/** A raw request, so that Host and Origin can be whatever an attacker would send. */
function raw(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('the server listens on loopback only and refuses requests without the token', async (t) => {
  const { server } = await startStudio(t);
  assert.equal((server.server.address() as { address: string }).address, '127.0.0.1');
  const host = `127.0.0.1:${server.port}`;
  assert.equal((await raw(server.port, '/', { Host: host })).status, 401);
  assert.equal((await raw(server.port, '/api/projects.list', { Host: host, 'Content-Type': 'application/json' }, 'POST', '{}')).status, 401);
  assert.equal((await raw(server.port, '/files/thumbs/x.webp', { Host: host })).status, 401);
  const wrong = await raw(server.port, '/', { Host: host, Authorization: 'Bearer not-the-token' });
  assert.equal(wrong.status, 401);
  assert.match(wrong.body, /open the address printed by "leporello serve"/);
});

test('a page from another origin or host name cannot use the token (DNS rebinding, CSRF)', async (t) => {
  const { server } = await startStudio(t);
  const auth = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' };
  const rebind = await raw(server.port, '/api/projects.list', { ...auth, Host: `evil.example:${server.port}` }, 'POST', '{}');
  assert.equal(rebind.status, 403);
  const csrf = await raw(server.port, '/api/projects.list', { ...auth, Host: `127.0.0.1:${server.port}`, Origin: 'http://evil.example' }, 'POST', '{}');
  assert.equal(csrf.status, 403);
  const form = await raw(
    server.port,
    '/api/projects.create',
    { Authorization: auth.Authorization, Host: `127.0.0.1:${server.port}`, 'Content-Type': 'text/plain' },
    'POST',
    '{"name":"x"}',
  );
  assert.equal(form.status, 415, 'a cross-site simple form post is not JSON');
});

test('the token in the address becomes an HttpOnly cookie and the page is served with a strict CSP', async (t) => {
  const { server } = await startStudio(t);
  const host = `127.0.0.1:${server.port}`;
  const first = await raw(server.port, `/?token=${server.token}`, { Host: host });
  assert.equal(first.status, 303);
  assert.equal(first.headers.location, '/');
  const cookie = String(first.headers['set-cookie']);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const page = await raw(server.port, '/', { Host: host, Cookie: cookie.split(';')[0]! });
  assert.equal(page.status, 200);
  assert.match(page.body, /<div id="app">/);
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
});

test('the API over HTTP: validated requests, a real import, its events on the WebSocket, its files', async (t) => {
  const { server } = await startStudio(t);
  const base = `http://127.0.0.1:${server.port}`;
  const call = async (method: string, body: unknown) => {
    const res = await fetch(`${base}/api/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    // The values these tests read: an images page, a project, a job's id.
    type Value = { total: number; items: { thumbPath: string }[]; [field: string]: unknown };
    return { status: res.status, reply: (await res.json()) as { ok: boolean; value: Value; error?: { code: string; message: string } } };
  };

  const noProject = await call('collections.list', {});
  assert.equal(noProject.reply.error?.code, 'no_project');
  const invalid = await call('projects.create', { name: '' });
  assert.equal(invalid.status, 400);
  assert.match(invalid.reply.error!.message, /name: a name cannot be empty/);
  assert.equal((await call('no.such', {})).status, 404);
  const garbage = await fetch(`${base}/api/projects.list`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    body: '{not json',
  });
  assert.equal(garbage.status, 400);

  const created = await call('projects.create', { name: 'Over HTTP' });
  assert.equal(created.reply.ok, true, JSON.stringify(created.reply));

  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`, { headers: { Authorization: `Bearer ${server.token}` } });
  t.after(() => ws.close());
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  const messages: EventMessage[] = [];
  const finished = new Promise<EventMessage>((resolve) =>
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as EventMessage;
      messages.push(m);
      if (m.event === 'import.finished') resolve(m);
    }),
  );
  const started = await call('import.start', { paths: [smallPortraits], collection: 'small' });
  assert.equal(started.reply.ok, true);
  const done = await finished;
  assert.equal((done.payload as { imported: number }).imported, 24);
  assert.ok(messages.some((m) => m.event === 'import.progress'));

  const list = await call('images.list', {});
  assert.equal(list.reply.value.total, 24);
  const thumb = await fetch(`${base}/files/${list.reply.value.items[0]!.thumbPath}`, { headers: { Authorization: `Bearer ${server.token}` } });
  assert.equal(thumb.status, 200);
  assert.equal(thumb.headers.get('content-type'), 'image/webp');
  for (const evil of ['..%2F..%2Fetc%2Fpasswd', 'thumbs%2F..%2F..%2F..%2Fetc%2Fpasswd', 'leporello.sqlite', '%2Fetc%2Fpasswd']) {
    const r = await raw(server.port, `/files/${evil}`, { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}` });
    assert.equal(r.status, 404, evil);
    assert.doesNotMatch(r.body, /root:/);
  }
  // The same real file without the token, or with a wrong one: refused, and nothing of it sent.
  for (const headers of [{}, { Authorization: 'Bearer not-the-token' }, { Cookie: 'leporello_token=guess' }] as Record<string, string>[]) {
    const r = await raw(server.port, `/files/${list.reply.value.items[0]!.thumbPath}`, { Host: `127.0.0.1:${server.port}`, ...headers });
    assert.equal(r.status, 401, JSON.stringify(headers));
    assert.doesNotMatch(r.body, /WEBP/);
  }
  // Encodings of the way out of the project that a careless decoder would follow.
  for (const evil of ['..%252F..%252Fetc%252Fpasswd', '%2e%2e/%2e%2e/etc/passwd', 'runs/..%5C..%5C..%5Cetc%5Cpasswd', 'runs%00/../leporello.sqlite']) {
    const r = await raw(server.port, `/files/${evil}`, { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}` });
    // A dot-segment the URL parser resolves first leaves /files/ altogether: then it is the studio's page.
    assert.ok(r.status === 404 || r.status === 400 || (r.status === 200 && r.body.includes('<div id="app">')), `${evil}: ${r.status} ${r.body.slice(0, 300)}`);
    assert.doesNotMatch(r.body, /root:|SQLite format/);
  }
  const malformed = await raw(server.port, '/files/%E0%A4%A', { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}` });
  assert.equal(malformed.status, 400);
});

test('a WebSocket without the token is refused', async (t) => {
  const { server } = await startStudio(t);
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`);
  const outcome = await new Promise<string>((resolve) => {
    ws.once('open', () => resolve('open'));
    ws.once('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
    ws.once('error', (e) => resolve(e.message));
  });
  assert.match(outcome, /401/);
});
