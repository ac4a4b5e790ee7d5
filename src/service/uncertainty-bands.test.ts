import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PfeError } from '../core/errors.js';
import { bandOf, bandTables, equalCountEdges, loadUncertaintyBands, pairUncertainty } from './uncertainty-bands.js';

describe('uncertainty bands', () => {
  it('bandOf: band k holds edges[k−1] ≤ u < edges[k]', () => {
    const edges = [1, 2, 4];
    assert.deepEqual([0.5, 1, 1.5, 2, 3.9, 4, 100].map((u) => bandOf(edges, u)), [0, 1, 1, 2, 2, 3, 3]);
    assert.equal(bandOf([], 7), 0);
  });

  it('equalCountEdges splits at the k/K quantiles and refuses ties it cannot split', () => {
    const u = Float64Array.from({ length: 100 }, (_, i) => 99 - i);
    assert.deepEqual(equalCountEdges(u, 4), [25, 50, 75]);
    assert.deepEqual(equalCountEdges(u, 1), []);
    assert.throws(() => equalCountEdges(new Float64Array(10).fill(1), 2), (e: unknown) => e instanceof PfeError && /ties/.test(e.message));
    assert.throws(() => equalCountEdges(u, 0), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_ARGUMENT');
  });

  it("bandTables sorts each band's scores into its own table, and loads back checked", () => {
    const scores = Float64Array.of(0.1, 0.9, 0.2, 0.8, 0.3, 0.7);
    const pairU = Float64Array.of(1, 5, 1, 5, 1, 5);
    const tables = bandTables('cosine', scores, pairU, [3], 10);
    assert.deepEqual(tables.map((t) => t.scores), [[0.1, 0.2, 0.3], [0.7, 0.8, 0.9]]);
    const loaded = loadUncertaintyBands({ edges: [3], cosine: tables }, false);
    assert.equal(loaded.cosine[1]!.far(0.8).far, 2 / 3);
    assert.throws(() => loadUncertaintyBands({ edges: [3, 2], cosine: tables }, false), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_FORMAT');
    assert.throws(() => loadUncertaintyBands({ edges: [], cosine: tables }, false), /2 tables for 1 bands/);
    assert.throws(() => loadUncertaintyBands({ edges: [3], cosine: tables }, true), /no MLS bands/);
    assert.throws(() => bandTables('cosine', scores, pairU, [0.5], 10), (e: unknown) => e instanceof PfeError && e.code === 'EMPTY_INPUT');
  });

  it('pairUncertainty adds the two uncertainties and refuses non-positive or NaN ones', () => {
    assert.equal(pairUncertainty(1e-3, 2e-3), 3e-3);
    for (const [a, b] of [[0, 1], [1, Number.NaN], [-1, 1], [1, Number.POSITIVE_INFINITY]] as const) {
      assert.throws(() => pairUncertainty(a, b), (e: unknown) => e instanceof PfeError && e.code === 'NON_FINITE');
    }
  });
});
