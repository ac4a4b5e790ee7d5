/**
 * Regression tests for the faults a probe of the running service found (issue #14): each
 * sends the offending request over real HTTP to a service on a loopback port and checks
 * the answer is a client error with a code (or, for server faults, a generic 500 with a
 * request id), never a stack trace or a server path.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixturePath } from '../testing/paths.js';
import { pngBomb } from '../testing/png-bomb.js';
import { defaultConfig, type ServiceConfig } from './config.js';
import type { AnalyzerBackend, AnalyzeResult } from './face-analysis.js';
import { type RunningService, startService } from './server.js';
import { resolveModelFiles } from './service-context.js';

const KEY = 'faults-key-0123456789abcdef';

function image(person: string, n: number): Buffer {
  return readFileSync(fixturePath('lfw', 'images', person, `${person}_${String(n).padStart(4, '0')}.jpg`));
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: { error?: { code?: string; message?: string; requestId?: string } } & Record<string, unknown>;
}

async function send(url: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Reply> {
  const res = await fetch(url, { ...init, headers: { authorization: `Bearer ${KEY}`, ...init.headers } });
  const text = await res.text();
  let body: Reply['body'] = {};
  try {
    body = text === '' ? {} : (JSON.parse(text) as Reply['body']);
  } catch {
    body = {};
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** Sends raw bytes on a TCP connection and returns everything the server answers. */
function rawHttp(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(request));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

function config(dataDir: string): ServiceConfig {
  const models = resolveModelFiles(undefined, undefined);
  return { ...defaultConfig(), port: 0, dataDir, apiKey: KEY, headFile: models.headFile, calibrationFile: models.calibrationFile, workers: 1, maxQueue: 4, batchSize: 1 };
}

/**
 * Sends the head of a POST with `Expect: 100-continue` and returns what the server says
 * before any body is sent (the first 200 ms, or until it closes); then closes the socket.
 */
