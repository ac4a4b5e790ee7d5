import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gaussianBatch } from '../core/embedding.js';
import { PfeError } from '../core/errors.js';
import { bandOf, cellEdges, cellOf, cellTables, equalCountEdges, impostorBandTables, loadUncertaintyBands } from './uncertainty-bands.js';

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

  it('cells: the smaller uncertainty picks the band, the larger one the cell within it, in either order', () => {
    const bands = { edges: [1], innerEdges: [[0.5], [3]] };
    assert.equal(cellOf(bands, [0.2, 0.3]), 0);
    assert.equal(cellOf(bands, [0.7, 0.2]), 1);
    assert.equal(cellOf(bands, [2, 5]), 3);
    assert.equal(cellOf(bands, [5, 2]), 3);
    assert.equal(cellOf(bands, [1.5, 2]), 2);
    assert.throws(() => cellOf(bands, [0, 1]), (e: unknown) => e instanceof PfeError && e.code === 'NON_FINITE');
    // Equal-count edges: 4 pairs per outer band, split in two within.
    const uMin = Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const uMax = Float64Array.of(10, 20, 30, 40, 50, 60, 70, 80);
    assert.deepEqual(cellEdges(uMin, uMax, 2, 2), { edges: [5], innerEdges: [[30], [70]] });
  });

  it("cellTables sorts each cell's scores into its own table, and loadUncertaintyBands checks them", () => {
    const scores = Float64Array.of(0.1, 0.9, 0.2, 0.8, 0.3, 0.7);
    const cells = Int32Array.of(0, 1, 0, 1, 0, 1);
    const tables = cellTables('cosine', scores, cells, 2, 10);
    assert.deepEqual(tables.map((t) => t.scores), [[0.1, 0.2, 0.3], [0.7, 0.8, 0.9]]);
    const loaded = loadUncertaintyBands({ edges: [3], innerEdges: [[], []], cosine: tables }, false);
    assert.equal(loaded.cosine[1]!.far(0.8).far, 2 / 3);
    const bad = (t: Parameters<typeof loadUncertaintyBands>[0], hasMls: boolean, message: RegExp): void => {
      assert.throws(() => loadUncertaintyBands(t, hasMls), (e: unknown) => e instanceof PfeError && e.code === 'INVALID_FORMAT' && message.test(e.message));
    };
    bad({ edges: [3, 2], innerEdges: [[], [], []], cosine: tables }, false, /edges\[1\]/);
    bad({ edges: [], innerEdges: [[]], cosine: tables }, false, /1 tables/);
    bad({ edges: [3], innerEdges: [[]], cosine: tables }, false, /one list per band/);
    bad({ edges: [3], innerEdges: [[], []], cosine: tables }, true, /no MLS bands/);
    assert.throws(() => cellTables('cosine', scores, cells, 3, 10), (e: unknown) => e instanceof PfeError && e.code === 'EMPTY_INPUT');
  });

  it('impostorBandTables gives every cell its share of the pairs, and a cell of alike-looking uncertain pairs a higher threshold', () => {
    // 40 images: every fourth row certain (σ² 0.01) and spread apart, the others uncertain (σ² 0.1) and all close to one direction.
    const n = 40;
    const dim = 3;
    const mu = new Float32Array(n * dim);
    const sigmaSq = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const angle = (2 * Math.PI * i) / n;
      const v = i % 4 === 0 ? [Math.cos(angle), Math.sin(angle), 0] : [0.2 * Math.cos(angle), 0.2 * Math.sin(angle), 1];
      const norm = Math.hypot(...v);
      for (let l = 0; l < dim; l++) {
        mu[i * dim + l] = v[l]! / norm;
        sigmaSq[i * dim + l] = i % 4 === 0 ? 0.01 : 0.1;
      }
    }
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) (a.push(i), b.push(j));
    const t = impostorBandTables(gaussianBatch(mu, sigmaSq, dim), Uint32Array.from(a), Uint32Array.from(b), 2, 1, 100);
    assert.equal(t.cosine.length, 2);
    const loaded = loadUncertaintyBands(t, true);
    // Cell 0 holds pairs with a certain photo, cell 1 pairs of two uncertain ones.
    assert.ok(loaded.cosine[1]!.threshold(0.1) > loaded.cosine[0]!.threshold(0.1));
  });
});
