import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from '../../core/errors.js';
import { fixturePath } from '../../testing/paths.js';
import { decodeImage } from '../image/decode.js';
import { DEGRADATION_LADDER, degradeLevel, MAX_DEGRADE_LEVEL } from './ladder.js';
import { parseDegradeSpec } from './spec.js';
import { applyDegradeSteps } from './steps.js';
import { horizontalDetail, meanSquaredDifference } from './image-stats.js';

const FACE = fixturePath('lfw', 'images', 'Adrien_Brody', 'Adrien_Brody_0002.jpg');

describe('degradeLevel', () => {
  it('level 0 is untouched; every level is reproducible byte for byte from its seed', async () => {
    const img = await decodeImage(FACE);
    assert.deepEqual((await degradeLevel(img, 0, 5)).data, img.data);
    for (let level = 1; level <= MAX_DEGRADE_LEVEL; level++) {
      const a = await degradeLevel(img, level, 12345);
      const b = await degradeLevel(img, level, 12345);
      assert.deepEqual(a.data, b.data, `level ${level}`);
      const c = await degradeLevel(img, level, 12346);
      assert.notDeepEqual(a.data, c.data, `level ${level}: the seed must matter (noise)`);
    }
  });

  it('each parameter grows with the level, and the distortion grows with it on real faces', async () => {
    for (let k = 1; k < DEGRADATION_LADDER.length; k++) {
      const [lo, hi] = [DEGRADATION_LADDER[k - 1]!, DEGRADATION_LADDER[k]!];
      const get = (steps: typeof lo, kind: string): number => {
        const s = steps.find((x) => x.kind === kind)!;
        if (s.kind === 'blur') return s.sigma;
        if (s.kind === 'scale') return -s.factor;
        if (s.kind === 'noise') return s.std;
        if (s.kind === 'jpeg') return -s.quality;
        throw new Error(`the ladder holds no ${s.kind} step`);
      };
      for (const kind of ['blur', 'scale', 'noise', 'jpeg']) assert.ok(get(hi, kind) > get(lo, kind), `${kind} at level ${k + 1}`);
    }
    for (const name of ['Abdullah_Gul/Abdullah_Gul_0001.jpg', 'AJ_Cook/AJ_Cook_0001.jpg', 'Adrien_Brody/Adrien_Brody_0002.jpg']) {
      const img = await decodeImage(fixturePath('lfw', 'images', name));
      const errors: number[] = [];
      const detail: number[] = [];
      for (let level = 1; level <= MAX_DEGRADE_LEVEL; level++) {
        const d = await degradeLevel(img, level, 1);
        errors.push(meanSquaredDifference(img, d));
        detail.push(horizontalDetail(d));
      }
      for (let i = 1; i < errors.length; i++) {
        assert.ok(errors[i]! > errors[i - 1]!, `${name}: MSE ${errors.map((e) => e.toFixed(1)).join(' ')}`);
      }
      assert.ok(detail[detail.length - 1]! < 0.5 * horizontalDetail(img), `${name}: detail at the top level`);
    }
  });

  it('equals the spec level:K and the same steps written out', async () => {
    const img = await decodeImage(FACE);
    const viaLevel = await degradeLevel(img, 3, 77);
    assert.deepEqual((await applyDegradeSteps(img, parseDegradeSpec('level:3'), 77)).data, viaLevel.data);
    assert.deepEqual((await applyDegradeSteps(img, parseDegradeSpec('blur:1.5+scale:0.45+noise:6+jpeg:50'), 77)).data, viaLevel.data);
  });

  it('draws independent noise for two noise steps', async () => {
    const img = await decodeImage(FACE);
    const once = await applyDegradeSteps(img, [{ kind: 'noise', std: 10 }], 3);
    const twice = await applyDegradeSteps(img, [{ kind: 'noise', std: 10 }, { kind: 'noise', std: 10 }], 3);
    // Independent noise adds variance (≈ 2·100 + rounding); the same noise twice would double the std (≈ 4·100).
    const mse = meanSquaredDifference(img, twice);
    assert.ok(mse > 1.5 * meanSquaredDifference(img, once) && mse < 300, `MSE ${mse}`);
  });

  it('rejects a bad level or seed', async () => {
    const img = await decodeImage(FACE);
    for (const [level, seed] of [
      [6, 1],
      [-1, 1],
      [1.5, 1],
      [1, -1],
      [0, 2 ** 32],
    ] as const) {
      await assert.rejects(degradeLevel(img, level, seed), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT', `level ${level} seed ${seed}`);
    }
  });
});
