import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FiveLandmarks } from '../types.js';
import { fitLandmarks, inferredScale, landmarkFileFrame, LFW_ORIGINAL_FRAME, sameScale } from './landmark-frame.js';

/** Abdullah_Gul_0001's MTCNN points in the 250×250 frame (fixtures/lfw/ldmark_lfw_mtcnncaffe.txt). */
const GUL: FiveLandmarks = [
  { x: 108.3, y: 110.3 },
  { x: 148.7, y: 116.4 },
  { x: 119.5, y: 135.1 },
  { x: 105.9, y: 155.8 },
  { x: 138.9, y: 160.6 },
];

describe('landmarkFileFrame', () => {
  it("reads a '# frame: WxH' line before the data, in either spelling", () => {
    assert.deepEqual(landmarkFileFrame('# my landmarks\n# frame: 640x480\nA/A_0001.jpg 1 2 3 4 5 6 7 8 9 10\n', 'x.txt')?.frame, { width: 640, height: 480 });
    assert.deepEqual(landmarkFileFrame('#frame 250×250\n', 'x.txt')?.frame, { width: 250, height: 250 });
  });

  it('knows the reference code’s LFW file by name, and nothing else', () => {
    assert.deepEqual(landmarkFileFrame('A/A_0001.jpg 1 2 3 4 5 6 7 8 9 10\n', '/data/lfw/ldmark_lfw_mtcnncaffe.txt')?.frame, LFW_ORIGINAL_FRAME);
    assert.equal(landmarkFileFrame('A/A_0001.jpg 1 2 3 4 5 6 7 8 9 10\n', 'mine.txt'), undefined);
    // a frame line after the data is not a header
    assert.equal(landmarkFileFrame('A/A_0001.jpg 1 2 3 4 5 6 7 8 9 10\n# frame: 10x10\n', 'mine.txt'), undefined);
  });
});

describe('fitLandmarks', () => {
  it('auto: scales the 250-px frame to each image size (×0.6 for the 150-px copy, ×1 for the original)', () => {
    const small = fitLandmarks(GUL, LFW_ORIGINAL_FRAME, { width: 150, height: 150 }, { kind: 'auto' });
    assert.equal(small.scale, 0.6);
    assert.ok(Math.abs(small.landmarks[1].x - 148.7 * 0.6) < 1e-9);
    assert.equal(small.scaleMismatch, false);
    assert.equal(small.outside, false);
    const big = fitLandmarks(GUL, LFW_ORIGINAL_FRAME, { width: 250, height: 250 }, { kind: 'auto' });
    assert.equal(big.scale, 1);
    assert.deepEqual(big.landmarks, GUL);
  });

  it('flags a fixed scale that contradicts the image size (the old 0.6 default on 250-px LFW)', () => {
    const fit = fitLandmarks(GUL, LFW_ORIGINAL_FRAME, { width: 250, height: 250 }, { kind: 'fixed', scale: 0.6 });
    assert.equal(fit.scale, 0.6);
    assert.equal(fit.inferredScale, 1);
    assert.equal(fit.scaleMismatch, true);
    assert.equal(fitLandmarks(GUL, LFW_ORIGINAL_FRAME, { width: 150, height: 150 }, { kind: 'fixed', scale: 0.6 }).scaleMismatch, false);
  });

  it('flags points outside the image: 250-frame points taken as pixels of a 150-px image', () => {
    const fit = fitLandmarks(GUL, undefined, { width: 150, height: 150 }, { kind: 'auto' });
    assert.equal(fit.scale, 1);
    assert.equal(fit.outside, true);
    assert.equal(fit.scaleMismatch, false, 'no frame, nothing to disagree with');
  });

  it('does not infer a scale across aspect ratios, nor without the image size', () => {
    assert.equal(inferredScale(LFW_ORIGINAL_FRAME, 300, 200), undefined);
    assert.equal(fitLandmarks(GUL, LFW_ORIGINAL_FRAME, undefined, { kind: 'auto' }).scale, 1);
    assert.ok(sameScale(0.6, 0.605) && !sameScale(0.6, 1));
  });
});
