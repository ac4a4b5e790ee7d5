/** Dependency-free SVG plots (strings, no I/O) for ROC, EDC and score-versus-quality curves. */
export { linePlotSvg, escapeXml } from './line-plot.js';
export type { LinePlotSpec, PlotSeries, PlotBand, LegendCorner, LegendPosition } from './line-plot.js';
export { powerOfTenLabel } from './ticks.js';
export type { Tick } from './ticks.js';
