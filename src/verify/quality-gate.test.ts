import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkQuality, type QualityLimits, type QualitySignals } from './quality-gate.js';

function face(over: Partial<QualitySignals>): QualitySignals {
  return { uncertainty: null, detectorScore: 0.9, faceCount: 1, ...over };
}
const limits: QualityLimits = { maxUncertainty: 0.01, minDetectorScore: 0.6, allowMultipleFaces: false };

test('the gate refuses several faces, high uncertainty and low detector scores, in that order', () => {
  assert.equal(checkQuality(face({}), limits), null);
  assert.equal(checkQuality(face({ uncertainty: 0.01 }), limits), null, 'the limit itself passes');
  assert.equal(checkQuality(face({ uncertainty: 0.0101 }), limits)?.code, 'LOW_QUALITY');
  assert.equal(checkQuality(face({ detectorScore: 0.59 }), limits)?.code, 'LOW_QUALITY');
  assert.equal(checkQuality(face({ faceCount: 2, uncertainty: 1 }), limits)?.code, 'MULTIPLE_FACES');
  assert.equal(checkQuality(face({ faceCount: 2 }), { ...limits, allowMultipleFaces: true }), null);
  assert.equal(checkQuality(face({ uncertainty: 5 }), { ...limits, maxUncertainty: null }), null, 'no uncertainty limit without a head');
  assert.equal(checkQuality(face({ detectorScore: null, faceCount: null }), limits), null, 'given landmarks have no detector score');
});
