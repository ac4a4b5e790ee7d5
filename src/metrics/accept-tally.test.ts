import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPfeError } from '../core/errors.js';
import { acceptRate, tallyAccepts } from './accept-tally.js';

test('tallyAccepts counts accepts per class and keeps lost pairs out of the denominators', () => {
  //                 gen gen gen imp imp imp imp
  const labels = Uint8Array.of(1, 1, 1, 0, 0, 0, 0);
  const lost = Uint8Array.of(0, 1, 0, 0, 0, 1, 0);
  // The lost genuine pair's accept flag (1) and the lost impostor's (1) must be ignored.
  const accepted = Uint8Array.of(1, 1, 0, 1, 0, 1, 0);
  const t = tallyAccepts(labels, lost, accepted);
  assert.deepEqual(t.genuine, { accepted: 1, scored: 2, lost: 1 });
  assert.deepEqual(t.impostor, { accepted: 1, scored: 3, lost: 1 });
});

test('tallyAccepts rejects arrays of different lengths', () => {
  assert.throws(
    () => tallyAccepts(Uint8Array.of(1, 0), Uint8Array.of(0), Uint8Array.of(0, 0)),
    (e: unknown) => isPfeError(e) && e.code === 'DIMENSION_MISMATCH',
  );
});

test('acceptRate matches the Wilson interval computed by hand', () => {
  // 5 of 100: p = 0.05, z = 1.96; hand/numpy value of the Wilson interval: [0.02154, 0.11175].
  const r = acceptRate({ accepted: 5, scored: 100, lost: 0 });
  assert.equal(r.rate, 0.05);
  assert.ok(Math.abs(r.lower - 0.021543) < 1e-5, `lower ${r.lower}`);
  assert.ok(Math.abs(r.upper - 0.111752) < 1e-5, `upper ${r.upper}`);
});

test('acceptRate: zero accepts still give a non-zero upper bound, all accepts a lower bound below 1', () => {
  const none = acceptRate({ accepted: 0, scored: 3000, lost: 7 });
  assert.equal(none.rate, 0);
  assert.ok(none.lower >= 0 && none.lower < 1e-12);
  // Wilson upper bound at 0/n is z²/(n + z²).
  assert.ok(Math.abs(none.upper - 1.959963984540054 ** 2 / (3000 + 1.959963984540054 ** 2)) < 1e-12);
  const all = acceptRate({ accepted: 10, scored: 10, lost: 0 });
  assert.equal(all.rate, 1);
  assert.ok(Math.abs(all.upper - 1) < 1e-12);
  assert.ok(all.lower < 1 && all.lower > 0.6);
});

test('acceptRate of nothing scored is NaN, not 0', () => {
  const r = acceptRate({ accepted: 0, scored: 0, lost: 4 });
  assert.ok(Number.isNaN(r.rate) && Number.isNaN(r.lower) && Number.isNaN(r.upper));
});
