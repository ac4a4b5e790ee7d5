/**
 * The demo page under /demo/ over real loopback HTTP: a service with an API key and a
 * fake analyzer backend (no worker threads, no models: static files need none) serving a
 * temporary folder. Requests go through node:http, which sends paths as written (fetch
 * would normalise `..` away before it reaches the server).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serveConfig } from '../cli/commands/serve.js';
import { WEB_DIST } from '../browser-node/build-web.js';
import { defaultConfig, type ServiceConfig } from './config.js';
import { DEMO_CSP, DEMO_NOT_BUILT_HINT, demoPageNote } from './demo-routes.js';
import { NoInferenceBackend } from '../testing/service-without-inference.js';
import { type RunningService, startService } from './server.js';
import { resolveModelFiles } from './service-context.js';

const KEY = 'demo-test-key-0123456789';
/** Bytes no served file may ever contain: they sit only in files outside the web folder. */
const SECRET = 'SECRET-OUTSIDE-THE-WEB-FOLDER';
const INDEX = '<!doctype html><title>demo</title>';
/** The 8-byte wasm header (magic + version 1): enough to check bytes arrive unchanged. */
const WASM = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let dir: string;
let web: string;
let service: RunningService;

/** One request with the path exactly as given. */
function send(method: string, urlPath: string, headers: Record<string, string> = {}): Promise<RawReply> {
  const { hostname, port } = new URL(service.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path: urlPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The error's code and message (the request id every error also carries differs per request). */
function errorOf(r: RawReply): { code: string; message: string } {
  const { code, message } = (JSON.parse(r.body.toString('utf8')) as { error: { code: string; message: string } }).error;
  return { code, message };
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pfe-demo-'));
  web = path.join(dir, 'web');
  mkdirSync(path.join(web, 'sub'), { recursive: true });
  writeFileSync(path.join(web, 'index.html'), INDEX);
  writeFileSync(path.join(web, 'a.wasm'), WASM);
  writeFileSync(path.join(web, 'sub', 'x.json'), '{"x":1}');
  // Real files right beside the folder, where a traversal would land.
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: SECRET }));
  writeFileSync(path.join(dir, 'secret.txt'), SECRET);
  symlinkSync(path.join(dir, 'secret.txt'), path.join(web, 'link-out.txt'));
  const config: ServiceConfig = {
    ...defaultConfig(),
    port: 0,
    dataDir: path.join(dir, 'data'),
    apiKey: KEY,
    headFile: undefined,
    calibrationFile: resolveModelFiles(false, undefined).calibrationFile,
    workers: 1,
    webDir: web,
  };
  // The static routes never run inference.
  service = await startService(config, [new NoInferenceBackend()]);
});

