/**
 * A tiny static file server on the loopback interface, for the browser end-to-end test
 * (and for looking at the built page by hand). Serves one folder; nothing else.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { contentTypeOf, findStaticFile } from '../service/static-files.js';

/** A running static server. */
export interface StaticServer {
  /** Base URL, e.g. http://127.0.0.1:40123/ */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1 at `port` (0 = any free port). */
export async function serveStatic(dir: string, port = 0): Promise<StaticServer> {
  const root = path.resolve(dir);
  const server = createServer((req, res) => {
    findStaticFile(root, req.url ?? '/')
      .then(async (found) => {
        if (found.kind === 'outside') return void res.writeHead(403).end();
        if (found.kind !== 'file') return void res.writeHead(404).end();
        const body = await readFile(found.file);
        res.writeHead(200, { 'content-type': contentTypeOf(found.file) }).end(body);
      })
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}/`,
    server,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
