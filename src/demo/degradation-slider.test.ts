import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEGRADATION_LADDER } from '../face/degrade/ladder.js';
import { assertThrowsPfe } from '../testing/pfe-error-assertions.js';
import { BLUR_SIGMAS_PX, isSliderKind, SCALE_FACTORS, SLIDER_STEPS, sliderLabel, sliderPlotX, sliderSteps, sliderValue } from './degradation-slider.js';

describe('degradation slider', () => {
  it('has the same number of positions for both kinds, starting untouched and growing monotonically', () => {
    assert.equal(BLUR_SIGMAS_PX.length, SLIDER_STEPS);
    assert.equal(SCALE_FACTORS.length, SLIDER_STEPS);
    assert.deepEqual(sliderSteps('blur', 0), []);
    assert.deepEqual(sliderSteps('scale', 0), []);
    for (let p = 1; p < SLIDER_STEPS; p++) {
      assert.ok(sliderPlotX('blur', p) > sliderPlotX('blur', p - 1), `blur x grows at ${p}`);
      assert.ok(sliderPlotX('scale', p) > sliderPlotX('scale', p - 1), `scale x grows at ${p}`);
    }
  });

  it('contains the ladder’s blur and scale values, so slider and experiments speak of the same images', () => {
    for (const level of DEGRADATION_LADDER) {
      for (const step of level) {
        if (step.kind === 'blur') assert.ok(BLUR_SIGMAS_PX.includes(step.sigma), `blur σ ${step.sigma}`);
        if (step.kind === 'scale') assert.ok(SCALE_FACTORS.includes(step.factor), `scale ${step.factor}`);
      }
    }
  });

  it('turns a position into degradation steps and a label', () => {
    assert.deepEqual(sliderSteps('blur', 3), [{ kind: 'blur', sigma: 1.5 }]);
    assert.deepEqual(sliderSteps('scale', 3), [{ kind: 'scale', factor: 0.45 }]);
    assert.equal(sliderLabel('blur', 3), 'blur σ 1.5 px');
    assert.equal(sliderLabel('scale', 3), 'down-scale ×0.45');
    assert.equal(sliderLabel('scale', 0), 'none');
    assert.equal(sliderPlotX('scale', 2), 1 / 0.6);
  });

  it('refuses positions off the slider', () => {
    assertThrowsPfe(() => sliderValue('blur', SLIDER_STEPS), 'INVALID_ARGUMENT', /0\.\.8/);
    assertThrowsPfe(() => sliderValue('blur', -1), 'INVALID_ARGUMENT');
    assertThrowsPfe(() => sliderSteps('scale', 1.5), 'INVALID_ARGUMENT');
    assert.ok(isSliderKind('blur') && isSliderKind('scale') && !isSliderKind('jpeg'));
  });
});
