import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPfeError } from '../core/errors.js';
import { SeededRandom } from '../core/random.js';
import path from 'node:path';
import { impostorTable, ScoreCalibration } from './calibration.js';
import { calibrationFileNameForHead } from './calibration-content.js';
import { calibrationFileForHead } from './calibration-file.js';

function sortedNormals(n: number, seed: number, roundTo = 0): Float64Array {
  const rng = new SeededRandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = rng.nextGaussian();
    out[i] = roundTo > 0 ? Math.round(v * roundTo) / roundTo : v;
  }
  return out.sort();
}

function bruteFar(sorted: Float64Array, score: number): number {
  let c = 0;
  for (const v of sorted) if (v >= score) c++;
  return c / sorted.length;
}

test('a full table gives the exact empirical FAR, ties included', () => {
  const scores = sortedNormals(3000, 7, 20); // rounding makes many ties
  const cal = new ScoreCalibration(impostorTable('cosine', scores));
  const rng = new SeededRandom(3);
  for (let k = 0; k < 500; k++) {
    const s = k < 250 ? scores[rng.nextUint32() % scores.length]! : rng.nextGaussian() * 1.5;
    const est = cal.far(s);
    if (s > scores[scores.length - 1]!) {
      assert.equal(est.beyondData, true);
      assert.equal(est.far, 0);
    } else assert.equal(est.far, bruteFar(scores, s), `score ${s}`);
  }
  assert.equal(cal.far(-100).far, 1);
  assert.equal(cal.resolution, 1 / 3000);
});

test('a compressed table never under-states the FAR and is exact in the tail', () => {
  const scores = sortedNormals(20000, 11);
  const full = new ScoreCalibration(impostorTable('mls', scores));
  const small = impostorTable('mls', scores, 200, 50);
  assert.ok(small.scores.length < 400, `kept ${small.scores.length} knots`);
  const cal = new ScoreCalibration(small);
  const rng = new SeededRandom(5);
  for (let k = 0; k < 1000; k++) {
    const s = rng.nextGaussian() * 1.2;
    const exact = full.far(s).far;
    const est = cal.far(s).far;
    assert.ok(est >= exact, `score ${s}: ${est} < exact ${exact}`);
    if (exact <= 200 / 20000 && exact > 0) assert.equal(est, exact);
  }
});

test('threshold(t) is the smallest score accepted at FAR t', () => {
  const scores = sortedNormals(10000, 13, 100);
  const cal = new ScoreCalibration(impostorTable('cosine', scores));
  for (const t of [1e-4, 1e-3, 0.01, 0.05, 0.5, 1]) {
    const th = cal.threshold(t);
    assert.ok(cal.far(th).far <= t, `far at threshold > ${t}`);
    // The next lower distinct impostor score would exceed the target.
    const below = scores.filter((v) => v < th);
    if (below.length > 0) assert.ok(cal.far(below[below.length - 1]!).far > t, `threshold for ${t} is not the smallest`);
    assert.ok(bruteFar(scores, th) <= t);
  }
});

test('a target FAR below the resolution or a bad table is refused', () => {
  const cal = new ScoreCalibration(impostorTable('cosine', [0.1, 0.2, 0.3]));
  assert.throws(() => cal.threshold(0.1), (e) => isPfeError(e, 'INVALID_ARGUMENT'));
  assert.equal(cal.threshold(1 / 3), 0.3);
  assert.throws(() => impostorTable('cosine', [0.3, 0.2]), (e) => isPfeError(e, 'INVALID_ARGUMENT'));
  assert.throws(() => impostorTable('cosine', []), (e) => isPfeError(e, 'EMPTY_INPUT'));
  assert.throws(() => new ScoreCalibration({ metric: 'cosine', total: 3, scores: [0.1, 0.2], counts: [3, 3], exactFrom: 0 }), (e) => isPfeError(e, 'INVALID_FORMAT'));
});

test('a head file names its calibration file, the same in Node paths and bare names', () => {
  assert.equal(calibrationFileNameForHead('pfe-head-faceres.pfehead'), 'calibration-pfe-head-faceres.json');
  assert.equal(calibrationFileForHead(path.join('models', 'fold-3.pfehead')), path.join('models', 'calibration-fold-3.json'));
  // only the .pfehead ending is dropped
  assert.equal(calibrationFileNameForHead('head.pfehead.bak'), 'calibration-head.pfehead.bak.json');
});
