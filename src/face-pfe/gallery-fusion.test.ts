import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertThrowsPfe } from '../testing/pfe-error-assertions.js';
import { fuseGallery, scorePair } from './gallery-fusion.js';

const f = (mu: number[], sigmaSq: number[]) => ({ dim: mu.length, mu: Float32Array.from(mu), sigmaSq: Float32Array.from(sigmaSq) });

describe('gallery fusion', () => {
  const a = f([1, 0, 0], [0.1, 0.2, 0.4]);
  const b = f([0.6, 0.8, 0], [0.3, 0.2, 0.1]);

  it('product rule: precisions add, and the fused uncertainty is the harmonic mean of the fused σ²', () => {
    const g = fuseGallery([a, b], 'product');
    const expected = [1 / (1 / 0.1 + 1 / 0.3), 1 / (1 / 0.2 + 1 / 0.2), 1 / (1 / 0.4 + 1 / 0.1)];
    expected.forEach((v, l) => assert.ok(Math.abs(g.template.sigmaSq[l]! - v) < 1e-7, `σ² ${l}`));
    const harmonic = 3 / expected.reduce((s, v) => s + 1 / v, 0);
    assert.ok(Math.abs(g.uncertainty - harmonic) < 1e-7);
    assert.equal(g.count, 2);
    // fusing makes the template more confident than either photo
    assert.ok(g.uncertainty < fuseGallery([a], 'product').uncertainty && g.uncertainty < fuseGallery([b], 'product').uncertainty);
  });

  it('min rule: σ² is the per-dimension minimum and μ is unit length', () => {
    const g = fuseGallery([a, b], 'min');
    assert.deepEqual(Array.from(g.template.sigmaSq), Array.from(Float32Array.from([0.1, 0.2, 0.1])));
    const norm = Math.hypot(...g.template.mu);
    assert.ok(Math.abs(norm - 1) < 1e-6);
  });

  it('scores a pair with cosine and the paper-form MLS', () => {
    const s = scorePair(a, b);
    assert.ok(Math.abs(s.cosine - 0.6) < 1e-7);
    // MLS = −½ Σ (Δ²/(σ²a+σ²b) + log(σ²a+σ²b)) − (D/2) log 2π
    let mls = 0;
    for (let l = 0; l < 3; l++) {
      const v = a.sigmaSq[l]! + b.sigmaSq[l]!;
      mls += (a.mu[l]! - b.mu[l]!) ** 2 / v + Math.log(v);
    }
    mls = -0.5 * mls - 1.5 * Math.log(2 * Math.PI);
    assert.ok(Math.abs(s.mls - mls) < 1e-5, `${s.mls} vs ${mls}`);
  });

  it('refuses an empty gallery and mismatched dimensions', () => {
    assertThrowsPfe(() => fuseGallery([], 'min'), 'EMPTY_INPUT');
    assertThrowsPfe(() => scorePair(a, f([1, 0], [0.1, 0.1])), 'DIMENSION_MISMATCH');
  });
});
