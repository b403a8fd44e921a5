// A local stand-in for NVIDIA's file server, started by the tests that fetch networks (tests never
// reach the internet): it serves one body under the catalogue's paths, answers Range and If-Range
// requests as S3 does, records what each request asked for, and can be told to cut the connection
// after some bytes or to hold it open after them (for a cancel).
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NetworkMirror {
  /** The base address to give as LEPORELLO_NETWORK_MIRROR. */
  url: string;
  /** What is served, by path below the base (the catalogue's path after NVIDIA's host). */
  files: Map<string, Buffer>;
  /** The next response stops after this many bytes: 'cut' destroys the socket, 'hold' leaves it open. */
  stopAfter: { bytes: number; how: 'cut' | 'hold' } | null;
  requests: { path: string; headers: IncomingHttpHeaders; status: number }[];
  close(): Promise<void>;
}

export async function startNetworkMirror(): Promise<NetworkMirror> {
  const held = new Set<import('node:http').ServerResponse>();
  const mirror: NetworkMirror = {
    url: '',
    files: new Map(),
    stopAfter: null,
    requests: [],
    close: () => {
      for (const res of held) res.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    const body = mirror.files.get(path);
    const record = (status: number) => mirror.requests.push({ path, headers: req.headers, status });
    if (!body) {
      record(404);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    let start = 0;
    if (range && (!ifRange || ifRange === etag)) {
      start = Number(range[1]);
      if (start >= body.length) {
        record(416);
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      record(206);
      res.writeHead(206, { etag, 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
    } else {
      record(200);
      res.writeHead(200, { etag, 'content-length': body.length, 'accept-ranges': 'bytes' });
    }
    const stop = mirror.stopAfter;
    mirror.stopAfter = null;
    if (!stop) return void res.end(body.subarray(start));
    res.write(body.subarray(start, start + stop.bytes), () => {
      if (stop.how === 'cut') res.destroy();
      else held.add(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return mirror;
}
