import assert from 'node:assert/strict';
import { test } from 'node:test';
import { impostorTable, ScoreCalibration } from './calibration.js';
import type { LoadedCalibration } from './calibration-file.js';
import { DecisionPolicy, describeDecision, falseMatchRisk } from './decision.js';
import { loadUncertaintyBands } from './uncertainty-bands.js';

function calibration(withMls: boolean): LoadedCalibration {
  // 1000 impostor cosines evenly spread over [-0.5, 0.499]; MLS impostors over [-2000, -1001].
  const cos = Array.from({ length: 1000 }, (_, i) => -0.5 + i / 1000);
  const mls = Array.from({ length: 1000 }, (_, i) => -2000 + i);
  return {
    content: { format: 'pfe-calibration', version: 1, backbone: 'test', head: withMls ? { file: 'h', sha256: 'x' } : null, source: {}, tables: { cosine: impostorTable('cosine', cos) } },
    cosine: new ScoreCalibration(impostorTable('cosine', cos)),
    mls: withMls ? new ScoreCalibration(impostorTable('mls', mls)) : undefined,
    bands: undefined,
  };
}

test('decisions at a target FAR use the calibrated FAR of the decision score', () => {
  const policy = new DecisionPolicy(calibration(false), 0.01, false);
  assert.equal(policy.metric, 'cosine');
  assert.ok(Math.abs(policy.threshold - 0.49) < 1e-9, `threshold ${policy.threshold}`);
  const accept = policy.decide(0.495, null);
  assert.deepEqual([accept.match, accept.estimatedFar], [true, 0.005]);
  const reject = policy.decide(0.3, null);
  assert.equal(reject.match, false);
  assert.ok(Math.abs(reject.estimatedFar - 0.2) < 1e-9);
  const beyond = policy.decide(0.9, null);
  assert.deepEqual([beyond.match, beyond.farBeyondData, beyond.estimatedFar, beyond.farResolution], [true, true, 0.001, 0.001], 'beyond the data: the FAR is reported as its bound, not 0');
});

test('with an MLS calibration the decision is on MLS, and cosine is still reported', () => {
  const policy = new DecisionPolicy(calibration(true), 0.01, true);
  const mu = new Float32Array([1, 0]);
  const same = policy.compare({ mu, sigmaSq: new Float32Array([0.1, 0.1]) }, { mu, sigmaSq: new Float32Array([0.1, 0.1]) });
  assert.equal(same.decisionMetric, 'mls');
  assert.equal(same.cosine, 1);
  // MLS of identical means with σ² = 0.1 + 0.1: −½·2·log(0.2) − log(2π) ≈ −0.2;  above every impostor.
  assert.ok(Math.abs(same.mls! - (-Math.log(0.2) - Math.log(2 * Math.PI))) < 1e-6);
  assert.equal(same.match, true);
  assert.throws(() => policy.decide(0.9, null), /needs σ²/);
  assert.throws(() => new DecisionPolicy(calibration(false), 0.01, true), /no MLS table/);
  assert.throws(() => new DecisionPolicy(calibration(false), 1e-4, false), /cannot resolve/);
});

test('the open-set risk grows with the gallery: 1 − (1 − far)^N', () => {
  assert.equal(falseMatchRisk(0, 10000), 0);
  assert.equal(falseMatchRisk(1, 5), 1);
  assert.ok(Math.abs(falseMatchRisk(0.5, 2) - 0.75) < 1e-15);
  assert.ok(Math.abs(falseMatchRisk(1e-3, 10000) - (1 - Math.pow(1 - 1e-3, 10000))) < 1e-12);
  assert.ok(Math.abs(falseMatchRisk(1e-9, 1000) - 1e-6) < 1e-12, 'small far: ≈ N·far without cancellation');
});

test('describeDecision says the verdict, the estimated FAR and the operating point in words', () => {
  const policy = new DecisionPolicy(calibration(false), 0.01, false);
  assert.equal(describeDecision(policy.decide(0.495, null)), 'same person (estimated FAR 5.00e-3; accepted when ≤ 0.01)');
  assert.equal(describeDecision(policy.decide(0.3, null)), 'different people (estimated FAR 2.00e-1; accepted when ≤ 0.01)');
  // above every calibration impostor the FAR is only bounded by the table's resolution
  assert.equal(describeDecision(policy.decide(0.9, null)), 'same person (estimated FAR < 1.0e-3; accepted when ≤ 0.01)');
});

test('with uncertainty bands, a pair is decided on the table of its band; without its uncertainty on the global one', () => {
  // Cells by the smaller uncertainty (edge 0.5), one inner band each. Cell 0: impostor cosines over
  // [-0.5, 0.499]; cell 1 (both photos uncertain): over [0, 0.999] (degraded pairs look alike).
  const low = Array.from({ length: 1000 }, (_, i) => -0.5 + i / 1000);
  const high = Array.from({ length: 1000 }, (_, i) => i / 1000);
  const all = [...low, ...high].sort((a, b) => a - b);
  const bandTables = { edges: [0.5], innerEdges: [[], []], cosine: [impostorTable('cosine', low), impostorTable('cosine', high)] };
  const loaded: LoadedCalibration = {
    content: { format: 'pfe-calibration', version: 1, backbone: 'test', head: { file: 'h', sha256: 'x' }, source: {}, tables: { cosine: impostorTable('cosine', all) }, bands: bandTables },
    cosine: new ScoreCalibration(impostorTable('cosine', all)),
    mls: undefined,
    bands: loadUncertaintyBands(bandTables, false),
  };
  const policy = new DecisionPolicy(loaded, 0.01, false);
  assert.deepEqual(policy.bands?.thresholds.map((t) => Math.round(t * 1000) / 1000), [0.49, 0.99]);
  const sharp = policy.decide(0.6, null, [0.2, 0.9]);
  assert.deepEqual([sharp.match, sharp.uncertaintyBand, sharp.threshold], [true, 0, policy.bands!.thresholds[0]]);
  const blurred = policy.decide(0.6, null, [0.9, 0.7]);
  assert.deepEqual([blurred.match, blurred.uncertaintyBand], [false, 1], 'the same cosine between two uncertain photos is refused');
  assert.ok(Math.abs(blurred.estimatedFar - 0.4) < 1e-9);
  assert.match(describeDecision(blurred), /^different people \(estimated FAR 4\.00e-1 among pairs of like quality; accepted when ≤ 0\.01\)$/);
  const unknown = policy.decide(0.6, null);
  assert.deepEqual([unknown.uncertaintyBand, unknown.threshold], [null, policy.threshold]);
  assert.throws(() => policy.decide(0.6, null, [Number.NaN, 0.2]), /finite/);
  // compare() takes the cell from the two templates' σ² (harmonic means 0.2 and 0.2 → cell 0).
  const mu = new Float32Array([1, 0]);
  const c = policy.compare({ mu, sigmaSq: new Float32Array([0.2, 0.2]) }, { mu, sigmaSq: new Float32Array([0.2, 0.2]) });
  assert.equal(c.uncertaintyBand, 0);
});