function answerBeforeBody(url: string, path: string, key: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () =>
      socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n`),
    );
    let answer = '';
    const done = (): void => {
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(done, 200);
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('end', () => {
      clearTimeout(timer);
      done();
    });
    socket.on('error', reject);
  });
}

describe('faults found by probing the service', () => {
  let service: RunningService;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'pfe-faults-'));
    service = await startService(config(dataDir));
  });
  after(async () => {
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('Expect: 100-continue with a wrong key gets its 401 instead of the 100, so no body is sent; the right key gets the 100', async () => {
    const refused = await answerBeforeBody(service.url, '/v1/gallery/import', 'not-the-key-0123456789');
    assert.match(refused, /^HTTP\/1\.1 401 /);
    assert.ok(!refused.includes('100 Continue'), refused);
    assert.match(refused, /"code":"UNAUTHORIZED"/);
    const accepted = await answerBeforeBody(service.url, '/v1/gallery/import', KEY);
    assert.match(accepted, /^HTTP\/1\.1 100 Continue\r\n/);
  });

  test('multipart without a boundary, with a wrong boundary, or truncated is a 400, not a 500', async () => {
    const jpeg = image('AJ_Cook', 1);
    const good = (b: string): Buffer =>
      Buffer.concat([Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="image"; filename="x.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`), jpeg, Buffer.from(`\r\n--${b}--\r\n`)]);
    const cases: [string, string, Buffer][] = [
      ['no boundary', 'multipart/form-data', good('XyZ')],
      ['wrong boundary', 'multipart/form-data; boundary=NotTheOne', good('XyZ')],
      ['truncated', 'multipart/form-data; boundary=XyZ', good('XyZ').subarray(0, 400)],
    ];
    for (const [what, type, body] of cases) {
      const r = await send(`${service.url}/v1/embed`, { method: 'POST', headers: { 'content-type': type }, body });
      assert.deepEqual([r.status, r.body.error?.code], [400, 'INVALID_REQUEST'], `${what}: ${r.text}`);
      assert.ok(!r.text.includes('    at '), 'no stack trace');
    }
  });

  test('/v1/compare with an extra file is a 400 (too many parts), not a 413', async () => {
    const form = new FormData();
    for (const name of ['a', 'b', 'c']) form.append(name, new Blob([image('AJ_Cook', 1)]), `${name}.jpg`);
    const r = await send(`${service.url}/v1/compare`, { method: 'POST', body: form });
    assert.deepEqual([r.status, r.body.error?.code], [400, 'INVALID_REQUEST'], r.text);
  });

  test('a decompression bomb (30000×30000 PNG) is 413 IMAGE_TOO_LARGE', async () => {
    const form = new FormData();
    form.append('image', new Blob([pngBomb(30_000, 30_000)]), 'bomb.png');
    const r = await send(`${service.url}/v1/embed`, { method: 'POST', body: form });
    assert.deepEqual([r.status, r.body.error?.code], [413, 'IMAGE_TOO_LARGE'], r.text);
  });

  test('JSON bodies are not coerced: null name, numeric id, ids "." and "..", a lone surrogate are 400', async () => {
    const post = (json: string): Promise<Reply> => send(`${service.url}/v1/subjects`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json });
    for (const json of ['{"id": "n1", "name": null}', '{"id": 12345}', '{"id": "n2", "name": 7}', '{"id": "."}', '{"id": ".."}', '{"id": "n3", "name": "a\\ud800b"}']) {
      const r = await post(json);
      assert.deepEqual([r.status, r.body.error?.code], [400, 'INVALID_REQUEST'], `${json}: ${r.text}`);
    }
    // None of them was stored; well-formed requests still work, including astral characters and '...'.
    assert.equal((await post('{"id": "ok1", "name": "Zoë 😀"}')).status, 201);
    assert.equal((await post('{"id": "..."}')).status, 201);
    const got = await send(`${service.url}/v1/subjects/ok1`, { method: 'GET' });
    assert.equal((got.body['subject'] as { name: string }).name, 'Zoë 😀');
    // Query parameters are text and still read as integers.
    const list = await send(`${service.url}/v1/subjects?limit=1`, { method: 'GET' });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual((list.body['subjects'] as { id: string }[]).map((s) => s.id), ['...']);
    const badLimit = await send(`${service.url}/v1/subjects?limit=abc`, { method: 'GET' });
    assert.deepEqual([badLimit.status, badLimit.body.error?.code], [400, 'INVALID_REQUEST']);
  });

  test("the HTTP parser's own 431 and 400 answers carry the API's error code", async () => {
    const big = await rawHttp(service.url, `GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.match(big, /^HTTP\/1\.1 431 /);
    assert.match(big, /"code":"REQUEST_HEADERS_TOO_LARGE"/);
    const garbage = await rawHttp(service.url, 'NOT AN HTTP REQUEST\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400 /);
    assert.match(garbage, /"code":"INVALID_REQUEST"/);
  });
});

/** A backend whose pipeline fails the way a worker without its detector model did. */
class FailingBackend implements AnalyzerBackend {
  constructor(private readonly mode: 'model-missing' | 'crash') {}
  async analyze(images: readonly Uint8Array[]): Promise<AnalyzeResult[]> {
    if (this.mode === 'crash') throw new Error('analyzer worker exited with code 134 (/srv/pfe/secret/worker.js)');
    return images.map(() => ({ status: 'failed', code: 'MODEL_LOAD_FAILED', reason: 'cannot read model JSON /srv/pfe/secret/blazeface.json: ENOENT' }));
  }
  async close(): Promise<void> {}
}

test('worker faults that are not image errors answer a generic 500 with a request id; the details go to the log only', async () => {
  for (const mode of ['model-missing', 'crash'] as const) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pfe-faults-'));
    const service = await startService(config(dataDir), [new FailingBackend(mode)]);
    const logged: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array): boolean => {
      logged.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const form = new FormData();
      form.append('image', new Blob([image('AJ_Cook', 1)]), 'x.jpg');
      const r = await send(`${service.url}/v1/embed`, { method: 'POST', body: form });
      assert.deepEqual([r.status, r.body.error?.code], [500, 'INTERNAL_ERROR'], r.text);
      assert.ok(!r.text.includes('/srv/pfe'), `no server path in the answer: ${r.text}`);
      const id = r.body.error?.requestId;
      assert.ok(typeof id === 'string' && id.length >= 16);
      assert.equal(r.headers.get('x-request-id'), id);
      assert.match(r.body.error!.message!, new RegExp(id));
      assert.ok(logged.some((l) => l.includes(id) && l.includes('/srv/pfe/secret')), `the log has the detail under ${id}: ${logged.join('')}`);
    } finally {
      process.stderr.write = write;
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
});

/** A backend that holds every batch until released, so a test can fill the queue. */
class HeldBackend implements AnalyzerBackend {
  private releases: (() => void)[] = [];
  async analyze(images: readonly Uint8Array[]): Promise<AnalyzeResult[]> {
    await new Promise<void>((r) => this.releases.push(r));
    return images.map(() => ({ status: 'failed', code: 'NO_FACE', reason: 'no face found in <upload 1>' }));
  }
  release(): void {
    for (const r of this.releases.splice(0)) r();
  }
  async close(): Promise<void> {
    this.release();
  }
}

test('a full inference queue sheds an image request before reading its body: a malformed upload gets 503, not 400', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pfe-faults-'));
  const backend = new HeldBackend();
  const service = await startService(config(dataDir), [backend]);
  try {
    const upload = (): Promise<Reply> => {
      const form = new FormData();
      form.append('image', new Blob([image('AJ_Cook', 1)]), 'x.jpg');
      return send(`${service.url}/v1/embed`, { method: 'POST', body: form });
    };
    const malformed = (): Promise<Reply> =>
      send(`${service.url}/v1/embed`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body: 'not a multipart body' });
    // One running + maxQueue (4) waiting fill the pool.
    const held = Array.from({ length: 5 }, upload);
    for (let i = 0; i < 200; i++) {
      const health = (await (await fetch(`${service.url}/v1/health`)).json()) as { inference: { busy: number; queued: number } };
      if (health.inference.busy === 1 && health.inference.queued === 4) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const shed = await malformed();
    assert.deepEqual([shed.status, shed.body.error?.code], [503, 'SERVICE_BUSY'], shed.text);
    assert.ok(Number(shed.headers.get('retry-after')) >= 1);
    backend.release();
    // Batches started after the first release are held again: keep releasing until all answer.
    const releasing = setInterval(() => backend.release(), 5);
    const answers = await Promise.all(held);
    clearInterval(releasing);
    assert.ok(answers.every((r) => r.status === 422 && r.body.error?.code === 'NO_FACE'), answers.map((r) => r.text).join('\n'));
    const parsed = await malformed();
    assert.deepEqual([parsed.status, parsed.body.error?.code], [400, 'INVALID_REQUEST'], parsed.text);
  } finally {
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
