import { PfeError } from '../core/errors.js';
import { linearTicks, logTicks, niceLinearDomain } from './ticks.js';
import type { Tick } from './ticks.js';

/** A shaded band around a series, e.g. mean ± std over folds or seeds; same length as x. */
export interface PlotBand {
  readonly lower: ArrayLike<number>;
  readonly upper: ArrayLike<number>;
}

/** One named line. Points with a non-finite y (or band bound) leave a gap. */
export interface PlotSeries {
  /** Shown in the legend. */
  readonly name: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly band?: PlotBand;
  /** CSS colour: '#rgb', '#rrggbb' or a lowercase name; default from the Tableau 10 palette. */
  readonly color?: string;
  readonly dashed?: boolean;
  /** Draw a dot at every finite point too, so a lone point (no line through it) still shows. */
  readonly markers?: boolean;
}

/** A corner of the plot area for the legend box. */
export type LegendCorner = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left';

/**
 * Where the legend box sits inside the plot area: a corner, or 'best', the corner whose
 * box covers the fewest line points (as matplotlib's loc='best'), for data whose shape is
 * not known in advance.
 */
export type LegendPosition = LegendCorner | 'best';

/** Corners in the order 'best' prefers them on a tie. */
const LEGEND_CORNERS: readonly LegendCorner[] = ['top-right', 'top-left', 'bottom-right', 'bottom-left'];

/** Everything `linePlotSvg` draws. */
export interface LinePlotSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly PlotSeries[];
  /** 'log10' for FAR axes: every x must then be > 0. Default 'linear'. */
  readonly xScale?: 'linear' | 'log10';
  /** Fixed x range in data units (default: data range widened to nice ticks / whole decades). */
  readonly xDomain?: readonly [number, number];
  /** Fixed y range (default: data range, bands included, widened to nice ticks). */
  readonly yDomain?: readonly [number, number];
  /** Pixels; default 640 × 420. */
  readonly width?: number;
  readonly height?: number;
  readonly legend?: LegendPosition;
  /** Prefix for element ids (the clip path), so several plots can share one HTML page. Default 'plot'. */
  readonly idPrefix?: string;
}

/** Tableau 10, the default categorical palette of Tableau and matplotlib ('tab10'). */
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Target number of intervals on a linear axis; ~5 keeps labels readable at 640 px. */
const LINEAR_TICK_TARGET = 5;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 55 };
const LEGEND_ROW = 18;
/** Marker dot radius in px: visible beside a 2 px line without hiding neighbouring points. */
const MARKER_RADIUS = 3;

/** Escapes text for use in SVG element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Fixed two-decimal pixel coordinates: deterministic output, sub-pixel precision. */
function px(v: number): string {
  const s = v.toFixed(2);
  return s === '-0.00' ? '0.00' : s;
}

function checkColor(color: string, series: number): string {
  if (!/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$|^[a-z]+$/.test(color)) {
    throw new PfeError('INVALID_ARGUMENT', `series ${series}: colour '${color}' must be '#rgb', '#rrggbb' or a lowercase CSS name`, { series, color });
  }
  return color;
}

function checkSeries(spec: LinePlotSpec): void {
  if (spec.series.length === 0) throw new PfeError('EMPTY_INPUT', 'a plot needs at least one series');
  const logX = spec.xScale === 'log10';
  spec.series.forEach((s, k) => {
    if (s.x.length !== s.y.length) {
      throw new PfeError('DIMENSION_MISMATCH', `series ${k} ('${s.name}'): x has ${s.x.length} values but y has ${s.y.length}`, { series: k });
    }
    if (s.band && (s.band.lower.length !== s.x.length || s.band.upper.length !== s.x.length)) {
      throw new PfeError('DIMENSION_MISMATCH', `series ${k} ('${s.name}'): band bounds must have ${s.x.length} values like x`, { series: k });
    }
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i]!;
      if (!Number.isFinite(x)) throw new PfeError('NON_FINITE', `series ${k} ('${s.name}'): x[${i}] is ${x}`, { series: k, index: i });
      if (logX && !(x > 0)) {
        throw new PfeError('INVALID_ARGUMENT', `series ${k} ('${s.name}'): x[${i}] is ${x}, but a log10 x axis needs every x > 0 (drop FAR = 0 points first)`, { series: k, index: i, value: x });
      }
    }
  });
}

