import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { iou, nonMaxSuppression } from './nms.js';

const box = (x0: number, y0: number, x1: number, y1: number) => ({ x0, y0, x1, y1 });

describe('iou', () => {
  it('is 1/7 for two unit-offset 2×2 squares, 0 when disjoint, 1 for the same box', () => {
    assert.ok(Math.abs(iou(box(0, 0, 2, 2), box(1, 1, 3, 3)) - 1 / 7) < 1e-12);
    assert.equal(iou(box(0, 0, 1, 1), box(2, 2, 3, 3)), 0);
    assert.equal(iou(box(0, 0, 4, 3), box(0, 0, 4, 3)), 1);
  });
});

describe('nonMaxSuppression', () => {
  it('keeps the best of overlapping boxes and every separate one, best first', () => {
    const boxes = [box(0, 0, 10, 10), box(1, 1, 11, 11), box(50, 50, 60, 60), box(0.5, 0, 10.5, 10)];
    const scores = [0.8, 0.9, 0.7, 0.95];
    assert.deepEqual(nonMaxSuppression(boxes, scores, 0.3, 0.5), [3, 2]);
  });
  it('drops boxes under minScore and stops at maxCount', () => {
    const boxes = [box(0, 0, 1, 1), box(5, 5, 6, 6), box(10, 10, 11, 11)];
    assert.deepEqual(nonMaxSuppression(boxes, [0.4, 0.6, 0.9], 0.3, 0.5), [2, 1]);
    assert.deepEqual(nonMaxSuppression(boxes, [0.4, 0.6, 0.9], 0.3, 0, 1), [2]);
  });
});
