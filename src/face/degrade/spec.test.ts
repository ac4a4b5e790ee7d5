import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from '../../core/errors.js';
import { ladderSteps } from './ladder.js';
import { formatDegradeStep, parseDegradeSpec } from './spec.js';

describe('parseDegradeSpec', () => {
  it('parses single and combined steps in order', () => {
    assert.deepEqual(parseDegradeSpec('blur:2'), [{ kind: 'blur', sigma: 2 }]);
    assert.deepEqual(parseDegradeSpec('scale:0.25 + noise:10+jpeg:20'), [
      { kind: 'scale', factor: 0.25 },
      { kind: 'noise', std: 10 },
      { kind: 'jpeg', quality: 20 },
    ]);
    assert.deepEqual(parseDegradeSpec('blur:.5'), [{ kind: 'blur', sigma: 0.5 }]);
  });

  it('expands level:K into the ladder steps, combinable with others', () => {
    assert.deepEqual(parseDegradeSpec('level:3'), ladderSteps(3));
    assert.deepEqual(parseDegradeSpec('level:0'), []);
    assert.deepEqual(parseDegradeSpec('level:2+jpeg:10'), [...ladderSteps(2), { kind: 'jpeg', quality: 10 }]);
  });

  it('names the bad step in its errors', () => {
    const bad = (spec: string, message: RegExp): void => {
      assert.throws(
        () => parseDegradeSpec(spec),
        (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT' && message.test(e.message),
        spec,
      );
    };
    bad('', /empty/);
    bad('blur', /step 1 \('blur'\): expected name:value/);
    bad('blur:2+sharpen:1', /step 2 \('sharpen:1'\): unknown step 'sharpen'/);
    bad('blur:-1', /not a plain non-negative decimal/);
    bad('blur:', /not a plain non-negative decimal/);
    bad('noise:0x10', /not a plain non-negative decimal/);
    bad('blur:2++jpeg:3', /step 2 \(''\)/);
    bad('scale:0', /scale factor must be in \(0, 1\]/);
    bad('scale:2', /scale factor/);
    bad('noise:300', /0\.\.255/);
    bad('jpeg:0', /integer in 1\.\.100/);
    bad('jpeg:50.5', /integer in 1\.\.100/);
    bad('level:9', /level must be an integer in 0\.\.5/);
    bad('level:1.5', /level must be an integer/);
    bad('blur:500', /blur sigma must be in 0\.\.100/);
  });
});

describe('the degradations beyond the ladder', () => {
  it('parse with their units and bounds, and formatDegradeStep writes them back', () => {
    const spec = 'motion:9+lowlight:0.02+sunglasses:1+mask:0.7+hand:1.3';
    const steps = parseDegradeSpec(spec);
    assert.deepEqual(steps, [
      { kind: 'motion', length: 9 },
      { kind: 'lowlight', light: 0.02 },
      { kind: 'sunglasses', opacity: 1 },
      { kind: 'mask', opacity: 0.7 },
      { kind: 'hand', size: 1.3 },
    ]);
    assert.equal(steps.map(formatDegradeStep).join('+'), spec);
    assert.equal(parseDegradeSpec('level:4').map(formatDegradeStep).join('+'), 'blur:2+scale:0.3+noise:8+jpeg:30');
    for (const [badSpec, message] of [
      ['motion:101', /motion length/],
      ['lowlight:0', /light fraction/],
      ['lowlight:1.5', /light fraction/],
      ['sunglasses:0', /sunglasses opacity/],
      ['mask:2', /mask opacity/],
      ['hand:4', /hand size/],
    ] as const) {
      assert.throws(() => parseDegradeSpec(badSpec), (e: unknown) => e instanceof PfeError && message.test(e.message), badSpec);
    }
  });
});
