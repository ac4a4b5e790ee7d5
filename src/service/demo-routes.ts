/**
 * The browser demo page (built by `npm run build:web` into web/dist) served by `pfe serve`
 * under /demo/. GET and HEAD only, no API key (the files are the public page, models and
 * samples; no user data), never a file outside the folder (see static-files.ts).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.js';
import { contentTypeOf, findStaticFile } from './static-files.js';

/** URL prefix of the demo page; the page's own URLs are relative, so it needs the trailing slash. */
export const DEMO_PREFIX = '/demo/';

/** The command that builds the page into web/dist. */
const BUILD_COMMAND = 'npm run build:web';

/** What GET / answers a program: nothing lives at the root, and where to go instead. */
export const ROOT_POINTER = `nothing here: the demo page is at ${'/demo/'}, the API under /v1/ (described at /v1/openapi.json)`;

/** The message answered while the page has not been built. */
export const DEMO_NOT_BUILT_HINT = `the demo page is not built: run \`${BUILD_COMMAND}\`, then reload`;

/**
 * Content-Security-Policy of the demo files: the page runs on its own origin only, so a
 * photo dropped into it cannot be sent anywhere else.
 */
export const DEMO_CSP = [
  // Anything not named below (fonts, frames, media, workers, ...) only from this origin.
  "default-src 'self'",
  // app.js from here and no inline script; tfjs-backend-wasm compiles WebAssembly at run time.
  "script-src 'self' 'wasm-unsafe-eval'",
  // Samples from here; a chosen photo or a canvas export may be shown as a blob: or data: URL.
  "img-src 'self' blob: data:",
  // fetch() of models, wasm binaries, head and samples from here only: no upload elsewhere.
  "connect-src 'self'",
  // index.html styles the page with an inline <style> block.
  "style-src 'self' 'unsafe-inline'",
  // No plugins.
  "object-src 'none'",
  // An injected <base> cannot point the page's relative URLs at another host.
  "base-uri 'self'",
].join('; ');

/** Headers of every demo file. */
const DEMO_HEADERS: Readonly<Record<string, string>> = {
  // Revalidate each time (cheap with the ETag), so a rebuilt page is picked up at once.
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'content-security-policy': DEMO_CSP,
};

/** ETag from size and modification time (a rebuild rewrites the files, changing both or the latter). */
function etagOf(size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

/**
 * Adds `GET /demo` (308 to /demo/) and `GET /demo/*` serving `webDir` (HEAD too: Fastify
 * adds a HEAD route for every GET). Answers 404 in the API's error shape for a missing
 * file, a path leaving the folder (`..`, encoded or through a symlink) and, with the
 * build hint, a missing folder.
 */
export function registerDemoRoutes(app: FastifyInstance, webDir: string): void {
  const root = path.resolve(webDir);
  // The service's root: a browser is sent to the page; a program is told where things are.
  app.get('/', async (request, reply) => {
    if ((request.headers.accept ?? '').includes('text/html')) return reply.redirect(DEMO_PREFIX, 302);
    return reply.code(404).send({ error: { code: 'NOT_FOUND', message: ROOT_POINTER }, page: DEMO_PREFIX, api: '/v1/', openapi: '/v1/openapi.json' });
  });
  app.get(DEMO_PREFIX.slice(0, -1), async (request, reply) => {
    const q = request.url.indexOf('?');
    return reply.redirect(DEMO_PREFIX + (q >= 0 ? request.url.slice(q) : ''), 308);
  });
  app.get(`${DEMO_PREFIX}*`, async (request, reply) => {
    // The raw URL, not the router's decoded parameter: resolveUnder decodes it exactly once.
    const urlPath = request.url.startsWith(DEMO_PREFIX) ? request.url.slice(DEMO_PREFIX.length - 1) : undefined;
    const found = urlPath === undefined ? undefined : await findStaticFile(root, urlPath);
    if (found?.kind === 'no-root') throw new ApiError(404, 'NOT_FOUND', DEMO_NOT_BUILT_HINT);
    if (found?.kind !== 'file') throw new ApiError(404, 'NOT_FOUND', `no file ${request.url.split('?')[0]}`);
    const etag = etagOf(found.size, found.mtimeMs);
    void reply.headers({ ...DEMO_HEADERS, etag });
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    const body = await readFile(found.file);
    return reply.type(contentTypeOf(found.file)).send(body);
  });
}

/** The startup line saying where the demo page is, or that it is not built. */
export function demoPageNote(baseUrl: string, webDir: string): string {
  const index = path.join(path.resolve(webDir), 'index.html');
  return existsSync(index) ? `demo page: ${baseUrl}${DEMO_PREFIX}` : `demo page: not built (no ${index}); run ${BUILD_COMMAND}`;
}