after(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('demo page routes', () => {
  test('GET / sends a browser to the page and tells a program where the page and the API are', async () => {
    const browser = await send('GET', '/', { accept: 'text/html,application/xhtml+xml' });
    assert.equal(browser.status, 302);
    assert.equal(browser.headers['location'], '/demo/');
    const program = await send('GET', '/');
    assert.equal(program.status, 404);
    assert.equal(errorOf(program).code, 'NOT_FOUND');
    assert.match(errorOf(program).message, /the demo page is at \/demo\/, the API under \/v1\//);
  });

  test('files come with their content type, the CSP, nosniff and no-cache', async () => {
    const cases: Array<[string, string, Buffer]> = [
      ['/demo/', 'text/html; charset=utf-8', Buffer.from(INDEX)],
      ['/demo/index.html', 'text/html; charset=utf-8', Buffer.from(INDEX)],
      ['/demo/a.wasm', 'application/wasm', WASM],
      ['/demo/sub/x.json?v=2', 'application/json', Buffer.from('{"x":1}')],
    ];
    for (const [url, type, body] of cases) {
      const r = await send('GET', url);
      assert.equal(r.status, 200, url);
      assert.equal(r.headers['content-type'], type, url);
      assert.deepEqual(r.body, body, url);
      assert.equal(r.headers['content-security-policy'], DEMO_CSP, url);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(r.headers['cache-control'], 'no-cache', url);
    }
    assert.match(DEMO_CSP, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(DEMO_CSP, /\*/, 'no wildcard source');
  });

  test('HEAD answers the headers without a body; a matching ETag gets 304', async () => {
    const head = await send('HEAD', '/demo/a.wasm');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-type'], 'application/wasm');
    assert.equal(head.body.length, 0);
    const etag = head.headers['etag'];
    assert.ok(etag !== undefined);
    const again = await send('GET', '/demo/a.wasm', { 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assert.equal((await send('GET', '/demo/a.wasm', { 'if-none-match': '"other"' })).status, 200);
  });

  test('/demo redirects to /demo/ (the page uses relative URLs), keeping the query', async () => {
    const r = await send('GET', '/demo');
    assert.equal(r.status, 308);
    assert.equal(r.headers['location'], '/demo/');
    assert.equal((await send('GET', '/demo?lang=en')).headers['location'], '/demo/?lang=en');
  });

  test('paths leaving the folder are refused, plain, encoded or through a symlink', async () => {
    const attempts = [
      '/demo/../package.json',
      '/demo/../secret.txt',
      '/demo/sub/../../secret.txt',
      '/demo/%2e%2e/package.json',
      '/demo/%2E%2E/secret.txt',
      '/demo/..%2fpackage.json',
      '/demo/%2e%2e%2fsecret.txt',
      '/demo/sub/..%2F..%2Fsecret.txt',
      '/demo/%252e%252e/secret.txt',
      '/demo/link-out.txt',
      '/demo/%zz',
      '/demo/index.html%00.txt',
      `/demo/${path.join(dir, 'secret.txt')}`,
    ];
    for (const url of attempts) {
      const r = await send('GET', url);
      assert.ok(r.status === 403 || r.status === 404 || r.status === 400, `${url}: ${r.status}`);
      assert.ok(!r.body.toString('latin1').includes(SECRET), `${url} leaked the file`);
    }
    // The realistic ones reach the demo route and get the API's error shape.
    for (const url of ['/demo/../package.json', '/demo/%2e%2e/package.json', '/demo/..%2fpackage.json', '/demo/link-out.txt']) {
      assert.equal(errorOf(await send('GET', url)).code, 'NOT_FOUND', url);
    }
    // A URL the router cannot decode is refused in the same shape.
    const bad = await send('GET', '/demo/%zz');
    assert.equal(bad.status, 400);
    assert.equal(errorOf(bad).code, 'INVALID_REQUEST');
  });

  test('a missing file is a 404 in the API error shape', async () => {
    const r = await send('GET', '/demo/nope.js');
    assert.equal(r.status, 404);
    assert.equal(errorOf(r).code, 'NOT_FOUND');
    assert.equal(errorOf(await send('GET', '/demo/sub')).code, 'NOT_FOUND', 'a folder is not a file');
  });

  test('static files need no API key while the API still does', async () => {
    assert.equal((await send('GET', '/demo/')).status, 200);
    const api = await send('GET', '/v1/subjects');
    assert.equal(api.status, 401);
    assert.equal(errorOf(api).code, 'UNAUTHORIZED');
    assert.equal((await send('GET', '/v1/subjects', { authorization: `Bearer ${KEY}` })).status, 200);
  });

  test('without the built folder: 404 with the build:web hint; a later build is served at once', async () => {
    const away = `${web}.away`;
    renameSync(web, away);
    try {
      for (const url of ['/demo/', '/demo/app.js']) {
        const r = await send('GET', url);
        assert.equal(r.status, 404, url);
        assert.deepEqual(errorOf(r), { code: 'NOT_FOUND', message: DEMO_NOT_BUILT_HINT });
      }
      assert.match(DEMO_NOT_BUILT_HINT, /npm run build:web/);
    } finally {
      renameSync(away, web);
    }
    assert.equal((await send('GET', '/demo/')).status, 200);
  });
});

describe('demo page configuration', () => {
  test('the default folder is the one build:web writes, whatever the working directory', () => {
    assert.equal(defaultConfig().webDir, WEB_DIST);
    assert.equal(serveConfig(['--no-head'], {}).config.webDir, WEB_DIST);
    assert.equal(serveConfig(['--no-head', '--web-dir', 'some/site'], {}).config.webDir, path.resolve('some/site'));
  });

  test('the startup line names the page URL, or says it is not built', () => {
    assert.equal(demoPageNote('http://127.0.0.1:8080', web), 'demo page: http://127.0.0.1:8080/demo/');
    assert.match(demoPageNote('http://127.0.0.1:8080', path.join(dir, 'nothing')), /^demo page: not built .*npm run build:web/);
  });
});
