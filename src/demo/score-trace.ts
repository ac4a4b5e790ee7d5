/**
 * The demo page's trace: cosine, MLS and both images' uncertainty at each slider position
 * visited (by hand or by a sweep), and their plots. Pure (no DOM): the page sets the SVG
 * strings as the plots' markup, the end-to-end test reads the points.
 */
import { linePlotSvg, type PlotSeries } from '../plot/line-plot.js';
import { SLIDER_STEPS, type SliderKind, sliderAxisLabel, sliderPlotX } from './degradation-slider.js';

/** The scores of one slider position; NaN scores when an image could not be embedded there. */
export interface TracePoint {
  /** Slider position, 0 .. SLIDER_STEPS−1. */
  readonly position: number;
  /** Plot x (sliderPlotX). */
  readonly x: number;
  /** Cosine of the centred means. */
  readonly cosine: number;
  /** MLS, nats (paper form). */
  readonly mls: number;
  /** Harmonic-mean σ² of image A (lower = more confident); A changes too when both images are degraded. */
  readonly uncertaintyA: number;
  /** Harmonic-mean σ² of image B. */
  readonly uncertaintyB: number;
  /** Why the pair could not be embedded at this position (then the scores are NaN). */
  readonly failure?: string;
}

/** The scores a comparison gives at one position. */
export interface TraceScores {
  readonly cosine: number;
  readonly mls: number;
  readonly uncertaintyA: number;
  readonly uncertaintyB: number;
}

/** Horizontal reference lines of the plots. */
export interface TraceReferences {
  /** Lowest cosine accepted at the target FAR. */
  readonly cosineThreshold: number;
  /** Lowest MLS accepted at the target FAR. */
  readonly mlsThreshold: number;
  /** The target FAR, for the legend. */
  readonly targetFar: number;
  /** The service's quality gate: faces less confident than this are refused (optional). */
  readonly uncertaintyGate?: number;
}

/** The three plots, standalone SVG documents. */
export interface TracePlots {
  readonly cosine: string;
  readonly mls: string;
  readonly uncertainty: string;
}

/** Plot size in px: three side by side fit the demo page's 66rem (1056 px) width. */
const PLOT_WIDTH = 340;
const PLOT_HEIGHT = 240;

/** Points recorded for one slider kind and one pair of source images. */
export class ScoreTrace {
  readonly kind: SliderKind;
  private readonly byPosition = new Map<number, TracePoint>();

  constructor(kind: SliderKind) {
    this.kind = kind;
  }

  /** Records (or replaces) the scores at `position`. */
  record(position: number, scores: TraceScores): void {
    this.byPosition.set(position, { position, x: sliderPlotX(this.kind, position), ...scores });
  }

  /** Records that the pair could not be embedded at `position`. */
  recordFailure(position: number, failure: string): void {
    this.byPosition.set(position, { position, x: sliderPlotX(this.kind, position), cosine: NaN, mls: NaN, uncertaintyA: NaN, uncertaintyB: NaN, failure });
  }

  /** The points, by slider position. */
  points(): TracePoint[] {
    return [...this.byPosition.values()].sort((p, q) => p.position - q.position);
  }

  /** Number of positions recorded. */
  get size(): number {
    return this.byPosition.size;
  }

  /**
   * The plots: each score with the threshold that accepts at the target FAR (a pair is
   * called the same person where its line is above the dashed one), and both images' σ².
   * @throws PfeError EMPTY_INPUT when nothing has been recorded
   */
  plots(refs: TraceReferences): TracePlots {
    const points = this.points();
    const x = points.map((p) => p.x);
    const xDomain = [sliderPlotX(this.kind, 0), sliderPlotX(this.kind, SLIDER_STEPS - 1)] as const;
    const across = (name: string, value: number, color: string): PlotSeries => ({ name, x: [...xDomain], y: [value, value], dashed: true, color });
    const xLabel = sliderAxisLabel(this.kind);
    const common = { xLabel, xDomain, width: PLOT_WIDTH, height: PLOT_HEIGHT };
    // A short name keeps the legend box small enough to leave the points visible.
    const threshold = `at FAR ${refs.targetFar.toExponential(0)}`;
    const uncertaintySeries: PlotSeries[] = [
      { name: 'image A', x, y: points.map((p) => p.uncertaintyA), markers: true, color: '#7f7f7f' },
      { name: 'image B', x, y: points.map((p) => p.uncertaintyB), markers: true, color: '#9467bd' },
    ];
    if (refs.uncertaintyGate !== undefined) uncertaintySeries.push(across('quality gate', refs.uncertaintyGate, '#d62728'));
    return {
      cosine: linePlotSvg({
        ...common,
        title: 'cosine',
        yLabel: 'cosine (centred μ)',
        idPrefix: 'trace-cosine',
        series: [{ name: 'cosine', x, y: points.map((p) => p.cosine), markers: true, color: '#1f77b4' }, across(threshold, refs.cosineThreshold, '#1f77b4')],
        legend: 'best',
      }),
      mls: linePlotSvg({
        ...common,
        title: 'MLS',
        yLabel: 'MLS (nats)',
        idPrefix: 'trace-mls',
        series: [{ name: 'MLS', x, y: points.map((p) => p.mls), markers: true, color: '#ff7f0e' }, across(threshold, refs.mlsThreshold, '#ff7f0e')],
        legend: 'best',
      }),
      uncertainty: linePlotSvg({ ...common, title: 'uncertainty', yLabel: 'harmonic-mean σ²', idPrefix: 'trace-sigma', series: uncertaintySeries, legend: 'best' }),
    };
  }
}
