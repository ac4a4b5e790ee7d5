import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PfeError } from '../../core/errors.js';
import type { Point } from '../types.js';
import { type Affine2x3, applyAffine, invertAffine } from './affine.js';
import { similarityTransform } from './similarity.js';

function sse(m: Affine2x3, src: readonly Point[], dst: readonly Point[]): number {
  let s = 0;
  for (let i = 0; i < src.length; i++) {
    const q = applyAffine(m, src[i]!);
    s += (q.x - dst[i]!.x) ** 2 + (q.y - dst[i]!.y) ** 2;
  }
  return s;
}

function similarity(angle: number, scale: number, tx: number, ty: number): Affine2x3 {
  const c = scale * Math.cos(angle);
  const s = scale * Math.sin(angle);
  return [c, -s, tx, s, c, ty];
}

// Five points in a face-like layout (MTCNN landmarks of an LFW image, 150×150 frame).
const FACE: readonly Point[] = [
  { x: 64.98, y: 66.2 },
  { x: 89.22, y: 69.82 },
  { x: 71.68, y: 81.05 },
  { x: 63.52, y: 93.51 },
  { x: 83.34, y: 96.36 },
];

const pointArb = fc.record({ x: fc.double({ min: -500, max: 500, noNaN: true }), y: fc.double({ min: -500, max: 500, noNaN: true }) });

describe('similarityTransform', () => {
  it('recovers a known rotation + scale + translation exactly (property over random points and transforms)', () => {
    fc.assert(
      fc.property(
        fc.array(pointArb, { minLength: 2, maxLength: 8 }),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        fc.double({ min: -300, max: 300, noNaN: true }),
        fc.double({ min: -300, max: 300, noNaN: true }),
        (src, angle, scale, tx, ty) => {
          const spread = Math.max(...src.map((p) => Math.hypot(p.x - src[0]!.x, p.y - src[0]!.y)));
          fc.pre(spread > 1);
          const truth = similarity(angle, scale, tx, ty);
          const m = similarityTransform(src, src.map((p) => applyAffine(truth, p)));
          for (let k = 0; k < 6; k++) {
            const tol = (k === 2 || k === 5 ? 1e-7 * (1 + 500 * scale) : 1e-9 * (1 + scale)) * (1 + 500 / spread);
            assert.ok(Math.abs(m[k]! - truth[k]!) < tol, `entry ${k}: ${m[k]} vs ${truth[k]}`);
          }
        },
      ),
      { seed: 20240601, numRuns: 300 },
    );
  });

  it('never produces a reflection, even when dst is a mirror image of src', () => {
    const mirrored = FACE.map((p) => ({ x: 200 - p.x, y: p.y }));
    const m = similarityTransform(FACE, mirrored);
    assert.equal(m[0], m[4]);
    assert.equal(m[1], -m[3]);
    assert.ok(m[0] * m[4] - m[1] * m[3] >= 0, 'determinant must not be negative');
    // The reflection x → 200 − x would fit exactly; the best similarity cannot.
    assert.ok(sse(m, FACE, mirrored) > 1, `residual ${sse(m, FACE, mirrored)}`);
  });

  it('is the least-squares optimum: moving any parameter increases the squared error', () => {
    const dst: Point[] = [
      { x: 38.2946, y: 51.6963 },
      { x: 73.5318, y: 51.5014 },
      { x: 56.0252, y: 71.7366 },
      { x: 41.5493, y: 92.3655 },
      { x: 70.7299, y: 92.2041 },
    ];
    const m = similarityTransform(FACE, dst);
    const best = sse(m, FACE, dst);
    assert.ok(best > 0.1, 'the face is not exactly similar to the template, so the residual is not zero');
    const [a, nb, tx, b, , ty] = m;
    for (const [da, db, dx, dy] of [
      [1e-3, 0, 0, 0],
      [-1e-3, 0, 0, 0],
      [0, 1e-3, 0, 0],
      [0, -1e-3, 0, 0],
      [0, 0, 0.05, 0],
      [0, 0, -0.05, 0],
      [0, 0, 0, 0.05],
      [0, 0, 0, -0.05],
    ] as const) {
      const moved: Affine2x3 = [a + da, nb - db, tx + dx, b + db, a + da, ty + dy];
      assert.ok(sse(moved, FACE, dst) > best, `perturbation ${[da, db, dx, dy].join(',')} did not increase the error`);
    }
  });

  it('round-trips through invertAffine', () => {
    const m = similarity(0.4, 2.5, 10, -7);
    const p = applyAffine(invertAffine(m), applyAffine(m, { x: 3.5, y: -8 }));
    assert.ok(Math.abs(p.x - 3.5) < 1e-12 && Math.abs(p.y + 8) < 1e-12);
    assert.throws(() => invertAffine([1, 2, 0, 2, 4, 0]), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
  });

  it('rejects mismatched, too few, coinciding and non-finite points', () => {
    const code = (fn: () => unknown, c: string): void => {
      assert.throws(fn, (e: unknown) => e instanceof PfeError && e.code === c);
    };
    code(() => similarityTransform(FACE, FACE.slice(0, 4)), 'DIMENSION_MISMATCH');
    code(() => similarityTransform(FACE.slice(0, 1), FACE.slice(0, 1)), 'INVALID_ARGUMENT');
    code(() => similarityTransform([{ x: 5, y: 5 }, { x: 5, y: 5 }], FACE.slice(0, 2)), 'INVALID_ARGUMENT');
    code(() => similarityTransform([FACE[0]!, { x: NaN, y: 1 }], FACE.slice(0, 2)), 'NON_FINITE');
  });
});
