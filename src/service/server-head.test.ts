/**
 * The service with an uncertainty head, over real HTTP with fixture images: σ² in
 * responses, MLS decisions, templates with σ² that survive a restart, and the
 * uncertainty quality gate. The head is a freshly initialised (untrained) head written to a
 * temporary file, and its calibration is built from synthetic impostor pairs, so this
 * tests the plumbing, not the accuracy of decisions (the trained head's calibration is
 * built from LFW by src/scripts/build-calibration.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { cosinePairs } from '../core/cosine.js';
import { gaussianBatch } from '../core/embedding.js';
import { mlsPairs } from '../core/mls.js';
import { SeededRandom } from '../core/random.js';
import { initBackend } from '../face/runtime/tfjs-runtime.js';
import { BN_EPSILON, type HeadArchitecture } from '../head/head-model.js';
import { saveHeadFile } from '../head/model-file.js';
import { fixturePath } from '../testing/paths.js';
import { initialHeadWeights } from '../train/head-trainer.js';
import { impostorTable } from '../verify/calibration.js';
import { CALIBRATION_FORMAT, CALIBRATION_VERSION, saveCalibrationFile } from '../verify/calibration-file.js';
import { defaultConfig, type ServiceConfig } from './config.js';
import { loadHeadBinding, serviceEmbeddings } from '../head/head-binding.js';
import { type RunningService, startService } from './server.js';

const DIM = 1024;
/** Synthetic impostor pairs of the test calibration: resolution 1e-3, so the test target FAR is 1e-2. */
const PAIRS = 1000;

let dir: string;
let headFile: string;
let calibrationFile: string;

function image(person: string, n: number): Buffer {
  return readFileSync(fixturePath('lfw', 'images', person, `${person}_${String(n).padStart(4, '0')}.jpg`));
}

function form(fields: Record<string, Buffer>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, new Blob([v]), `${k}.jpg`);
  return f;
}

async function post(service: RunningService, url: string, body: FormData | object): Promise<{ status: number; json: Record<string, unknown> }> {
  const isForm = body instanceof FormData;
  const res = await fetch(`${service.url}${url}`, { method: 'POST', body: isForm ? body : JSON.stringify(body), headers: isForm ? {} : { 'content-type': 'application/json' } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pfe-head-api-'));
  const rng = new SeededRandom(17);
  const architecture: HeadArchitecture = { inputKind: 'mu', inputDim: DIM, hiddenDim: 16, outputDim: 16, muDim: DIM, sigmaMode: 'scalar', bnEpsilon: BN_EPSILON };
  const weights = initialHeadWeights(architecture, rng, { inputMean: new Float32Array(DIM), inputScale: Float32Array.of(1), muMean: new Float32Array(DIM) });
  headFile = path.join(dir, 'test.pfehead');
  await saveHeadFile(headFile, { architecture, weights, backbone: 'faceres', training: { note: 'untrained, for tests' } });

  // Calibration from random unit vectors run through the head.
  await initBackend('cpu');
  const binding = await loadHeadBinding(headFile);
  const rows = 200;
  const mu = new Float32Array(rows * DIM);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let l = 0; l < DIM; l++) n += (mu[r * DIM + l] = rng.nextGaussian()) ** 2;
    for (let l = 0; l < DIM; l++) mu[r * DIM + l]! /= Math.sqrt(n);
  }
  const emb = serviceEmbeddings(binding, { count: rows, mu, features: {} });
  const batch = gaussianBatch(emb.mu, emb.sigmaSq!, DIM);
  const a = new Uint32Array(PAIRS);
  const b = new Uint32Array(PAIRS);
  for (let k = 0; k < PAIRS; k++) {
    a[k] = k % rows;
    b[k] = (k % rows) + 1 + (rng.nextUint32() % (rows - 1));
    b[k]! %= rows;
  }
  calibrationFile = path.join(dir, 'calibration-test.json');
  await saveCalibrationFile(calibrationFile, {
    format: CALIBRATION_FORMAT,
    version: CALIBRATION_VERSION,
    backbone: 'faceres',
    head: binding.identity,
    source: { note: 'synthetic, for tests' },
    tables: { cosine: impostorTable('cosine', cosinePairs(batch, batch, a, b).sort()), mls: impostorTable('mls', mlsPairs(batch, batch, a, b).sort()) },
    uncertaintyQuantiles: { '0.995': 1 },
  });
});

after(() => rmSync(dir, { recursive: true, force: true }));

