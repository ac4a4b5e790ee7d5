import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPfeError } from '../core/errors.js';
import type { PfeErrorCode } from '../core/errors.js';
import { escapeXml, linePlotSvg } from './line-plot.js';
import type { LinePlotSpec } from './line-plot.js';
import { linearTicks, logTicks, niceStep, powerOfTenLabel } from './ticks.js';

interface Element {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: Element[];
  text: string;
}

/**
 * A minimal XML parser for the subset the plot writer emits (elements, attributes in double
 * quotes, text, the five predefined entities). Throws on anything malformed: unbalanced or
 * crossed tags, a bare '&' or '<' in text, duplicate attributes, content after the root.
 */
function parseXml(xml: string): Element {
  const root: Element = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: Element[] = [root];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = token.exec(xml)) !== null) {
    consumed = token.lastIndex;
    const [, closing, name, attrs, selfClosing, text] = m;
    const top = stack[stack.length - 1]!;
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|#39);)/.test(text)) throw new Error(`bare '&' in text: ${text}`);
      if (top === root && text.trim() !== '') throw new Error('text outside the root element');
      top.text += text;
      continue;
    }
    if (closing) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const a of (attrs ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) {
      if (a[1]! in attributes) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
      if (/&(?!(amp|lt|gt|quot|#39);)/.test(a[2]!)) throw new Error(`bare '&' in attribute ${a[1]}`);
      attributes[a[1]!] = a[2]!;
    }
    const el: Element = { name: name!, attributes, children: [], text: '' };
    if (top === root && root.children.length > 0) throw new Error('second root element');
    top.children.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (consumed !== xml.length) throw new Error(`unparsable content at offset ${consumed}: ${xml.slice(consumed, consumed + 40)}`);
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1) throw new Error('no root element');
  return root.children[0]!;
}

function findAll(el: Element, pred: (e: Element) => boolean, out: Element[] = []): Element[] {
  if (pred(el)) out.push(el);
  for (const c of el.children) findAll(c, pred, out);
  return out;
}

const hasClass = (cls: string) => (e: Element): boolean => (e.attributes['class'] ?? '').split(' ').includes(cls);

function throwsCode(fn: () => unknown, code: PfeErrorCode, part?: RegExp): void {
  assert.throws(fn, (e: unknown) => isPfeError(e, code) && (part === undefined || part.test(e.message)));
}

const rocSpec: LinePlotSpec = {
  title: 'ROC <LFW> & friends',
  xLabel: 'FAR',
  yLabel: 'TAR',
  xScale: 'log10',
  series: [
    { name: 'cosine', x: [1e-4, 1e-3, 1e-2, 1e-1, 1], y: [0.5, 0.7, 0.85, 0.95, 1] },
    { name: 'MLS "full"', x: [1e-4, 1e-3, 1e-2, 1e-1, 1], y: [0.6, 0.8, 0.9, 0.97, 1], dashed: true },
    {
      name: 'MLS mean ± std',
      x: [1e-3, 1e-2, 1e-1],
      y: [0.75, 0.88, 0.96],
      band: { lower: [0.7, 0.85, 0.94], upper: [0.8, 0.91, 0.98] },
    },
  ],
};

describe('linePlotSvg', () => {
  it('produces well-formed SVG with one path and one legend entry per series', () => {
    const svg = linePlotSvg(rocSpec);
    const root = parseXml(svg);
    assert.equal(root.name, 'svg');
    assert.equal(root.attributes['xmlns'], 'http://www.w3.org/2000/svg');
    assert.equal(root.attributes['viewBox'], '0 0 640 420');
    const lines = findAll(root, hasClass('series'));
    assert.equal(lines.length, 3);
    assert.deepEqual(lines.map((l) => l.attributes['data-name']), ['cosine', 'MLS &quot;full&quot;', 'MLS mean ± std']);
    assert.equal(findAll(root, hasClass('legend-entry')).length, 3);
    assert.equal(findAll(root, hasClass('band')).length, 1);
    assert.equal(findAll(root, (e) => e.name === 'title')[0]!.text, escapeXml('ROC <LFW> & friends'));
    assert.equal(lines[1]!.attributes['stroke-dasharray'], '6 4');
    // every series gets a distinct palette colour
    assert.equal(new Set(lines.map((l) => l.attributes['stroke'])).size, 3);
  });

  it('labels a log10 axis at powers of ten and maps decades to equal widths', () => {
    const root = parseXml(linePlotSvg(rocSpec));
    const xTicks = findAll(root, hasClass('x-tick'));
    assert.deepEqual(xTicks.map((t) => t.text), ['10⁻⁴', '10⁻³', '10⁻²', '10⁻¹', '10⁰']);
    const xs = xTicks.map((t) => Number(t.attributes['x']));
    assert.equal(xs[0], 70); // left margin
    assert.equal(xs[4], 620); // width − right margin
    for (let i = 1; i < xs.length; i++) assert.ok(Math.abs(xs[i]! - xs[i - 1]! - 137.5) < 0.011, 'equal decade spacing');
    // the first point of 'cosine' (FAR 1e-4) sits on the left edge
    const d = findAll(root, hasClass('series'))[0]!.attributes['d']!;
    assert.match(d, /^M70\.00,/);
  });

  it('is deterministic', () => {
    assert.equal(linePlotSvg(rocSpec), linePlotSvg(rocSpec));
  });

  it('rejects non-positive x on a log axis', () => {
    const bad = (x0: number): LinePlotSpec => ({ ...rocSpec, series: [{ name: 'roc', x: [x0, 0.1], y: [0, 1] }] });
    throwsCode(() => linePlotSvg(bad(0)), 'INVALID_ARGUMENT', /log10/);
    throwsCode(() => linePlotSvg(bad(-0.1)), 'INVALID_ARGUMENT', /x\[0\]/);
    throwsCode(() => linePlotSvg({ ...rocSpec, xDomain: [0, 1] }), 'INVALID_ARGUMENT');
    // the same data is fine on a linear axis
    assert.doesNotThrow(() => linePlotSvg({ ...bad(0), xScale: 'linear' }));
  });

  it('leaves a gap at non-finite y (e.g. NaN FNMR in an EDC)', () => {
    const svg = linePlotSvg({ title: 'EDC', xLabel: 'discarded', yLabel: 'FNMR', series: [{ name: 'fixed', x: [0, 0.1, 0.2, 0.3, 0.4], y: [0.3, 0.2, NaN, 0.1, 0.05] }] });
    const d = findAll(parseXml(svg), hasClass('series'))[0]!.attributes['d']!;
    assert.equal((d.match(/M/g) ?? []).length, 2);
    assert.equal((d.match(/L/g) ?? []).length, 2);
  });

  it('draws a marker at each finite point of a series that asks for them, and only there', () => {
    const spec: LinePlotSpec = {
      title: 'trace',
      xLabel: 'blur',
      yLabel: 'score',
      series: [
        { name: 'with markers', x: [0, 1, 2, 3], y: [0.9, NaN, 0.5, 0.4], markers: true },
        { name: 'plain', x: [0, 1, 2, 3], y: [0.8, 0.7, 0.6, 0.5] },
      ],
    };
    const root = parseXml(linePlotSvg(spec));
    const markers = findAll(root, hasClass('marker'));
    assert.equal(markers.length, 3);
    assert.ok(markers.every((m) => m.attributes['data-series'] === '0'));
    // a marker sits exactly on its line's vertex
    const d = findAll(root, hasClass('series'))[0]!.attributes['d']!;
    assert.ok(d.startsWith(`M${markers[0]!.attributes['cx']},${markers[0]!.attributes['cy']}`));
    // a lone point still shows as a dot, and a plot without markers has no marker group
    const lone = parseXml(linePlotSvg({ ...spec, series: [{ name: 'one', x: [2], y: [0.5], markers: true }] }));
    assert.equal(findAll(lone, hasClass('marker')).length, 1);
    assert.equal(findAll(parseXml(linePlotSvg(rocSpec)), hasClass('markers')).length, 0);
  });

  it("puts a 'best' legend in the corner the lines leave free", () => {
    const legendBox = (spec: LinePlotSpec): { x: number; y: number } => {
      const rect = findAll(parseXml(linePlotSvg(spec)), hasClass('legend'))[0]!.children[0]!;
      return { x: Number(rect.attributes['x']), y: Number(rect.attributes['y']) };
    };
    const base = { title: 't', xLabel: 'x', yLabel: 'y', legend: 'best' as const, xDomain: [0, 10] as const, yDomain: [0, 10] as const };
    // A line falling from the top-left to the bottom-right leaves the top-right and bottom-left free: top-right wins the tie.
    const falling = legendBox({ ...base, series: [{ name: 'falling', x: [0, 5, 10], y: [10, 5, 0] }] });
    const fixedTopRight = legendBox({ ...base, legend: 'top-right', series: [{ name: 'falling', x: [0, 5, 10], y: [10, 5, 0] }] });
    assert.deepEqual(falling, fixedTopRight);
    // A line along the top edge pushes it to the bottom; one hugging the top-right corner to the top-left.
    const alongTop = legendBox({ ...base, series: [{ name: 'top', x: [0, 2, 4, 6, 8, 10], y: [9.5, 9.5, 9.5, 9.5, 9.5, 9.5] }] });
    assert.ok(alongTop.y > 200, `legend at y ${alongTop.y}`);
    const rising = legendBox({ ...base, series: [{ name: 'rising', x: [0, 5, 8, 10], y: [0, 5, 9, 10] }, { name: 'high', x: [6, 10], y: [9, 9] }] });
    assert.ok(rising.x < 200 && rising.y < 200, `legend at ${rising.x},${rising.y}`);
  });

  it('puts linear ticks on nice numbers covering the data', () => {
    const root = parseXml(linePlotSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', x: [0, 0.3], y: [0.12, 0.87] }] }));
    assert.deepEqual(findAll(root, hasClass('y-tick')).map((t) => t.text), ['0', '0.2', '0.4', '0.6', '0.8', '1']);
    assert.deepEqual(findAll(root, hasClass('x-tick')).map((t) => t.text), ['0', '0.05', '0.1', '0.15', '0.2', '0.25', '0.3']);
    // y data 0.12..0.87: first widening (step 0.1) gives 0.1..0.9, whose ticks step by 0.2, so it
    // widens again to 0..1; the outermost ticks sit on the axis ends
    const yTicks = findAll(root, hasClass('y-tick')).map((t) => Number(t.attributes['y']) - 4);
    assert.equal(yTicks[0], 365); // bottom = height 420 − bottom margin 55
    assert.equal(yTicks[yTicks.length - 1], 40); // top margin
  });

  it('validates the spec', () => {
    throwsCode(() => linePlotSvg({ ...rocSpec, series: [] }), 'EMPTY_INPUT');
    throwsCode(() => linePlotSvg({ ...rocSpec, series: [{ name: 'a', x: [1, 2], y: [1] }] }), 'DIMENSION_MISMATCH');
    throwsCode(() => linePlotSvg({ ...rocSpec, xScale: 'linear', series: [{ name: 'a', x: [1, NaN], y: [1, 2] }] }), 'NON_FINITE');
    throwsCode(() => linePlotSvg({ ...rocSpec, series: [{ name: 'a', x: [1], y: [1], color: 'red"/><script' }] }), 'INVALID_ARGUMENT', /colour/);
    throwsCode(() => linePlotSvg({ ...rocSpec, series: [{ name: 'a', x: [1, 2], y: [1, 2], band: { lower: [0], upper: [2, 3] } }] }), 'DIMENSION_MISMATCH');
  });
});

describe('ticks', () => {
  it('chooses 1-2-5 steps', () => {
    assert.equal(niceStep(1, 5), 0.2);
    assert.equal(niceStep(0.3, 5), 0.05);
    assert.equal(niceStep(70, 5), 10);
    assert.equal(niceStep(30, 5), 5); // raw 6 → 5
    assert.equal(niceStep(35, 5), 10); // raw 7 → 10 (Heckbert's cut-off)
  });
  it('formats ticks without float noise', () => {
    assert.deepEqual(linearTicks(0, 0.3, 3).map((t) => t.label), ['0', '0.1', '0.2', '0.3']);
  });
  it('labels log ticks with superscripts and falls back to the ends inside one decade', () => {
    assert.equal(powerOfTenLabel(-12), '10⁻¹²');
    assert.deepEqual(logTicks(-2, 0).map((t) => t.label), ['10⁻²', '10⁻¹', '10⁰']);
    assert.deepEqual(logTicks(Math.log10(0.2), Math.log10(0.5)).map((t) => t.label), ['0.2', '0.5']);
  });
});
