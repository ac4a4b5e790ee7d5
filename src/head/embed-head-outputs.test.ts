import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isPfeError } from '../core/errors.js';
import { deriveSeed, SeededRandom } from '../core/random.js';
import type { EmbeddedFace } from '../face/pipeline/face-embedder.js';
import { readMatrixNpyFile } from '../io/npy-file.js';
import { initialHeadWeights } from '../train/head-trainer.js';
import { MU_CENTRED_FILE, SIGMA_SQ_FILE } from '../io/embedding-folder.js';
import { writeHeadOutputs } from './embed-head-outputs.js';
import { BN_EPSILON, type HeadArchitecture, type UncertaintyHead } from './head-model.js';
import { predictCompactSigmaSq } from './head-inference.js';

/** A made-up identity: the test checks it is recorded, not how it is computed. */
const IDENTITY = { file: 'h.pfehead', sha256: 'ab'.repeat(32) };

function face(rng: SeededRandom, d: number): EmbeddedFace {
  const mu = Float32Array.from({ length: d }, () => Math.abs(rng.nextGaussian()));
  const n = Math.hypot(...mu);
  for (let l = 0; l < d; l++) mu[l]! /= n;
  const pooledGlobal = Float32Array.from({ length: d }, () => 3 * rng.nextFloat());
  return { status: 'ok', mu, pooledGlobal, pooledGrid2x2: new Float32Array(4 * d), landmarks: [] as unknown as EmbeddedFace['landmarks'], landmarkSource: 'given', detectorScore: null, faceCount: null, imageWidth: 150, imageHeight: 150 };
}

describe('writeHeadOutputs', () => {
  const d = 6;
  const a: HeadArchitecture = { inputKind: 'pooled_global', inputDim: d, hiddenDim: 4, outputDim: 4, muDim: d, sigmaMode: 'scalar', bnEpsilon: BN_EPSILON };
  const weights = initialHeadWeights(a, new SeededRandom(deriveSeed(3, 1)), { inputMean: new Float32Array(d), inputScale: Float32Array.of(1), muMean: new Float32Array(d).fill(0.1) });
  weights.sigmaGamma[0] = 0.3;
  const head: UncertaintyHead = { architecture: a, weights, backbone: 'faceres', training: {} };

  it('writes N×D sigma_sq.npy from the head input kind and unit-norm centred mu', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pfe-head-out-'));
    try {
      const rng = new SeededRandom(4);
      const faces = [face(rng, d), face(rng, d), face(rng, d)];
      const info = await writeHeadOutputs(path.join(dir, 'out'), faces, head, 'h.pfehead', IDENTITY, 'cpu');
      assert.equal(info['inputKind'], 'pooled_global');
      assert.equal(info['sha256'], IDENTITY.sha256, 'index.json records the head file\'s hash, for imports to check');
      const s = await readMatrixNpyFile(path.join(dir, 'out', SIGMA_SQ_FILE));
      const m = await readMatrixNpyFile(path.join(dir, 'out', MU_CENTRED_FILE));
      assert.deepEqual([s.rows, s.cols, m.rows, m.cols], [3, d, 3, d]);
      const want = predictCompactSigmaSq(head, Float32Array.from(faces.flatMap((f) => [...f.pooledGlobal])));
      for (let i = 0; i < 3; i++) {
        for (let l = 0; l < d; l++) assert.equal(s.data[i * d + l], want[i], 'scalar σ² repeated over the row');
        let norm = 0;
        for (let l = 0; l < d; l++) norm += m.data[i * d + l]! ** 2;
        assert.ok(Math.abs(norm - 1) < 1e-5);
      }
      assert.notEqual(want[0], want[1], 'σ² depends on the image');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects faces whose sizes do not fit the head', async () => {
    const rng = new SeededRandom(5);
    await assert.rejects(writeHeadOutputs(path.join(tmpdir(), 'never-written'), [face(rng, d + 1)], head, 'h.pfehead', IDENTITY, 'cpu'), (e) => isPfeError(e, 'DIMENSION_MISMATCH'));
  });
});
