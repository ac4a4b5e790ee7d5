import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PfeError, withSource } from './errors.js';

describe('withSource', () => {
  it('puts the source in front of a PfeError, keeping its code and details', () => {
    assert.throws(
      () => withSource('a/b.npy', () => { throw new PfeError('INVALID_FORMAT', 'bad magic', { offset: 0 }); }),
      (e: unknown) => e instanceof PfeError && e.code === 'INVALID_FORMAT' && e.message === 'a/b.npy: bad magic' && e.details['offset'] === 0 && e.details['path'] === 'a/b.npy',
    );
  });
  it('returns the value and lets other errors through unchanged', () => {
    assert.equal(withSource('x', () => 42), 42);
    const plain = new RangeError('boom');
    assert.throws(() => withSource('x', () => { throw plain; }), (e: unknown) => e === plain);
  });
});
