import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isPfeError } from '../../core/errors.js';
import { adaptiveAveragePool, globalAveragePool, l2NormalizeRows } from './feature-pooling.js';

/** Brute-force mean over an explicit list of (y, x) cells for face n, channel c. */
function meanOver(map: Float32Array, H: number, W: number, C: number, n: number, c: number, cells: Array<[number, number]>): number {
  let s = 0;
  for (const [y, x] of cells) s += map[((n * H + y) * W + x) * C + c]!;
  return s / cells.length;
}

describe('adaptiveAveragePool', () => {
  it('splits a 7×7 map into the overlapping bins rows/cols 0..3 and 3..6', () => {
    const H = 7, W = 7, C = 3, N = 2;
    const map = Float32Array.from({ length: N * H * W * C }, (_, k) => Math.sin(k * 0.37) * 5);
    const out = adaptiveAveragePool(map, { count: N, height: H, width: W, channels: C }, 2, 2);
    assert.equal(out.length, N * 4 * C);
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    for (let n = 0; n < N; n++) {
      for (const [gy, ys] of [[0, range(0, 3)], [1, range(3, 6)]] as const) {
        for (const [gx, xs] of [[0, range(0, 3)], [1, range(3, 6)]] as const) {
          const cells: Array<[number, number]> = [];
          for (const y of ys) for (const x of xs) cells.push([y, x]);
          for (let c = 0; c < C; c++) {
            const got = out[((n * 2 + gy) * 2 + gx) * C + c]!;
            assert.ok(Math.abs(got - meanOver(map, H, W, C, n, c, cells)) < 1e-5, `n${n} g${gy}${gx} c${c}`);
          }
        }
      }
    }
  });

  it('is the identity with an H×W grid and the global mean with a 1×1 grid', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), (N, H, W, C) => {
        const map = Float32Array.from({ length: N * H * W * C }, (_, k) => ((k * 7919) % 101) / 10);
        const shape = { count: N, height: H, width: W, channels: C };
        const same = adaptiveAveragePool(map, shape, H, W);
        for (let k = 0; k < map.length; k++) assert.ok(Math.abs(same[k]! - map[k]!) < 1e-5);
        const g = globalAveragePool(map, shape);
        const all: Array<[number, number]> = [];
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) all.push([y, x]);
        for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) assert.ok(Math.abs(g[n * C + c]! - meanOver(map, H, W, C, n, c, all)) < 1e-5);
      }),
    );
  });

  it('rejects a length that does not match the shape and a grid larger than the map', () => {
    assert.throws(() => adaptiveAveragePool(new Float32Array(10), { count: 1, height: 2, width: 2, channels: 2 }, 1, 1), (e) => isPfeError(e, 'DIMENSION_MISMATCH'));
    assert.throws(() => adaptiveAveragePool(new Float32Array(8), { count: 1, height: 2, width: 2, channels: 2 }, 3, 1), (e) => isPfeError(e, 'INVALID_ARGUMENT'));
  });
});

describe('l2NormalizeRows', () => {
  it('gives unit rows in the same direction', () => {
    const out = l2NormalizeRows(Float32Array.of(3, 4, 0, 0, -2, 0), 3);
    const expected = [0.6, 0.8, 0, 0, -1, 0];
    expected.forEach((v, k) => assert.ok(Math.abs(out[k]! - v) < 1e-7, `value ${k}: ${out[k]} vs ${v}`));
  });
  it('rejects a zero row, naming it', () => {
    assert.throws(() => l2NormalizeRows(Float32Array.of(1, 0, 0, 0), 2), (e) => isPfeError(e, 'NON_FINITE') && /row 1/.test(e.message));
  });
});
