import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from '../../core/errors.js';
import { SeededRandom } from '../../core/random.js';
import type { FiveLandmarks, RgbImage } from '../types.js';
import { solidImage } from './image-stats.js';
import { drawHand, drawMask, drawSunglasses } from './occlusion.js';
import { applyDegradeSteps, stepsNeedFace } from './steps.js';

/** An upright face in a 100×100 frame: eyes 30 px apart at y 40, nose at 55, mouth at 70. */
const FACE: FiveLandmarks = [
  { x: 35, y: 40 },
  { x: 65, y: 40 },
  { x: 50, y: 55 },
  { x: 38, y: 70 },
  { x: 62, y: 70 },
];

function pixel(img: RgbImage, x: number, y: number): number[] {
  const o = (y * img.width + x) * 3;
  return [img.data[o]!, img.data[o + 1]!, img.data[o + 2]!];
}

const GREY: [number, number, number] = [128, 128, 128];

describe('occluders', () => {
  it('sunglasses cover both eyes and leave the mouth; mask covers mouth and chin and leaves the eyes', () => {
    const img = solidImage(100, 100, GREY);
    const glasses = drawSunglasses(img, FACE, 1);
    assert.deepEqual(pixel(glasses, 35, 40), [18, 18, 22]);
    assert.deepEqual(pixel(glasses, 65, 41), [18, 18, 22]);
    assert.deepEqual(pixel(glasses, 50, 70), GREY);
    const mask = drawMask(img, FACE, 1);
    assert.deepEqual(pixel(mask, 50, 70), [170, 200, 225]);
    assert.deepEqual(pixel(mask, 50, 85), [170, 200, 225]);
    assert.deepEqual(pixel(mask, 35, 40), GREY);
    const tinted = drawSunglasses(img, FACE, 0.5);
    assert.deepEqual(pixel(tinted, 35, 40), [73, 73, 75]);
  });

  it('follow the face when it is rolled by 90°', () => {
    // The same face turned a quarter: eyes on a vertical line, mouth to the left.
    const rolled: FiveLandmarks = [
      { x: 60, y: 35 },
      { x: 60, y: 65 },
      { x: 45, y: 50 },
      { x: 30, y: 38 },
      { x: 30, y: 62 },
    ];
    const img = solidImage(100, 100, GREY);
    const glasses = drawSunglasses(img, rolled, 1);
    assert.deepEqual(pixel(glasses, 60, 35), [18, 18, 22]);
    assert.deepEqual(pixel(glasses, 30, 50), GREY);
    const mask = drawMask(img, rolled, 1);
    assert.deepEqual(pixel(mask, 30, 50), [170, 200, 225]);
    assert.deepEqual(pixel(mask, 60, 35), GREY);
  });

  it('the hand is placed by the seed, reproducibly, and covers part of the face', () => {
    const img = solidImage(100, 100, GREY);
    const a = drawHand(img, FACE, 1, new SeededRandom(1));
    assert.deepEqual(a.data, drawHand(img, FACE, 1, new SeededRandom(1)).data);
    const covered = (x: RgbImage): number => {
      let n = 0;
      for (let i = 0; i < x.data.length; i += 3) if (x.data[i] !== 128) n++;
      return n;
    };
    // palm area π·0.45·0.6·30² ≈ 760 px plus fingers
    assert.ok(covered(a) > 600 && covered(a) < 1600, `covered ${covered(a)} px`);
    const places = new Set<string>();
    for (let seed = 0; seed < 12; seed++) places.add(Buffer.from(drawHand(img, FACE, 1, new SeededRandom(seed)).data).toString('base64'));
    assert.ok(places.size > 3, 'different seeds put the hand in different places');
  });

  it('need the face: applyDegradeSteps refuses them without landmarks and rejects bad values', async () => {
    const img = solidImage(100, 100, GREY);
    const steps = [{ kind: 'mask', opacity: 1 }] as const;
    assert.equal(stepsNeedFace(steps), true);
    assert.equal(stepsNeedFace([{ kind: 'motion', length: 3 }]), false);
    await assert.rejects(applyDegradeSteps(img, steps, 1), (e: unknown) => e instanceof PfeError && /five landmarks/.test(e.message));
    assert.deepEqual((await applyDegradeSteps(img, steps, 1, FACE)).data, drawMask(img, FACE, 1).data);
    assert.throws(() => drawSunglasses(img, FACE, 0), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
    assert.throws(() => drawHand(img, FACE, 5, new SeededRandom(1)), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
    const tiny: FiveLandmarks = [FACE[0], { x: 35.5, y: 40 }, FACE[2], FACE[3], FACE[4]];
    assert.throws(() => drawMask(img, tiny, 1), (e: unknown) => e instanceof PfeError && /eyes are/.test(e.message));
  });
});
