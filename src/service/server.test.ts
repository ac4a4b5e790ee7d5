/**
 * API tests over real HTTP on a loopback port, with real LFW fixture images and the real
 * face pipeline in a worker thread (one worker: CI has 2 cores).
 */
import { BACKBONE_DESCRIPTIONS, DEFAULT_BACKBONE } from '../face/backbone/names.js';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { gaussianBlur } from '../face/degrade/blur.js';
import { greyCanvas, paste } from '../testing/test-scenes.js';
import { decodeImage } from '../face/image/decode.js';
import { encodeImage } from '../face/image/encode.js';
import { fixturePath } from '../testing/paths.js';
import { defaultConfig, type ServiceConfig } from './config.js';
import { type RunningService, startService } from './server.js';
import { resolveModelFiles } from './service-context.js';

const KEY = 'test-key-0123456789abcdef';
/**
 * Detector-score gate of the test server: the clean fixtures score 0.82–0.93 with BlazeFace,
 * Abdullah_Gul_0003 blurred with σ = 3 px scores about 0.68 (measured), so 0.78 separates them.
 */
const TEST_MIN_DETECTOR_SCORE = 0.78;
/** Body limit of the test server: 1 MiB (fixtures are ~10 kB; the oversized upload is 2 MiB). */
const TEST_MAX_BODY = 1024 * 1024;

function image(person: string, n: number): Buffer {
  return readFileSync(fixturePath('lfw', 'images', person, `${person}_${String(n).padStart(4, '0')}.jpg`));
}

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

