import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError } from '../../core/errors.js';
import { ladderSteps } from './ladder.js';
import { parseDegradeSpec } from './spec.js';

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
