/**
 * The trace section of the demo page: cosine, MLS and both images' σ² at every slider position
 * visited, drawn as three plots; the points are also kept as JSON in #trace's data-points
 * for the end-to-end test.
 */
import { isPfeError } from '../core/errors.js';
import { SLIDER_STEPS, type SliderKind } from '../demo/degradation-slider.js';
import { ScoreTrace, type TraceScores } from '../demo/score-trace.js';
import type { FacePfe } from '../face-pfe/face-pfe.js';
import { el } from './dom.js';

/** The trace of the current pair and slider kind, and its plots on the page. */
export class TracePanel {
  private trace: ScoreTrace;

  constructor(kind: SliderKind) {
    this.trace = new ScoreTrace(kind);
  }

  /** Starts an empty trace (a new image A or B, or another slider kind). */
  reset(kind: SliderKind): void {
    this.trace = new ScoreTrace(kind);
    el('plot-cosine').innerHTML = '';
    el('plot-mls').innerHTML = '';
    el('plot-sigma').innerHTML = '';
    const section = el('trace');
    section.dataset['points'] = '[]';
    section.dataset['state'] = 'empty';
  }

  /** Records the comparison at `position` and redraws. */
  record(model: FacePfe, position: number, scores: TraceScores): void {
    this.trace.record(position, scores);
    this.draw(model);
  }

  /** Records that the pair could not be embedded at `position` and redraws. */
  recordFailure(model: FacePfe, position: number, reason: string): void {
    this.trace.recordFailure(position, reason);
    this.draw(model);
  }

  /**
   * Scores the pair at every slider position and records each; the page's own A and B
   * stay as they are. `scoreAt(position)` embeds what the slider degrades and compares.
   */
  async sweep(model: FacePfe, scoreAt: (position: number) => Promise<TraceScores>): Promise<void> {
    const section = el('trace');
    section.dataset['state'] = 'sweeping';
    for (let p = 0; p < SLIDER_STEPS; p++) {
      el('trace-status').textContent = `sweeping: position ${p + 1} of ${SLIDER_STEPS}…`;
      try {
        this.record(model, p, await scoreAt(p));
      } catch (e) {
        this.recordFailure(model, p, isPfeError(e) ? e.code : e instanceof Error ? e.message : String(e));
      }
    }
    const failed = this.trace.points().filter((q) => q.failure !== undefined).length;
    el('trace-status').textContent = `swept ${SLIDER_STEPS} positions${failed > 0 ? `; no face was usable at ${failed} of them (gaps in the lines)` : ''}`;
    section.dataset['state'] = 'swept';
  }

  private draw(model: FacePfe): void {
    const section = el('trace');
    section.dataset['points'] = JSON.stringify(this.trace.points());
    if (section.dataset['state'] !== 'sweeping') section.dataset['state'] = 'traced';
    const { mls, cosine, uncertaintyGate } = model.verdicts;
    const plots = this.trace.plots({
      cosineThreshold: cosine.threshold,
      mlsThreshold: mls.threshold,
      targetFar: mls.targetFar,
      ...(uncertaintyGate === undefined ? {} : { uncertaintyGate }),
    });
    el('plot-cosine').innerHTML = plots.cosine;
    el('plot-mls').innerHTML = plots.mls;
    el('plot-sigma').innerHTML = plots.uncertainty;
  }
}
