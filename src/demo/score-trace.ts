/**
 * The demo page's trace: cosine, MLS and image B's uncertainty at each slider position
 * visited (by hand or by a sweep), and their plots. Pure (no DOM): the page sets the SVG
 * strings as the plots' markup, the end-to-end test reads the points.
 */
import { linePlotSvg, type PlotSeries } from '../plot/line-plot.js';
import { SLIDER_STEPS, type SliderKind, sliderAxisLabel, sliderPlotX } from './degradation-slider.js';

/** The scores of one slider position; NaN scores when image B could not be embedded there. */
export interface TracePoint {
  /** Slider position, 0 .. SLIDER_STEPS−1. */
  readonly position: number;
  /** Plot x (sliderPlotX). */
  readonly x: number;
  /** Cosine of the centred means. */
  readonly cosine: number;
  /** MLS, nats (paper form). */
  readonly mls: number;
  /** Harmonic-mean σ² of image B (lower = more confident). */
  readonly confidenceB: number;
  /** Why B could not be embedded at this position (then the scores are NaN). */
  readonly failure?: string;
}

/** The scores a comparison gives at one position. */
export interface TraceScores {
  readonly cosine: number;
  readonly mls: number;
  readonly confidenceB: number;
}

/** Horizontal reference lines of the plots. */
export interface TraceReferences {
  /** Lowest cosine accepted at the target FAR. */
  readonly cosineThreshold: number;
  /** Lowest MLS accepted at the target FAR. */
  readonly mlsThreshold: number;
  /** The target FAR, for the legend. */
  readonly targetFar: number;
  /** Harmonic-mean σ² of image A, the clean side of the pair. */
  readonly confidenceA: number;
  /** The service's quality gate: faces less confident than this are refused (optional). */
  readonly uncertaintyGate?: number;
}

/** The three plots, standalone SVG documents. */
export interface TracePlots {
  readonly cosine: string;
  readonly mls: string;
  readonly confidence: string;
}

/** Plot size in px: three side by side fit a 1000 px wide page. */
const PLOT_WIDTH = 320;
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

  /** Records that image B could not be embedded at `position`. */
  recordFailure(position: number, failure: string): void {
    this.byPosition.set(position, { position, x: sliderPlotX(this.kind, position), cosine: NaN, mls: NaN, confidenceB: NaN, failure });
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
   * called the same person where its line is above the dashed one), and B's σ² beside A's.
   * @throws PfeError EMPTY_INPUT when nothing has been recorded
   */
  plots(refs: TraceReferences): TracePlots {
    const points = this.points();
    const x = points.map((p) => p.x);
    const xDomain = [sliderPlotX(this.kind, 0), sliderPlotX(this.kind, SLIDER_STEPS - 1)] as const;
    const across = (name: string, value: number, color: string): PlotSeries => ({ name, x: [...xDomain], y: [value, value], dashed: true, color });
    const xLabel = sliderAxisLabel(this.kind);
    const common = { xLabel, xDomain, width: PLOT_WIDTH, height: PLOT_HEIGHT };
    const far = `FAR ${refs.targetFar}`;
    const confidenceSeries: PlotSeries[] = [
      { name: 'image B', x, y: points.map((p) => p.confidenceB), markers: true, color: '#9467bd' },
      across('image A', refs.confidenceA, '#7f7f7f'),
    ];
    if (refs.uncertaintyGate !== undefined) confidenceSeries.push(across('quality gate', refs.uncertaintyGate, '#d62728'));
    return {
      cosine: linePlotSvg({
        ...common,
        title: 'cosine',
        yLabel: 'cosine (centred μ)',
        idPrefix: 'trace-cosine',
        series: [{ name: 'cosine', x, y: points.map((p) => p.cosine), markers: true, color: '#1f77b4' }, across(`accept at ${far}`, refs.cosineThreshold, '#1f77b4')],
      }),
      mls: linePlotSvg({
        ...common,
        title: 'MLS',
        yLabel: 'MLS (nats)',
        idPrefix: 'trace-mls',
        series: [{ name: 'MLS', x, y: points.map((p) => p.mls), markers: true, color: '#ff7f0e' }, across(`accept at ${far}`, refs.mlsThreshold, '#ff7f0e')],
      }),
      confidence: linePlotSvg({ ...common, title: 'uncertainty', yLabel: 'harmonic-mean σ²', idPrefix: 'trace-sigma', series: confidenceSeries, legend: 'top-left' }),
    };
  }
}
