import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from './errors.js';
import { deriveSeed, SeededRandom } from './random.js';

describe('SeededRandom', () => {
  it('matches an independent Python implementation of mulberry32', () => {
    // Reference: a python3 port with explicit & 0xFFFFFFFF arithmetic, run once.
    const r = new SeededRandom(42);
    assert.deepEqual([0, 1, 2, 3, 4].map(() => r.nextUint32()), [2581720956, 1925393290, 3661312704, 2876485805, 750819978]);
    const z = new SeededRandom(0);
    assert.deepEqual([0, 1, 2].map(() => z.nextUint32()), [1144304738, 1416247, 958946056]);
  });

  it('Box–Muller normals match the Python reference and pair cos/sin outputs', () => {
    const r = new SeededRandom(7);
    const expected = [2.759372983943618, 1.131981117401041, -0.06805135633380124, -0.20517153515725392];
    for (const e of expected) assert.ok(Math.abs(r.nextGaussian() - e) < 1e-12);
  });

  it('gives identical sequences for one seed and different ones for another', () => {
    const a = new SeededRandom(123);
    const b = new SeededRandom(123);
    const c = new SeededRandom(124);
    const sa = Array.from({ length: 100 }, () => a.nextFloat());
    assert.deepEqual(sa, Array.from({ length: 100 }, () => b.nextFloat()));
    assert.notDeepEqual(sa, Array.from({ length: 100 }, () => c.nextFloat()));
    assert.ok(sa.every((v) => v >= 0 && v < 1));
  });

  it('produces normals with mean 0 and variance 1 (200k samples, 5-sigma bounds)', () => {
    const r = new SeededRandom(2024);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let beyond3 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.nextGaussian();
      s += z;
      s2 += z * z;
      if (Math.abs(z) > 3) beyond3++;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 5 * Math.sqrt(2 / n), `variance ${variance}`);
    // P(|z| > 3) = 0.0027 for a normal: expect 540 ± ~23.
    assert.ok(beyond3 > 420 && beyond3 < 660, `${beyond3} samples beyond 3 sigma`);
  });

  it('rejects seeds outside 0..2^32−1', () => {
    for (const bad of [-1, 1.5, 2 ** 32, Number.NaN]) {
      assert.throws(() => new SeededRandom(bad), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
    }
  });
});

describe('deriveSeed', () => {
  it('is deterministic, in range, and different per stream and per seed', () => {
    assert.equal(deriveSeed(5, 1), deriveSeed(5, 1));
    const seen = new Set<number>();
    for (let s = 0; s < 20; s++) for (let k = 0; k < 20; k++) seen.add(deriveSeed(s, k));
    assert.equal(seen.size, 400);
    for (const v of seen) assert.ok(Number.isInteger(v) && v >= 0 && v <= 0xffffffff);
    assert.throws(() => deriveSeed(-1, 0), (e: unknown) => e instanceof PfeError);
  });
});
