import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mergeTopK, TopK } from './top-k.js';

/** The first k of a full sort by (score descending, row ascending): what TopK must equal. */
function bySort(values: readonly number[], k: number) {
  return values
    .map((score, row) => ({ row, score }))
    .sort((x, y) => y.score - x.score || x.row - y.row)
    .slice(0, k);
}

describe('TopK', () => {
  it('equals the first k of a full sort, ties broken by the lower row', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 300 }), fc.integer({ min: 0, max: 20 }), (values, k) => {
        const top = new TopK(k);
        top.offerAll(values, 0);
        assert.deepEqual(top.sorted(), bySort(values, k));
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it('merges per-part selections into the selection of the whole', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const parts = [0, 333, 700, 1000].slice(0, -1).map((from, p, starts) => {
      const to = [333, 700, 1000][p]!;
      const top = new TopK(10);
      top.offerAll(values.slice(from, to), from);
      return starts && top.sorted();
    });
    assert.deepEqual(mergeTopK(parts, 10), bySort(values, 10));
  });
});
