import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DLIB_CHIP_TEMPLATE } from './dlib-chip.js';

/**
 * dlib's mean face (get_face_chip_details, dlib/image_transforms/interpolation.h): the unit-square
 * positions of the points used for our five, copied from its mean_face_shape_x/_y tables
 * (index = point − 17): eye contours 36..41 and 42..47, nose tip 30, mouth corners 48 and 54.
 */
const MEAN_FACE: Readonly<Record<number, readonly [number, number]>> = {
  30: [0.490127, 0.515625],
  36: [0.121737, 0.216423],
  37: [0.187122, 0.178758],
  38: [0.265825, 0.179852],
  39: [0.334606, 0.231733],
  40: [0.260918, 0.245099],
  41: [0.182743, 0.244077],
  42: [0.645647, 0.244077],
  43: [0.714428, 0.245099],
  44: [0.793132, 0.231733],
  45: [0.858516, 0.179852],
  46: [0.79751, 0.178758],
  47: [0.719335, 0.216423],
  48: [0.254149, 0.780233],
  54: [0.726104, 0.780233],
};

/** dlib's chip mapping of a mean-face point: (padding + p) / (2·padding + 1) · size. */
function toChip(p: readonly [number, number], size = 150, padding = 0.25): { x: number; y: number } {
  return { x: ((padding + p[0]) / (2 * padding + 1)) * size, y: ((padding + p[1]) / (2 * padding + 1)) * size };
}

function meanOf(points: readonly number[]): readonly [number, number] {
  const ps = points.map((k) => MEAN_FACE[k]!);
  return [ps.reduce((s, p) => s + p[0], 0) / ps.length, ps.reduce((s, p) => s + p[1], 0) / ps.length];
}

describe('DLIB_CHIP_TEMPLATE', () => {
  it("is dlib's 68-point mean face reduced to five points, padded by 0.25, in a 150×150 chip", () => {
    const expected = [
      toChip(meanOf([36, 37, 38, 39, 40, 41])),
      toChip(meanOf([42, 43, 44, 45, 46, 47])),
      toChip(MEAN_FACE[30]!),
      toChip(MEAN_FACE[48]!),
      toChip(MEAN_FACE[54]!),
    ];
    assert.equal(DLIB_CHIP_TEMPLATE.size, 150);
    DLIB_CHIP_TEMPLATE.points.forEach((p, k) => {
      assert.ok(Math.abs(p.x - expected[k]!.x) < 0.01 && Math.abs(p.y - expected[k]!.y) < 0.01, `point ${k}: (${p.x}, ${p.y}) vs (${expected[k]!.x}, ${expected[k]!.y})`);
    });
  });

});