function config(dataDir: string, maxUncertainty: number | undefined): ServiceConfig {
  return { ...defaultConfig(), port: 0, dataDir, headFile, calibrationFile, targetFar: 1e-2, maxUncertainty, workers: 1, maxQueue: 4, batchSize: 2 };
}

test('with a head: σ² and MLS in answers, templates with σ² survive a restart, the uncertainty gate refuses', async () => {
  const dataDir = path.join(dir, 'data');
  let service = await startService(config(dataDir, undefined));
  let identifyBefore: { subjectId: string; comparison: { mls: number } }[];
  let probe: { mu: number[]; sigmaSq: number[] };
  try {
    const health = (await (await fetch(`${service.url}/v1/health`)).json()) as Record<string, unknown>;
    assert.equal(health['uncertaintyAvailable'], true);
    assert.equal(health['decisionMetric'], 'mls');

    const embed = await post(service, '/v1/embed', form({ image: image('AJ_Cook', 1) }));
    const face = embed.json['face'] as { sigmaSq: number[]; uncertainty: number; uncertaintyAvailable: boolean };
    assert.equal(face.uncertaintyAvailable, true);
    assert.equal(face.sigmaSq.length, DIM);
    assert.ok(face.sigmaSq.every((s) => s > 0));
    const harmonic = DIM / face.sigmaSq.reduce((s, v) => s + 1 / v, 0);
    assert.ok(Math.abs(harmonic - face.uncertainty) / harmonic < 1e-5, 'uncertainty is the harmonic mean of σ²');

    for (const [id, person, n] of [['gul', 'Abdullah_Gul', 1], ['gul', 'Abdullah_Gul', 2], ['cook', 'AJ_Cook', 1]] as const) {
      if (n === 1) await post(service, '/v1/subjects', { id });
      const r = await post(service, `/v1/subjects/${id}/faces`, form({ image: image(person, n) }));
      assert.equal(r.status, 201, JSON.stringify(r.json));
      assert.equal(typeof (r.json['face'] as { uncertainty: unknown }).uncertainty, 'number');
    }
    const verify = await post(service, '/v1/subjects/gul/verify', form({ image: image('Abdullah_Gul', 3) }));
    const c = verify.json['comparison'] as { mls: number; cosine: number; decisionMetric: string; estimatedFar: number };
    assert.equal(c.decisionMetric, 'mls');
    assert.ok(Number.isFinite(c.mls));
    const cmp = await post(service, '/v1/compare', form({ a: image('Abdullah_Gul', 1), b: image('Abdullah_Gul', 3) }));
    assert.ok(Number.isFinite((cmp.json['comparison'] as { mls: number }).mls));
    const id = await post(service, '/v1/identify', form({ image: image('Abdullah_Gul', 3) }));
    identifyBefore = id.json['candidates'] as typeof identifyBefore;
    probe = (await post(service, '/v1/embed', form({ image: image('Abdullah_Gul', 3) }))).json['face'] as typeof probe;
    assert.deepEqual(identifyBefore.map((h) => h.subjectId), ['gul', 'cook'], 'ranked by MLS: the same person first');
    assert.ok(identifyBefore[0]!.comparison.mls > identifyBefore[1]!.comparison.mls);
  } finally {
    await service.close();
  }

  // Restart with a strict uncertainty limit: the gallery reloads with σ², enrolment is refused.
  service = await startService(config(dataDir, 1e-12));
  try {
    const id = await post(service, '/v1/embed', form({ image: image('Abdullah_Gul', 3) }));
    assert.equal((id.json['quality'] as { code: string }).code, 'LOW_QUALITY');
    const enrol = await post(service, '/v1/subjects/cook/faces', form({ image: image('AJ_Cook', 1) }));
    assert.deepEqual([enrol.status, (enrol.json['error'] as { code: string }).code], [422, 'LOW_QUALITY']);
    const res = await fetch(`${service.url}/v1/subjects/cook`);
    assert.equal(((await res.json()) as { subject: { faceCount: number } }).subject.faceCount, 1);
    // Templates read back from SQLite score exactly as the in-memory ones did (σ² kept).
    const index = service.context.index;
    assert.equal(index.size, 2);
    const hits = index.topK({ mu: Float32Array.from(probe!.mu), sigmaSq: Float32Array.from(probe!.sigmaSq) }, 2);
    assert.deepEqual(hits.map((h) => h.subjectId), identifyBefore!.map((h) => h.subjectId));
    hits.forEach((h, i) => assert.ok(Math.abs(h.mls! - identifyBefore[i]!.comparison.mls) < 1e-6 * Math.abs(h.mls!), `${h.mls} vs ${identifyBefore[i]!.comparison.mls}`));
  } finally {
    await service.close();
  }
});