/** Range of the finite values of several arrays, or undefined when there are none. */
function finiteRange(arrays: readonly ArrayLike<number>[], transform: (v: number) => number): [number, number] | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = transform(a[i]!);
      if (Number.isFinite(v)) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
  }
  return min <= max ? [min, max] : undefined;
}

function checkDomain(domain: readonly [number, number], name: string, log: boolean): [number, number] {
  const [a, b] = domain;
  if (!Number.isFinite(a) || !Number.isFinite(b) || !(b > a) || (log && !(a > 0))) {
    throw new PfeError('INVALID_ARGUMENT', `${name} [${a}, ${b}] must be finite and increasing${log ? ', and > 0 on a log axis' : ''}`, { domain: [a, b] });
  }
  return log ? [Math.log10(a), Math.log10(b)] : [a, b];
}

/** Path data of the line through the finite points; a non-finite y starts a new sub-path. */
function linePath(xs: readonly number[], ys: readonly number[]): string {
  const parts: string[] = [];
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(ys[i]!)) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? 'L' : 'M'}${px(xs[i]!)},${px(ys[i]!)}`);
    pen = true;
  }
  return parts.join(' ');
}

/** Path data of the band: one closed polygon per run of points with both bounds finite. */
function bandPath(xs: readonly number[], lo: readonly number[], hi: readonly number[]): string {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i <= xs.length; i++) {
    const ok = i < xs.length && Number.isFinite(lo[i]!) && Number.isFinite(hi[i]!);
    if (ok) continue;
    if (i - start >= 2) {
      const pts: string[] = [];
      for (let j = start; j < i; j++) pts.push(`${px(xs[j]!)},${px(hi[j]!)}`);
      for (let j = i - 1; j >= start; j--) pts.push(`${px(xs[j]!)},${px(lo[j]!)}`);
      parts.push(`M${pts.join(' L')} Z`);
    }
    start = i + 1;
  }
  return parts.join(' ');
}

/**
 * The corner whose legend box covers the fewest points of the lines: their vertices and
 * the midpoints of their segments (a long segment through the box counts too).
 */
function emptiestCorner(
  boxAt: (corner: LegendCorner) => { lx: number; ly: number },
  width: number,
  height: number,
  series: readonly PlotSeries[],
  screenX: readonly number[][],
  sy: (v: number) => number,
): LegendCorner {
  const points: [number, number][] = [];
  series.forEach((s, k) => {
    const xs = screenX[k]!;
    for (let i = 0; i < xs.length; i++) {
      const y = s.y[i]!;
      if (!Number.isFinite(y)) continue;
      points.push([xs[i]!, sy(y)]);
      const nextY = s.y[i + 1];
      if (i + 1 < xs.length && nextY !== undefined && Number.isFinite(nextY)) points.push([(xs[i]! + xs[i + 1]!) / 2, (sy(y) + sy(nextY)) / 2]);
    }
  });
  let best: LegendCorner = LEGEND_CORNERS[0]!;
  let fewest = Infinity;
  for (const corner of LEGEND_CORNERS) {
    const { lx, ly } = boxAt(corner);
    const covered = points.filter(([x, y]) => x >= lx && x <= lx + width && y >= ly && y <= ly + height).length;
    if (covered < fewest) {
      fewest = covered;
      best = corner;
    }
  }
  return best;
}

/**
 * Renders a line plot as a standalone SVG document (a string; no I/O, no dependencies).
 * Output is deterministic: the same spec gives byte-identical SVG.
 * Series are drawn in order (palette colour k for series k unless given), each band under
 * its line at 20% opacity; data outside a fixed domain is clipped to the plot area.
 * @throws PfeError EMPTY_INPUT (no series), DIMENSION_MISMATCH, NON_FINITE (an x value),
 *   INVALID_ARGUMENT (x ≤ 0 on a log axis, bad domain, size or colour)
 */
export function linePlotSvg(spec: LinePlotSpec): string {
  checkSeries(spec);
  const width = spec.width ?? 640;
  const height = spec.height ?? 420;
  if (!Number.isFinite(width) || !Number.isFinite(height) || width < 200 || height < 150) {
    throw new PfeError('INVALID_ARGUMENT', `plot size ${width}×${height} is too small; at least 200×150 pixels leave room for the axes`, { width, height });
  }
  const idPrefix = spec.idPrefix ?? 'plot';
  if (!/^[A-Za-z][\w-]*$/.test(idPrefix)) throw new PfeError('INVALID_ARGUMENT', `idPrefix '${idPrefix}' must be a valid XML id start`);
  const logX = spec.xScale === 'log10';
  const tx = logX ? Math.log10 : (v: number): number => v;

  // Domains in "axis units" (log10 of x on a log axis).
  let xDomain: [number, number];
  let xTicks: Tick[];
  if (spec.xDomain) {
    xDomain = checkDomain(spec.xDomain, 'xDomain', logX);
    xTicks = logX ? logTicks(xDomain[0], xDomain[1]) : linearTicks(xDomain[0], xDomain[1], LINEAR_TICK_TARGET);
  } else {
    const r = finiteRange(spec.series.map((s) => s.x), tx) ?? [0, 1];
    if (logX) {
      xDomain = [Math.floor(r[0]), Math.ceil(r[1])];
      if (xDomain[0] === xDomain[1]) xDomain = [xDomain[0] - 1, xDomain[1] + 1];
      xTicks = logTicks(xDomain[0], xDomain[1]);
    } else {
      xDomain = niceLinearDomain(r[0], r[1], LINEAR_TICK_TARGET);
      xTicks = linearTicks(xDomain[0], xDomain[1], LINEAR_TICK_TARGET);
    }
  }
  let yDomain: [number, number];
  if (spec.yDomain) {
    yDomain = checkDomain(spec.yDomain, 'yDomain', false);
  } else {
    const ys: ArrayLike<number>[] = [];
    for (const s of spec.series) {
      ys.push(s.y);
      if (s.band) ys.push(s.band.lower, s.band.upper);
    }
    const r = finiteRange(ys, (v) => v) ?? [0, 1];
    yDomain = niceLinearDomain(r[0], r[1], LINEAR_TICK_TARGET);
  }
  const yTicks = linearTicks(yDomain[0], yDomain[1], LINEAR_TICK_TARGET);

  const left = MARGIN.left;
  const top = MARGIN.top;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const sx = (u: number): number => left + ((u - xDomain[0]) / (xDomain[1] - xDomain[0])) * plotW;
  const sy = (v: number): number => top + plotH - ((v - yDomain[0]) / (yDomain[1] - yDomain[0])) * plotH;
  const bottom = top + plotH;
  const right = left + plotW;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<title>${escapeXml(spec.title)}</title>`);
  out.push(`<defs><clipPath id="${idPrefix}-clip"><rect x="${px(left)}" y="${px(top)}" width="${px(plotW)}" height="${px(plotH)}"/></clipPath></defs>`);
  out.push(`<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text class="title" x="${px(width / 2)}" y="${px(top / 2 + 6)}" text-anchor="middle" font-size="15">${escapeXml(spec.title)}</text>`);

  out.push('<g class="grid" stroke="#e5e5e5" stroke-width="1">');
  for (const t of xTicks) out.push(`<line x1="${px(sx(t.value))}" y1="${px(top)}" x2="${px(sx(t.value))}" y2="${px(bottom)}"/>`);
  for (const t of yTicks) out.push(`<line x1="${px(left)}" y1="${px(sy(t.value))}" x2="${px(right)}" y2="${px(sy(t.value))}"/>`);
  out.push('</g>');

  out.push(`<g class="bands" clip-path="url(#${idPrefix}-clip)">`);
  const colors = spec.series.map((s, k) => checkColor(s.color ?? PALETTE[k % PALETTE.length]!, k));
  const screenX = spec.series.map((s) => Array.from(s.x, (v) => sx(tx(v))));
  spec.series.forEach((s, k) => {
    if (!s.band) return;
    const d = bandPath(screenX[k]!, Array.from(s.band.lower, sy), Array.from(s.band.upper, sy));
    if (d !== '') out.push(`<path class="band" data-series="${k}" d="${d}" fill="${colors[k]}" fill-opacity="0.2" stroke="none"/>`);
  });
  out.push('</g>');

  out.push(`<g class="lines" clip-path="url(#${idPrefix}-clip)" fill="none" stroke-width="2" stroke-linejoin="round">`);
  spec.series.forEach((s, k) => {
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<path class="series" data-series="${k}" data-name="${escapeXml(s.name)}" d="${linePath(screenX[k]!, Array.from(s.y, sy))}" stroke="${colors[k]}"${dash}/>`);
  });
  out.push('</g>');
  if (spec.series.some((s) => s.markers === true)) {
    out.push(`<g class="markers" clip-path="url(#${idPrefix}-clip)" stroke="none">`);
    spec.series.forEach((s, k) => {
      if (s.markers !== true) return;
      const xs = screenX[k]!;
      for (let i = 0; i < xs.length; i++) {
        const y = s.y[i]!;
        if (Number.isFinite(y)) out.push(`<circle class="marker" data-series="${k}" cx="${px(xs[i]!)}" cy="${px(sy(y))}" r="${MARKER_RADIUS}" fill="${colors[k]}"/>`);
      }
    });
    out.push('</g>');
  }

  out.push('<g class="axes" stroke="black" stroke-width="1">');
  out.push(`<line x1="${px(left)}" y1="${px(bottom)}" x2="${px(right)}" y2="${px(bottom)}"/>`);
  out.push(`<line x1="${px(left)}" y1="${px(top)}" x2="${px(left)}" y2="${px(bottom)}"/>`);
  for (const t of xTicks) out.push(`<line x1="${px(sx(t.value))}" y1="${px(bottom)}" x2="${px(sx(t.value))}" y2="${px(bottom + 5)}"/>`);
  for (const t of yTicks) out.push(`<line x1="${px(left - 5)}" y1="${px(sy(t.value))}" x2="${px(left)}" y2="${px(sy(t.value))}"/>`);
  out.push('</g>');
  out.push('<g class="tick-labels" fill="black">');
  for (const t of xTicks) out.push(`<text class="x-tick" x="${px(sx(t.value))}" y="${px(bottom + 18)}" text-anchor="middle">${escapeXml(t.label)}</text>`);
  for (const t of yTicks) out.push(`<text class="y-tick" x="${px(left - 8)}" y="${px(sy(t.value) + 4)}" text-anchor="end">${escapeXml(t.label)}</text>`);
  out.push('</g>');
  out.push(`<text class="x-label" x="${px(left + plotW / 2)}" y="${px(height - 12)}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  out.push(`<text class="y-label" x="${px(16)}" y="${px(top + plotH / 2)}" text-anchor="middle" transform="rotate(-90 ${px(16)} ${px(top + plotH / 2)})">${escapeXml(spec.yLabel)}</text>`);

  // Legend: width from the longest name at ~7 px per character of 12 px sans-serif.
  const longest = Math.max(...spec.series.map((s) => s.name.length));
  const legendW = 40 + longest * 7;
  const legendH = 8 + spec.series.length * LEGEND_ROW;
  const boxAt = (corner: LegendCorner): { lx: number; ly: number } => ({
    lx: corner.endsWith('right') ? right - legendW - 8 : left + 8,
    ly: corner.startsWith('top') ? top + 8 : bottom - legendH - 8,
  });
  const corner = spec.legend === 'best' ? emptiestCorner(boxAt, legendW, legendH, spec.series, screenX, sy) : (spec.legend ?? 'top-right');
  const { lx, ly } = boxAt(corner);
  out.push(`<g class="legend"><rect x="${px(lx)}" y="${px(ly)}" width="${px(legendW)}" height="${px(legendH)}" fill="white" fill-opacity="0.85" stroke="#999999"/>`);
  spec.series.forEach((s, k) => {
    const rowY = ly + 4 + LEGEND_ROW * k + LEGEND_ROW / 2;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(
      `<g class="legend-entry"><line x1="${px(lx + 6)}" y1="${px(rowY)}" x2="${px(lx + 30)}" y2="${px(rowY)}" stroke="${colors[k]}" stroke-width="2"${dash}/>` +
        `<text x="${px(lx + 36)}" y="${px(rowY + 4)}">${escapeXml(s.name)}</text></g>`,
    );
  });
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n') + '\n';
}
