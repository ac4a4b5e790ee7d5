/**
 * A tiny static file server on the loopback interface, for the browser end-to-end test
 * (and for looking at the built page by hand). Serves one folder; nothing else.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** Content types of the files the demo serves; `.wasm` must be application/wasm for streaming compilation. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
};

/** A running static server. */
export interface StaticServer {
  /** Base URL, e.g. http://127.0.0.1:40123/ */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** The file under `root` a URL path names, or undefined when it would leave `root`. */
export function resolveUnder(root: string, urlPath: string): string | undefined {
  const rel = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  const file = path.resolve(root, '.' + (rel.endsWith('/') ? `${rel}index.html` : rel));
  return file === root || file.startsWith(root + path.sep) ? file : undefined;
}

/** Serves `dir` on 127.0.0.1 at `port` (0 = any free port). */
export async function serveStatic(dir: string, port = 0): Promise<StaticServer> {
  const root = path.resolve(dir);
  const server = createServer((req, res) => {
    const file = resolveUnder(root, req.url ?? '/');
    if (file === undefined) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}/`,
    server,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
