import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { deriveSeed, SeededRandom } from '../../core/random.js';
import { BN_EPSILON, type HeadArchitecture } from '../../head/head-model.js';
import { saveHeadFile } from '../../head/model-file.js';
import { initialHeadWeights } from '../../train/head-trainer.js';
import { fixturePath } from '../../testing/paths.js';

const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));

describe('pfe compare', () => {
  it('prints cosine, MLS and both confidences; same person scores higher than different people', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pfe-compare-'));
    try {
      // An untrained head on pooled_global (σ² ≈ e^−7, slightly image-dependent) is enough to test the plumbing.
      const a: HeadArchitecture = { inputKind: 'pooled_global', inputDim: 1024, hiddenDim: 16, outputDim: 16, muDim: 1024, sigmaMode: 'scalar', bnEpsilon: BN_EPSILON };
      const w = initialHeadWeights(a, new SeededRandom(deriveSeed(1, 2)), { inputMean: new Float32Array(1024), inputScale: Float32Array.of(1), muMean: new Float32Array(1024) });
      const headFile = path.join(dir, 'h.pfehead');
      await saveHeadFile(headFile, { architecture: a, weights: w, backbone: 'faceres', training: {} });
      const run = (x: string, y: string): Record<string, number> => {
        const r = spawnSync(process.execPath, [mainJs, 'compare', x, y, '--head', headFile, '--landmarks', fixturePath('lfw', 'ldmark_lfw_mtcnncaffe.txt'), '--json'], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        return JSON.parse(r.stdout) as Record<string, number>;
      };
      const img = (p: string, n: number): string => fixturePath('lfw', 'images', p, `${p}_000${n}.jpg`);
      const same = run(img('Adrien_Brody', 1), img('Adrien_Brody', 2));
      const diff = run(img('Adrien_Brody', 1), img('AJ_Cook', 1));
      for (const k of ['cosine', 'rawCosine', 'mls', 'confidenceA', 'confidenceB']) assert.ok(Number.isFinite(same[k]), k);
      assert.ok(same['cosine']! > diff['cosine']!, `cosine same ${same['cosine']} vs different ${diff['cosine']}`);
      assert.ok(same['mls']! > diff['mls']!, `MLS same ${same['mls']} vs different ${diff['mls']}`);
      assert.equal(same['confidenceA'], diff['confidenceA'], 'the confidence of an image does not depend on the other image');
      const text = spawnSync(process.execPath, [mainJs, 'compare', img('Adrien_Brody', 1), img('AJ_Cook', 1), '--head', headFile], { encoding: 'utf8' });
      assert.equal(text.status, 0, text.stderr);
      assert.match(text.stdout, /cosine \(centred mu\)\s+-?\d\.\d{4}\n/);
      assert.match(text.stdout, /MLS \(nats\)\s+-?\d+\.\d\n/);
      assert.match(text.stdout, /confidence a\s+\d\.\d{3}e[-+]\d+/);
      // an ad-hoc head has no calibration beside it: no verdict, and the output says so
      assert.match(text.stdout, /verdict\s+none \(no calibration/);
      assert.equal(same['verdicts'], undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives the calibrated verdicts of the shipped head: one person accepted, two people refused', () => {
    const img = (p: string, n: number): string => fixturePath('lfw', 'images', p, `${p}_000${n}.jpg`);
    type Verdicts = { verdicts: Record<'mls' | 'cosine', { match: boolean; estimatedFar: number; targetFar: number }> };
    const run = (x: string, y: string): Verdicts => {
      const r = spawnSync(process.execPath, [mainJs, 'compare', x, y, '--json'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as Verdicts;
    };
    const same = run(img('Abdullah_Gul', 1), img('Abdullah_Gul', 2));
    const diff = run(img('Abdullah_Gul', 1), img('AJ_Cook', 1));
    for (const metric of ['mls', 'cosine'] as const) {
      assert.equal(same.verdicts[metric].match, true, metric);
      assert.equal(diff.verdicts[metric].match, false, metric);
      assert.equal(same.verdicts[metric].targetFar, 1e-3);
      assert.ok(same.verdicts[metric].estimatedFar < diff.verdicts[metric].estimatedFar);
    }
    const text = spawnSync(process.execPath, [mainJs, 'compare', img('Abdullah_Gul', 1), img('AJ_Cook', 1)], { encoding: 'utf8' });
    assert.match(text.stdout, /verdict on MLS\s+different people \(estimated FAR/);
    assert.match(text.stdout, /verdict on cosine\s+different people/);
  });

  it('needs exactly two images (exit 2)', () => {
    const r = spawnSync(process.execPath, [mainJs, 'compare', 'only-one.jpg'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /expected 2 arguments/);
  });
});
