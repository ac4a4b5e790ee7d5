/**
 * POST /v1/gallery/import over real loopback HTTP, on a service with the shipped head (D =
 * 128, one σ² per face) and a fake analyzer backend (the import runs no inference): auth,
 * streaming past the whole-body limit and the whole-request deadline, batches, resume,
 * refused lines before and after the first commit, the line bound, client aborts, idle
 * clients and shutdown. The gallery is checked through the store and the in-memory index.
 */
import assert from 'node:assert/strict';
import { type ClientRequest, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SeededRandom } from '../core/random.js';
import { startServiceWithoutInference } from '../testing/service-without-inference.js';
import type { ServiceConfig } from './config.js';
import { maxImportLineBytes } from './import-line.js';
import { DEFAULT_SERVICE_IMPORT_BATCH, MAX_IMPORT_BATCH } from './import-route.js';
import type { RunningService } from './server.js';

const KEY = 'import-test-key-0123456789';
/** The shipped head's D (dlib). */
const DIM = 128;
/** A whole-body limit far below the streams sent here (each line is ~5 kB). */
const TEST_MAX_BODY = 16 * 1024;

let dir: string;
let services = 0;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pfe-import-api-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function startTestService(overrides: Partial<ServiceConfig> = {}): Promise<RunningService> {
  return startServiceWithoutInference({ dataDir: path.join(dir, `data-${++services}`), apiKey: KEY, maxBodyBytes: TEST_MAX_BODY, ...overrides });
}

/** A seed per id (FNV-1a), so every subject gets faces of its own. */
function seedOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** One subject line: `faces` seeded unit μ, each with one σ² repeated D times. */
function subjectLine(id: string, faces = 1): string {
  const rng = new SeededRandom(seedOf(id));
  const list = Array.from({ length: faces }, () => {
    const mu = Array.from({ length: DIM }, () => rng.nextGaussian());
    const norm = Math.hypot(...mu);
    return { mu: mu.map((v) => Math.fround(v / norm)), sigmaSq: new Array<number>(DIM).fill(Math.fround(0.01 + rng.nextFloat() * 0.1)), detectorScore: 0.9 };
  });
  return JSON.stringify({ id, name: null, faces: list });
}

function lines(prefix: string, from: number, to: number, faces = 1): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => subjectLine(`${prefix}${from + i}`, faces));
}

interface ImportReply {
  status: number;
  headers: IncomingHttpHeaders;
  /** The NDJSON lines of a 200, or the one JSON error body. */
  body: Record<string, unknown>[];
}

type Json = Record<string, unknown>;

/** Opens an import request; `answer` resolves with the whole answer. */
function openImport(service: RunningService, options: { key?: string | null; batch?: number; contentType?: string } = {}): { req: ClientRequest; answer: Promise<ImportReply>; firstLine: Promise<Json> } {
  const { hostname, port } = new URL(service.url);
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/x-ndjson' };
  if (options.key !== null) headers['authorization'] = `Bearer ${options.key ?? KEY}`;
  const req = httpRequest({ host: hostname, port, method: 'POST', path: `/v1/gallery/import${options.batch === undefined ? '' : `?batch=${options.batch}`}`, headers });
  let gotFirst: (line: Json) => void = () => {};
  const firstLine = new Promise<Json>((resolve) => (gotFirst = resolve));
  const answer = new Promise<ImportReply>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
        const newline = text.indexOf('\n');
        if (newline >= 0) gotFirst(JSON.parse(text.slice(0, newline)) as Json);
      });
      res.on('end', () => {
        const body = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Json);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.on('error', reject);
    });
  });
  return { req, answer, firstLine };
}

async function postImport(service: RunningService, body: string, options: { key?: string | null; batch?: number; contentType?: string } = {}): Promise<ImportReply> {
  const { req, answer } = openImport(service, options);
  req.end(body);
  return answer;
}

function errorOf(reply: ImportReply): { code: string; message: string; line?: number } {
  return reply.body[reply.body.length - 1]!['error'] as { code: string; message: string; line?: number };
}