describe('HTTP API', () => {
  let service: RunningService;
  let dataDir: string;

  async function call(method: string, url: string, options: { form?: Record<string, Buffer | string>; json?: unknown; key?: string | null } = {}): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (options.key !== null) headers['authorization'] = `Bearer ${options.key ?? KEY}`;
    let body: FormData | string | undefined;
    if (options.form !== undefined) {
      const form = new FormData();
      for (const [k, v] of Object.entries(options.form)) {
        if (typeof v === 'string') form.append(k, v);
        else form.append(k, new Blob([v]), `${k}.jpg`);
      }
      body = form;
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const res = await fetch(`${service.url}${url}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  function errorCode(r: Reply): string {
    return (r.body['error'] as { code: string }).code;
  }

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'pfe-api-'));
    const models = resolveModelFiles(undefined, undefined);
    const config: ServiceConfig = {
      ...defaultConfig(),
      port: 0,
      dataDir,
      apiKey: KEY,
      headFile: models.headFile,
      calibrationFile: models.calibrationFile,
      minDetectorScore: TEST_MIN_DETECTOR_SCORE,
      maxBodyBytes: TEST_MAX_BODY,
      workers: 1,
      maxQueue: 1,
      batchSize: 1,
    };
    service = await startService(config);
    assert.match(service.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  after(async () => {
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('health and the OpenAPI document are public; everything else needs the key', async () => {
    const health = await call('GET', '/v1/health', { key: null });
    assert.equal(health.status, 200);
    assert.equal(typeof health.body['uncertaintyAvailable'], 'boolean');
    const delay = health.body['eventLoopDelay'] as Record<string, number>;
    assert.deepEqual(Object.keys(delay).sort(), ['maxMs', 'p50Ms', 'p99Ms', 'windowSeconds']);
    assert.ok(delay['p50Ms']! >= 0 && delay['p50Ms']! <= delay['p99Ms']! && delay['p99Ms']! <= delay['maxMs']! && delay['windowSeconds']! > 0, JSON.stringify(delay));
    const doc = await call('GET', '/v1/openapi.json', { key: null });
    assert.equal(doc.body['openapi'], '3.1.0');
    assert.ok(Object.keys(doc.body['paths'] as object).includes('/v1/subjects/{subjectId}/verify'));
    const noKey = await call('POST', '/v1/subjects', { json: { id: 'x' }, key: null });
    assert.equal(noKey.status, 401);
    assert.equal(errorCode(noKey), 'UNAUTHORIZED');
    const wrongKey = await call('GET', '/v1/subjects', { key: 'not-the-key-0123456789' });
    assert.equal(wrongKey.status, 401);
    const upload = await call('POST', '/v1/identify', { form: { image: image('AJ_Cook', 1) }, key: null });
    assert.equal(upload.status, 401);
  });

  test('enrol, verify, identify, compare, delete', async () => {
    assert.equal((await call('POST', '/v1/subjects', { json: { id: 'gul', name: 'Abdullah Gul' } })).status, 201);
    assert.equal((await call('POST', '/v1/subjects', { json: { id: 'brody' } })).status, 201);
    assert.equal(errorCode(await call('POST', '/v1/subjects', { json: { id: 'gul' } })), 'SUBJECT_EXISTS');
    for (const n of [1, 2]) {
      const r = await call('POST', '/v1/subjects/gul/faces', { form: { image: image('Abdullah_Gul', n) } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal((r.body['subject'] as { faceCount: number }).faceCount, n);
    }
    // base64 JSON upload works as well as multipart.
    const b64 = await call('POST', '/v1/subjects/brody/faces', { json: { image: image('Adrien_Brody', 1).toString('base64') } });
    assert.equal(b64.status, 201, JSON.stringify(b64.body));

    const uncertain = (await call('GET', '/v1/health')).body['uncertaintyAvailable'] === true;
    const genuine = await call('POST', '/v1/subjects/gul/verify', { form: { image: image('Abdullah_Gul', 3) } });
    assert.equal(genuine.status, 200);
    const g = genuine.body['comparison'] as { match: boolean; estimatedFar: number; targetFar: number; mls: number | null; cosine: number; decisionMetric: string };
    assert.equal(g.match, true, JSON.stringify(g));
    assert.ok(g.estimatedFar <= g.targetFar);
    assert.equal(g.mls === null, !uncertain);
    assert.equal(g.decisionMetric, uncertain ? 'mls' : 'cosine');
    const impostor = await call('POST', '/v1/subjects/gul/verify', { form: { image: image('Aaron_Eckhart', 1) } });
    const i = impostor.body['comparison'] as { match: boolean; estimatedFar: number; cosine: number };
    assert.equal(i.match, false);
    assert.ok(i.estimatedFar > 0.01, `impostor FAR ${i.estimatedFar}`);
    assert.ok(g.cosine > i.cosine);

    const found = await call('POST', '/v1/identify', { form: { image: image('Adrien_Brody', 3), topK: '2' } });
    assert.equal(found.status, 200);
    assert.equal(found.body['identified'], 'brody');
    assert.equal(found.body['gallerySize'], 2);
    assert.deepEqual((found.body['candidates'] as { subjectId: string }[]).map((c) => c.subjectId), ['brody', 'gul']);
    const risks = (found.body['candidates'] as { falseMatchRisk: number; comparison: { estimatedFar: number } }[]).map((c) => [c.falseMatchRisk, c.comparison.estimatedFar]);
    for (const [risk, far] of risks) assert.ok(risk! >= far! && risk! <= Math.min(1, 2 * far!) + 1e-12, `risk ${risk} for FAR ${far} over 2 subjects`);
    assert.ok(Math.abs((found.body['falseIdentificationRate'] as number) - (1 - (1 - 1e-3) ** 2)) < 1e-12);
    const stranger = await call('POST', '/v1/identify', { form: { image: image('AJ_Cook', 1) } });
    assert.equal(stranger.body['identified'], null, 'open-set rejection of someone not enrolled');

    const cmp = await call('POST', '/v1/compare', { json: { a: image('Abdullah_Gul', 1).toString('base64'), b: image('Abdullah_Gul', 3).toString('base64') } });
    assert.equal(cmp.status, 200);
    assert.equal((cmp.body['comparison'] as { match: boolean }).match, true);

    const embed = await call('POST', '/v1/embed', { form: { image: image('AJ_Cook', 1) } });
    const face = embed.body['face'] as { mu: number[]; sigmaSq: number[] | null; box: object; landmarks: unknown[] };
    assert.equal(face.mu.length, BACKBONE_DESCRIPTIONS[DEFAULT_BACKBONE].dim);
    assert.ok(Math.abs(Math.hypot(...face.mu) - 1) < 1e-4);
    assert.equal(face.sigmaSq === null, !uncertain);
    assert.equal(face.landmarks.length, 5);
    assert.deepEqual(embed.body['quality'], { passed: true });

    const listed = await call('GET', '/v1/subjects?limit=1');
    assert.deepEqual((listed.body['subjects'] as { id: string }[]).map((s) => s.id), ['brody']);
    assert.equal(listed.body['next'], 'brody');
    const gul = await call('GET', '/v1/subjects/gul');
    const faces = gul.body['faces'] as { id: string; imageStored: boolean }[];
    assert.equal(faces.length, 2);
    assert.ok(faces.every((f) => !f.imageStored), 'images are not stored by default');

    // Deleting one face refits the template; deleting the subject removes it from identification.
    assert.equal((await call('DELETE', `/v1/subjects/gul/faces/${faces[0]!.id}`)).status, 204);
    assert.equal(((await call('GET', '/v1/subjects/gul')).body['faces'] as unknown[]).length, 1);
    assert.equal((await call('DELETE', '/v1/subjects/gul')).status, 204);
    assert.equal(errorCode(await call('GET', '/v1/subjects/gul')), 'SUBJECT_NOT_FOUND');
    assert.equal(errorCode(await call('DELETE', '/v1/subjects/gul')), 'SUBJECT_NOT_FOUND');
    const after = await call('POST', '/v1/identify', { form: { image: image('Abdullah_Gul', 3) } });
    assert.deepEqual((after.body['candidates'] as { subjectId: string }[]).map((c) => c.subjectId), ['brody']);
    assert.equal(errorCode(await call('POST', '/v1/subjects/gul/verify', { form: { image: image('Abdullah_Gul', 3) } })), 'SUBJECT_NOT_FOUND');
  });

  test('unusable images are refused with 422 and a machine-readable code', async () => {
    await call('POST', '/v1/subjects', { json: { id: 'q' } });
    const noFace = await sharp({ create: { width: 160, height: 160, channels: 3, background: { r: 120, g: 160, b: 200 } } }).jpeg().toBuffer();
    const r1 = await call('POST', '/v1/subjects/q/faces', { form: { image: noFace } });
    assert.deepEqual([r1.status, errorCode(r1)], [422, 'NO_FACE']);
    // Messages name the uploaded file (the form sends it as image.jpg) and its field, in plain words.
    const messageOf = (r: Reply): string => (r.body['error'] as { message: string }).message;
    assert.match(messageOf(r1), /'image\.jpg' \(field 'image'\)/);
    const r2 = await call('POST', '/v1/subjects/q/faces', { form: { image: Buffer.from('this is not an image') } });
    assert.deepEqual([r2.status, errorCode(r2)], [422, 'IMAGE_DECODE_FAILED']);
    assert.equal(messageOf(r2), "'image.jpg' (field 'image') is not an image: it is no JPEG, PNG or WebP file, or it is damaged");
    // Two people side by side in one photo.
    const pair = greyCanvas(300, 150);
    paste(pair, await decodeImage(image('Abdullah_Gul', 1)), 0, 0);
    paste(pair, await decodeImage(image('Adrien_Brody', 1)), 150, 0);
    const r3 = await call('POST', '/v1/subjects/q/faces', { form: { image: Buffer.from(await encodeImage(pair, 'jpeg')) } });
    assert.deepEqual([r3.status, errorCode(r3)], [422, 'MULTIPLE_FACES']);
    const clean = await decodeImage(image('Abdullah_Gul', 3));
    const blurred = Buffer.from(await encodeImage(gaussianBlur(clean, 3), 'jpeg'));
    const r4 = await call('POST', '/v1/subjects/q/faces', { form: { image: blurred } });
    assert.deepEqual([r4.status, errorCode(r4)], [422, 'LOW_QUALITY'], JSON.stringify(r4.body));
    const r5 = await call('POST', '/v1/subjects/q/verify', { form: { image: image('Abdullah_Gul', 3) } });
    assert.deepEqual([r5.status, errorCode(r5)], [409, 'SUBJECT_HAS_NO_FACES']);
    // /embed reports the verdict instead of refusing.
    const r6 = await call('POST', '/v1/embed', { form: { image: blurred } });
    assert.equal(r6.status, 200);
    assert.equal((r6.body['quality'] as { code: string }).code, 'LOW_QUALITY');
    assert.equal(((await call('GET', '/v1/subjects/q')).body['subject'] as { faceCount: number }).faceCount, 0, 'nothing refused entered the gallery');
  });

  test('malformed requests: unknown fields, bad values, oversized payloads', async () => {
    const unknownJson = await call('POST', '/v1/subjects', { json: { id: 'z', role: 'admin' } });
    assert.deepEqual([unknownJson.status, errorCode(unknownJson)], [400, 'UNKNOWN_FIELD']);
    const unknownPart = await call('POST', '/v1/identify', { form: { image: image('AJ_Cook', 1), threshold: '0.1' } });
    assert.deepEqual([unknownPart.status, errorCode(unknownPart)], [400, 'UNKNOWN_FIELD']);
    const unknownImageJson = await call('POST', '/v1/embed', { json: { image: image('AJ_Cook', 1).toString('base64'), debug: true } });
    assert.deepEqual([unknownImageJson.status, errorCode(unknownImageJson)], [400, 'UNKNOWN_FIELD']);
    const badTopK = await call('POST', '/v1/identify', { form: { image: image('AJ_Cook', 1), topK: '0' } });
    assert.deepEqual([badTopK.status, errorCode(badTopK)], [400, 'INVALID_REQUEST']);
    const missing = await call('POST', '/v1/compare', { form: { a: image('AJ_Cook', 1) } });
    assert.deepEqual([missing.status, errorCode(missing)], [400, 'INVALID_REQUEST']);
    const badId = await call('GET', '/v1/subjects/bad%20id');
    assert.equal(badId.status, 400);
    const big = Buffer.alloc(2 * TEST_MAX_BODY, 7);
    const tooBigPart = await call('POST', '/v1/embed', { form: { image: big } });
    assert.deepEqual([tooBigPart.status, errorCode(tooBigPart)], [413, 'PAYLOAD_TOO_LARGE']);
    const tooBigJson = await call('POST', '/v1/embed', { json: { image: big.toString('base64') } });
    assert.deepEqual([tooBigJson.status, errorCode(tooBigJson)], [413, 'PAYLOAD_TOO_LARGE']);
    // Small in bytes (one flat colour) but over the 16-megapixel default limit: refused from the header alone.
    const huge = await sharp({ create: { width: 4100, height: 4100, channels: 3, background: { r: 90, g: 90, b: 90 } } }).jpeg({ quality: 10 }).toBuffer();
    assert.ok(huge.length < TEST_MAX_BODY);
    const tooManyPixels = await call('POST', '/v1/embed', { form: { image: huge } });
    assert.deepEqual([tooManyPixels.status, errorCode(tooManyPixels)], [413, 'IMAGE_TOO_LARGE']);
    const notFound = await call('GET', '/v1/nope');
    assert.deepEqual([notFound.status, errorCode(notFound)], [404, 'NOT_FOUND']);
    for (const r of [unknownJson, tooBigJson, notFound]) assert.ok(!JSON.stringify(r.body).includes('    at '), 'no stack trace');
  });

  test('an /v1/embed answer imported as-is (POST /v1/gallery/import) scores exactly as enrolling the image', async () => {
    assert.equal((await call('POST', '/v1/subjects', { json: { id: 'gul-enrolled' } })).status, 201);
    assert.equal((await call('POST', '/v1/subjects/gul-enrolled/faces', { form: { image: image('Abdullah_Gul', 1) } })).status, 201);
    const face = (await call('POST', '/v1/embed', { form: { image: image('Abdullah_Gul', 1) } })).body['face'] as { mu: number[]; sigmaSq: number[] | null; detectorScore: number };
    const line = JSON.stringify({ id: 'gul-imported', name: null, faces: [{ mu: face.mu, sigmaSq: face.sigmaSq, detectorScore: face.detectorScore }] });
    const res = await fetch(`${service.url}/v1/gallery/import`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-ndjson' }, body: `${line}\n` });
    assert.equal(res.status, 200);
    const answer = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(answer[answer.length - 1], { committedLines: 1, imported: 1, skipped: 0, faces: 1, done: true });

    // The same template, bit for bit, and the same face record.
    const store = service.context.store;
    const [enrolled, imported] = [(await store.getTemplate('gul-enrolled'))!, (await store.getTemplate('gul-imported'))!];
    assert.deepEqual(imported.mu, enrolled.mu);
    assert.deepEqual(imported.sigmaSq, enrolled.sigmaSq);
    const faceOf = async (id: string): Promise<unknown> => {
      const { uncertainty, detectorScore } = (await store.getSubject(id))!.faces[0]!;
      return { uncertainty, detectorScore };
    };
    assert.deepEqual(await faceOf('gul-imported'), await faceOf('gul-enrolled'));
    // So verification and identification answer the same for both.
    const probe = { form: { image: image('Abdullah_Gul', 3) } };
    const [v1, v2] = [await call('POST', '/v1/subjects/gul-enrolled/verify', probe), await call('POST', '/v1/subjects/gul-imported/verify', probe)];
    assert.equal(v1.status, 200);
    assert.deepEqual(v2.body['comparison'], v1.body['comparison']);
    assert.equal((v1.body['comparison'] as { match: boolean }).match, true);
    const found = (await call('POST', '/v1/identify', { form: { ...probe.form, topK: '2' } })).body['candidates'] as { subjectId: string; comparison: unknown }[];
    assert.deepEqual(found.map((c) => c.subjectId).sort(), ['gul-enrolled', 'gul-imported']);
    assert.deepEqual(found[0]!.comparison, found[1]!.comparison);
  });

  test('a full inference queue answers 503 with Retry-After, and the service recovers', async () => {
    // One worker, queue of one: of six simultaneous probes at most two are accepted at once.
    const replies = await Promise.all(Array.from({ length: 6 }, () => call('POST', '/v1/embed', { form: { image: image('AJ_Cook', 1) } })));
    const busy = replies.filter((r) => r.status === 503);
    assert.ok(busy.length >= 1, `statuses ${replies.map((r) => r.status).join(',')}`);
    assert.ok(busy.every((r) => errorCode(r) === 'SERVICE_BUSY' && Number(r.headers.get('retry-after')) >= 1));
    assert.ok(replies.every((r) => r.status === 200 || r.status === 503));
    assert.equal((await call('POST', '/v1/embed', { form: { image: image('AJ_Cook', 1) } })).status, 200);
  });
});
