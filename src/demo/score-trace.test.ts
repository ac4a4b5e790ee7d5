import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sliderPlotX } from './degradation-slider.js';
import { ScoreTrace, type TraceReferences } from './score-trace.js';

const refs: TraceReferences = { cosineThreshold: 0.31, mlsThreshold: -1650, targetFar: 1e-3, uncertaintyGate: 0.03 };

/** The d attribute of the path named `name` in an SVG string. */
function pathOf(svg: string, name: string): string {
  const m = new RegExp(`data-name="${name}" d="([^"]*)"`).exec(svg);
  assert.ok(m, `no path ${name}`);
  return m[1]!;
}

describe('ScoreTrace', () => {
  it('keeps one point per position, in slider order, replacing a revisited position', () => {
    const t = new ScoreTrace('blur');
    t.record(4, { cosine: 0.2, mls: -1800, uncertaintyA: 0.01, uncertaintyB: 0.02 });
    t.record(0, { cosine: 0.6, mls: -1500, uncertaintyA: 0.01, uncertaintyB: 0.01 });
    t.record(4, { cosine: 0.25, mls: -1790, uncertaintyA: 0.01, uncertaintyB: 0.021 });
    assert.equal(t.size, 2);
    assert.deepEqual(t.points().map((p) => [p.position, p.x, p.cosine]), [
      [0, 0, 0.6],
      [4, sliderPlotX('blur', 4), 0.25],
    ]);
  });

  it('records a failed position as a gap with its reason', () => {
    const t = new ScoreTrace('scale');
    t.record(0, { cosine: 0.6, mls: -1500, uncertaintyA: 0.01, uncertaintyB: 0.01 });
    t.recordFailure(8, 'No face was found');
    t.record(7, { cosine: 0.3, mls: -1700, uncertaintyA: 0.01, uncertaintyB: 0.03 });
    const p = t.points();
    assert.equal(p[2]!.failure, 'No face was found');
    assert.ok(Number.isNaN(p[2]!.mls));
    // two finite points on one line, the failed one leaves no vertex
    const svg = t.plots(refs).mls;
    assert.equal((svg.match(/class="marker"/g) ?? []).length, 2);
    assert.equal((pathOf(svg, 'MLS').match(/[ML]/g) ?? []).length, 2);
  });

  it('draws each score against its own acceptance threshold, and both images’ σ² with the gate', () => {
    const t = new ScoreTrace('blur');
    for (const [p, c] of [[0, 0.6], [2, 0.5], [5, 0.25]] as const) t.record(p, { cosine: c, mls: -1500 - 100 * p, uncertaintyA: 0.01, uncertaintyB: 0.01 + p / 100 });
    const plots = t.plots(refs);
    // the threshold line is flat, dashed, and spans the whole slider
    const threshold = pathOf(plots.cosine, 'at FAR 1e-3');
    const [, y1, y2] = /^M[\d.]+,([\d.]+) L[\d.]+,([\d.]+)$/.exec(threshold) ?? [];
    assert.ok(y1 !== undefined && y1 === y2, threshold);
    // the 0.25 point lies below the 0.31 threshold on screen (larger y), the 0.5 point above
    const ys = [...pathOf(plots.cosine, 'cosine').matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
    assert.equal(ys.length, 3);
    assert.ok(ys[1]! < Number(y1) && ys[2]! > Number(y1));
    assert.match(plots.mls, /data-name="MLS"/);
    for (const name of ['image B', 'image A', 'quality gate']) assert.match(plots.uncertainty, new RegExp(`data-name="${name}"`));
    // A and B each get one marker per point
    assert.equal((plots.uncertainty.match(/class="marker"/g) ?? []).length, 6);
    // without a gate there is no gate line
    const { uncertaintyGate: _gate, ...noGate } = refs;
    assert.doesNotMatch(t.plots(noGate).uncertainty, /quality gate/);
  });
});