async function subjectIds(service: RunningService): Promise<string[]> {
  return (await service.context.store.listSubjects(1000)).map((s) => s.id);
}

describe('bulk import endpoint', () => {
  let service: RunningService;
  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    await service.close();
  });

  test('without a key or with a wrong one: 401, nothing read; anything but NDJSON: 415', async () => {
    const body = lines('nokey', 1, 3).join('\n');
    for (const key of [null, 'not-the-key-0123456789']) {
      const r = await postImport(service, body, { key });
      assert.equal(r.status, 401);
      assert.equal(errorOf(r).code, 'UNAUTHORIZED');
    }
    const json = await postImport(service, body, { contentType: 'application/json' });
    assert.equal(json.status, 415);
    assert.deepEqual(await subjectIds(service), []);
  });

  test('a stream far over the whole-body limit commits batch by batch; the gallery identifies the imported subjects; a second run skips them all', async () => {
    const stream = [...lines('s', 1, 20), ...lines('two', 1, 3, 2), ...lines('s', 21, 25)];
    const body = `${stream.join('\n')}\n`;
    assert.ok(Buffer.byteLength(body) > 8 * TEST_MAX_BODY);
    const first = await postImport(service, body, { batch: 10 });
    assert.equal(first.status, 200);
    assert.match(String(first.headers['content-type']), /^application\/x-ndjson/);
    assert.deepEqual(first.body, [
      { committedLines: 10, imported: 10, skipped: 0, faces: 10 },
      { committedLines: 20, imported: 20, skipped: 0, faces: 20 },
      { committedLines: 28, imported: 28, skipped: 0, faces: 31 },
      { committedLines: 28, imported: 28, skipped: 0, faces: 31, done: true },
    ]);
    const store = service.context.store;
    assert.equal(await store.countSubjects(), 28);
    assert.equal((await store.getSubject('two2'))!.subject.faceCount, 2);
    // The in-memory index followed every commit: an imported face finds its own subject (by cosine).
    assert.equal(service.context.index.size, 28);
    const s7 = JSON.parse(subjectLine('s7')) as { faces: { mu: number[]; sigmaSq: number[] }[] };
    const hits = service.context.index.topK({ mu: Float32Array.from(s7.faces[0]!.mu), sigmaSq: null }, 2);
    assert.equal(hits[0]!.subjectId, 's7');
    assert.ok(hits[0]!.cosine > 0.999999);
    const ready = (await (await fetch(`${service.url}/v1/ready`)).json()) as { status: string };
    assert.equal(ready.status, 'ready');

    // Re-sent, with two new subjects at the end: the 28 are skipped, the new ones imported.
    const again = await postImport(service, [...stream, ...lines('s', 26, 27)].join('\n'), { batch: 10 });
    assert.deepEqual(again.body[again.body.length - 1], { committedLines: 30, imported: 2, skipped: 28, faces: 2, done: true });
    const third = await postImport(service, body);
    assert.deepEqual(third.body, [
      { committedLines: 28, imported: 0, skipped: 28, faces: 0 },
      { committedLines: 28, imported: 0, skipped: 28, faces: 0, done: true },
    ]);
    assert.equal(await store.countSubjects(), 30);
  });

  test('a refused line after the first commit ends the answer with an error line; the batches before it stay, its batch and later ones are not imported', async () => {
    const stream = lines('mid', 1, 30);
    stream[16] = stream[16]!.replace('"mu":[', '"mu":[0.5,'); // line 17: D + 1 values
    const r = await postImport(service, stream.join('\n'), { batch: 10 });
    assert.equal(r.status, 200, 'the status went out with the first batch');
    assert.deepEqual(r.body[0], { committedLines: 10, imported: 10, skipped: 0, faces: 10 });
    const last = r.body[r.body.length - 1]!;
    assert.equal(r.body.length, 2);
    assert.equal(last['committedLines'], 10);
    const error = errorOf(r);
    assert.equal(error.code, 'INVALID_LINE');
    assert.equal(error.line, 17);
    assert.match(error.message, /^line 17: faces\[0\]: mu has 129 values, the gallery's D = 128; lines 1–10 are committed/);
    const ids = await subjectIds(service);
    assert.ok(ids.includes('mid10') && !ids.includes('mid11') && !ids.includes('mid16') && !ids.includes('mid18'), ids.join(','));
    // Corrected and sent again: the ten committed are skipped, the rest imported.
    const fixed = await postImport(service, lines('mid', 1, 30).join('\n'), { batch: 10 });
    assert.deepEqual(fixed.body[fixed.body.length - 1], { committedLines: 30, imported: 20, skipped: 10, faces: 20, done: true });
  });

  test('a refused line before any commit is an error status naming the line; nothing is imported', async () => {
    const good = lines('pre', 1, 3);
    const base = JSON.parse(good[1]!) as { id: string; faces: { mu: number[]; sigmaSq: number[] | null; detectorScore: number }[] };
    const variant = (change: (face: (typeof base.faces)[number]) => void, id = base.id): string => {
      const copy = structuredClone(base);
      change(copy.faces[0]!);
      return JSON.stringify({ ...copy, id });
    };
    const cases: [string, string, RegExp][] = [
      ['wrong dimension', variant((f) => f.mu.pop()), /^line 2: faces\[0\]: mu has 127 values, the gallery's D = 128; nothing was imported/],
      ['NaN', good[1]!.replace(/"mu":\[[^,]+,/, '"mu":[NaN,'), /^line 2: not valid JSON/],
      ['overflowing number', good[1]!.replace(/"mu":\[[^,]+,/, '"mu":[1e300,'), /^line 2: faces\[0\]: mu\[0\] is Infinity \(as a 32-bit float\)/],
      ['negative σ²', variant((f) => (f.sigmaSq = f.sigmaSq!.map(() => -0.5))), /^line 2: faces\[0\]: sigmaSq\[0\] is -0\.5 \(as a 32-bit float\); variances must be > 0/],
      ['σ² varying for a scalar head', variant((f) => (f.sigmaSq![5] = 0.7)), /sigmaSq\[5\] = 0\.69999\d+ differs from sigmaSq\[0\]/],
      ['σ² missing with a head', variant((f) => (f.sigmaSq = null)), /sigmaSq is missing/],
      ['unknown field', variant((f) => Object.assign(f, { quality: 1 })), /unknown field 'quality' in faces\[0\]/],
      ['bad id', variant(() => undefined, 'no spaces'), /subject id must match/],
      ['an id twice in a batch', good[0]!, /^line 2: subject 'pre1' is on line 1 too/],
    ];
    for (const [what, line, message] of cases) {
      const r = await postImport(service, [good[0]!, line, good[2]!].join('\n'), { batch: 10 });
      assert.equal(r.status, 400, what);
      const error = r.body[0]!['error'] as { code: string; message: string };
      assert.equal(error.code, 'INVALID_LINE', what);
      assert.match(error.message, message, what);
    }
    assert.ok(!(await subjectIds(service)).some((id) => id.startsWith('pre')), 'a refused first batch left nothing behind');
  });

  test('a line over the bound is refused with 413 naming it, before it is read whole', async () => {
    const bound = maxImportLineBytes(DIM);
    assert.equal(bound, 4096 + 1000 * (2 * DIM * 32 + 128));
    const r = await postImport(service, `${subjectLine('long1')}\n{"id":"long2","faces":[${' '.repeat(bound)}]}\n`);
    assert.equal(r.status, 413);
    const error = r.body[0]!['error'] as { code: string; message: string };
    assert.equal(error.code, 'LINE_TOO_LONG');
    assert.match(error.message, new RegExp(`^line 2 is longer than ${bound} bytes; nothing was imported`));
    assert.equal(await service.context.store.hasSubject('long1'), false);
  });

  test('a client that disconnects mid-stream: the committed batches stay whole, the batch in progress is not committed', async () => {
    const { req, answer, firstLine } = openImport(service, { batch: 10 });
    answer.catch(() => undefined);
    req.write(`${lines('cut', 1, 10, 2).join('\n')}\n`);
    assert.deepEqual(await firstLine, { committedLines: 10, imported: 10, skipped: 0, faces: 20 });
    // Five more subjects and half of a sixth, then the connection drops.
    const sixth = subjectLine('cut16', 2);
    req.write(`${lines('cut', 11, 15, 2).join('\n')}\n${sixth.slice(0, sixth.length / 2)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids = (await subjectIds(service)).filter((id) => id.startsWith('cut'));
    assert.deepEqual(ids.sort(), lines('cut', 1, 10).map((l) => (JSON.parse(l) as { id: string }).id).sort());
    for (const id of ids) assert.equal((await service.context.store.getSubject(id))!.subject.faceCount, 2, `${id} has all its faces`);
    assert.equal(service.context.index.size, await service.context.store.countTemplates());
  });

  test('the OpenAPI document describes the route: NDJSON in, NDJSON out, the batch limits', async () => {
    const doc = (await (await fetch(`${service.url}/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, Json>> };
    const op = doc.paths['/v1/gallery/import']!['post']!;
    assert.ok('application/x-ndjson' in ((op['requestBody'] as Json)['content'] as Json));
    assert.ok('application/x-ndjson' in (((op['responses'] as Json)['200'] as Json)['content'] as Json));
    const batch = (op['parameters'] as { name: string; schema: { maximum: number; default: number } }[]).find((p) => p.name === 'batch')!;
    assert.deepEqual([batch.schema.default, batch.schema.maximum], [DEFAULT_SERVICE_IMPORT_BATCH, MAX_IMPORT_BATCH]);
    const health = (await (await fetch(`${service.url}/v1/health`)).json()) as { gallery: Json };
    assert.equal(health.gallery['dim'], DIM);
    assert.equal(health.gallery['sigmaLayout'], 'isotropic');
  });
});

describe('bulk import: deadlines and shutdown', () => {
  /** The request timeout of this service: short, so that the tests wait little. */
  const TIMEOUT_MS = 400;
  let service: RunningService;
  before(async () => {
    service = await startTestService({ requestTimeoutMs: TIMEOUT_MS });
  });
  after(async () => {
    await service.close();
  });

  test('a stream lasting several request timeouts goes through while data keeps coming; a silent one gets 408', async () => {
    const { req, answer } = openImport(service, { batch: 5 });
    const stream = lines('slow', 1, 12);
    const started = performance.now();
    for (const line of stream) {
      req.write(`${line}\n`);
      await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS / 4));
    }
    req.end();
    const r = await answer;
    assert.ok(performance.now() - started > 2 * TIMEOUT_MS);
    assert.deepEqual(r.body[r.body.length - 1], { committedLines: 12, imported: 12, skipped: 0, faces: 12, done: true });

    const silent = openImport(service);
    silent.req.write(`${subjectLine('quiet1')}\n`);
    const timedOut = await silent.answer;
    silent.req.destroy();
    assert.equal(timedOut.status, 408);
    assert.equal((timedOut.body[0]!['error'] as { code: string }).code, 'REQUEST_TIMEOUT');
    assert.equal(await service.context.store.hasSubject('quiet1'), false);
  });

  test('other routes keep the whole-request deadline: a body that trickles in is cut with 408', async () => {
    const { hostname, port } = new URL(service.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => {
        socket.write(`POST /v1/subjects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{"id":`);
        const drip = setInterval(() => socket.writable && socket.write(' '), TIMEOUT_MS / 4);
        socket.on('close', () => clearInterval(drip));
      });
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.match(answer, /"code":"REQUEST_TIMEOUT"/);
  });

  test('shutting down stops an open import at its next line: the committed batches stay, the answer says so', async () => {
    const own = await startTestService({ requestTimeoutMs: 60_000 });
    const { req, answer, firstLine } = openImport(own, { batch: 5 });
    req.write(`${lines('down', 1, 7).join('\n')}\n`);
    await firstLine;
    const closed = own.close();
    const r = await answer;
    req.destroy();
    await closed;
    const error = errorOf(r);
    assert.equal(error.code, 'SHUTTING_DOWN');
    assert.match(error.message, /lines 1–5 are committed/);
  });
});
