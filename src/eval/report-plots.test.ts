import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { methodsMarkdownTable, rocPlotSvg } from './verification-report.js';
import { dilemmaAucPlotSvg, dilemmaMarkdown, dilemmaPlotSvg, type DilemmaPoint } from './run-dilemma.js';
import { edcPlotSvg, riskMarkdown } from './run-risk.js';
import { evaluateMethod, type IndexedPairs } from './pair-verification.js';
import type { RiskCurve } from './risk-control.js';

/** Counts of an SVG element, to check that every series was drawn. */
const count = (svg: string, re: RegExp): number => (svg.match(re) ?? []).length;

describe('report tables and plots', () => {
  const pairs: IndexedPairs = { imageCount: 8, a: new Int32Array([0, 2, 4, 6]), b: new Int32Array([1, 3, 5, 7]), labels: new Uint8Array([1, 1, 0, 0]), folds: { index: new Int32Array([0, 1, 0, 1]), count: 2 } };
  const m1 = evaluateMethod(pairs, 'cosine', '', () => new Float64Array([0.9, 0.8, 0.1, 0.2]), [0.5]);
  const m2 = evaluateMethod(pairs, 'MLS', '', () => new Float64Array([0.9, 0.1, 0.8, 0.2]), [0.5]);

  it('ROC plot: one path per method, legend names, log FAR axis', () => {
    const svg = rocPlotSvg('toy ROC', [m1, m2]);
    assert.match(svg, /^<svg[\s\S]*<\/svg>\s*$/);
    assert.match(svg, />cosine</);
    assert.match(svg, />MLS</);
    assert.ok(count(svg, /<path /g) >= 2);
  });

  it('Markdown table holds accuracy and TAR of every method', () => {
    const md = methodsMarkdownTable([m1, m2], [0.5]);
    const lines = md.split('\n');
    assert.equal(lines.length, 4);
    // The reference threshold rule puts each fold's threshold on a genuine score of the other
    // fold (0.8, then 0.9): fold 0 is 100% right, fold 1 misses its genuine 0.8 → 75 ± 25.
    assert.match(lines[2]!, /^\| cosine \| 75\.00 ± 25\.00 \| 100\.00 \| 1\.0000 \|$/);
    assert.match(lines[3]!, /^\| MLS \| /);
  });

  it('dilemma plots: genuine and impostor bands per method; AUC plot with the chance line', () => {
    const point = (level: number, method: string, g: number, i: number): DilemmaPoint => ({
      level,
      method,
      distribution: { genuine: { mean: g, std: 0.1, count: 10 }, impostor: { mean: i, std: 0.05, count: 10 } },
      auc: g > i ? 0.9 : 0.3,
      tarAtFar: [{ far: 0.001, tar: 0.5 }],
      accuracy: null,
    });
    const points = [point(0, 'cosine', 0.7, 0.3), point(5, 'cosine', 0.3, 0.5), point(0, 'MLS', -1, -3), point(5, 'MLS', -2, -4)];
    const svg = dilemmaPlotSvg('cosine', points, 'd');
    assert.match(svg, /genuine: clean vs degraded/);
    assert.match(svg, /impostor: degraded vs degraded/);
    assert.ok(count(svg, /fill-opacity/g) >= 2, 'two shaded bands');
    const auc = dilemmaAucPlotSvg(points);
    assert.match(auc, /chance/);
    assert.match(dilemmaMarkdown(points), /\| 5 \| cosine \| 0\.300 ± 0\.100 \| 0\.500 ± 0\.050 \| 0\.3000 \| 50\.00 \| n\/a \|/);
  });

  it('EDC plot and risk table', () => {
    const curve = (quality: string, fnmr: number[]): RiskCurve => ({ matcher: 'MLS', quality, discardFractions: [0, 0.1, 0.2, 0.3], fnmr, pAucNormalised: 0.1, filtering: [{ fraction: 0, tar: 0.5 }] });
    const curves = [curve('PFE uncertainty', [0.3, 0.2, 0.1, 0.05]), curve('random', [0.3, 0.3, 0.3, 0.3])];
    const svg = edcPlotSvg('MLS', curves, 0.001, 'e');
    assert.match(svg, /PFE uncertainty/);
    assert.match(svg, /stroke-dasharray/);
    const md = riskMarkdown(curves, { far: 0.001, pAucLimit: 0.3, gridPoints: 4, filterFractions: [0] });
    assert.match(md, /\| MLS \| random \| 0\.1000 \| 50\.00 \|/);
  });
});
