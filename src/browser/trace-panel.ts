/**
 * The trace section of the demo page: cosine, MLS and B's σ² at every slider position
 * visited, drawn as three plots; the points are also kept as JSON in #trace's data-points
 * for the end-to-end test.
 */
import { isPfeError } from '../core/errors.js';
import { SLIDER_STEPS, type SliderKind } from '../demo/degradation-slider.js';
import { ScoreTrace, type TraceScores } from '../demo/score-trace.js';
import type { BrowserPfe } from './browser-pfe.js';
import { el } from './dom.js';

/** The trace of the current pair and slider kind, and its plots on the page. */
export class TracePanel {
  private trace: ScoreTrace;
  private confidenceA: number | undefined;

  constructor(kind: SliderKind) {
    this.trace = new ScoreTrace(kind);
  }

  /** Starts an empty trace (a new image A or B, or another slider kind). */
  reset(kind: SliderKind): void {
    this.trace = new ScoreTrace(kind);
    this.confidenceA = undefined;
    el('plot-cosine').innerHTML = '';
    el('plot-mls').innerHTML = '';
    el('plot-sigma').innerHTML = '';
    const section = el('trace');
    section.dataset['points'] = '[]';
    section.dataset['state'] = 'empty';
  }

  /** Records the comparison at `position` and redraws. */
  record(model: BrowserPfe, position: number, scores: TraceScores & { readonly confidenceA: number }): void {
    this.trace.record(position, scores);
    this.confidenceA = scores.confidenceA;
    this.draw(model);
  }

  /** Records that B could not be embedded at `position` and redraws. */
  recordFailure(model: BrowserPfe, position: number, reason: string): void {
    this.trace.recordFailure(position, reason);
    this.draw(model);
  }

  /**
   * Embeds B at every slider position and records each comparison with A; the page's
   * own A and B stay as they are. `embedB(position)` gives B's scores at a position.
   */
  async sweep(model: BrowserPfe, embedB: (position: number) => Promise<TraceScores & { readonly confidenceA: number }>): Promise<void> {
    const section = el('trace');
    section.dataset['state'] = 'sweeping';
    for (let p = 0; p < SLIDER_STEPS; p++) {
      el('trace-status').textContent = `sweeping: position ${p + 1} of ${SLIDER_STEPS}…`;
      try {
        this.record(model, p, await embedB(p));
      } catch (e) {
        this.recordFailure(model, p, isPfeError(e) ? e.code : e instanceof Error ? e.message : String(e));
      }
    }
    const failed = this.trace.points().filter((q) => q.failure !== undefined).length;
    el('trace-status').textContent = `swept ${SLIDER_STEPS} positions${failed > 0 ? `; B could not be embedded at ${failed} of them (gaps in the lines)` : ''}`;
    section.dataset['state'] = 'swept';
  }

  private draw(model: BrowserPfe): void {
    const section = el('trace');
    section.dataset['points'] = JSON.stringify(this.trace.points());
    if (section.dataset['state'] !== 'sweeping') section.dataset['state'] = 'traced';
    if (this.confidenceA === undefined) return;
    const { mls, cosine, uncertaintyGate } = model.verdicts;
    const plots = this.trace.plots({
      cosineThreshold: cosine.threshold,
      mlsThreshold: mls.threshold,
      targetFar: mls.targetFar,
      confidenceA: this.confidenceA,
      ...(uncertaintyGate === undefined ? {} : { uncertaintyGate }),
    });
    el('plot-cosine').innerHTML = plots.cosine;
    el('plot-mls').innerHTML = plots.mls;
    el('plot-sigma').innerHTML = plots.confidence;
  }
}
