/**
 * The demo page's degradation slider: one slider position (0 .. SLIDER_STEPS−1) per
 * level, read as a Gaussian blur or a down-and-up scale of image B. Pure (no DOM), so
 * the page and its end-to-end test share the same levels.
 */
import { PfeError } from '../core/errors.js';
import type { DegradeStep } from '../face/degrade/steps.js';

/** The two degradations the slider can apply (JPEG is Node-only, noise is not a camera defocus). */
export type SliderKind = 'blur' | 'scale';

/** Every slider kind, in the order the page offers them. */
export const SLIDER_KINDS: readonly SliderKind[] = ['blur', 'scale'];

/**
 * Blur σ in pixels of the original photo at each slider position. Up to 3 px these are
 * the degradation ladder's blur values (src/face/degrade/ladder.ts); beyond, the steps
 * continue to 6 px, where the detector gives up: on LFW's 150×150 photos it finds no face
 * in 11% of them at 3 px, 50% at 4 px and 96% at 6 px (docs/RESULTS.md, "Browser demo").
 * The page shows such positions as gaps, which is part of what it demonstrates.
 */
export const BLUR_SIGMAS_PX: readonly number[] = [0, 0.5, 1, 1.5, 2, 3, 4, 5, 6];

/**
 * Down-scale factor (shrink, then enlarge back with bilinear interpolation) at each slider
 * position: the ladder's factors 0.8, 0.6, 0.45, 0.3, 0.2 with points between and one
 * beyond (0.15: a 150 px photo becomes 22 px wide).
 */
export const SCALE_FACTORS: readonly number[] = [1, 0.8, 0.6, 0.45, 0.35, 0.3, 0.25, 0.2, 0.15];

/** Number of slider positions (the same for both kinds). */
export const SLIDER_STEPS = BLUR_SIGMAS_PX.length;

/** True when `name` is a SliderKind. */
export function isSliderKind(name: string): name is SliderKind {
  return (SLIDER_KINDS as readonly string[]).includes(name);
}

function checkPosition(position: number): void {
  if (!Number.isInteger(position) || position < 0 || position >= SLIDER_STEPS) {
    throw new PfeError('INVALID_ARGUMENT', `slider position must be an integer in 0..${SLIDER_STEPS - 1}, got ${position}`, { position });
  }
}

/** The slider's physical value at `position`: blur σ in px, or the scale factor. */
export function sliderValue(kind: SliderKind, position: number): number {
  checkPosition(position);
  return (kind === 'blur' ? BLUR_SIGMAS_PX : SCALE_FACTORS)[position]!;
}

/** The degradation steps at `position` (none at position 0). */
export function sliderSteps(kind: SliderKind, position: number): DegradeStep[] {
  const value = sliderValue(kind, position);
  if (position === 0) return [];
  return kind === 'blur' ? [{ kind: 'blur', sigma: value }] : [{ kind: 'scale', factor: value }];
}

/** What the page prints beside the slider, e.g. "blur σ 1.5 px" or "down-scale ×0.45". */
export function sliderLabel(kind: SliderKind, position: number): string {
  const value = sliderValue(kind, position);
  if (position === 0) return 'none';
  return kind === 'blur' ? `blur σ ${value} px` : `down-scale ×${value}`;
}

/**
 * Where `position` sits on the trace plot's x axis, growing with the degradation: blur σ
 * in px, or how many times smaller the photo was made (1 / factor).
 */
export function sliderPlotX(kind: SliderKind, position: number): number {
  const value = sliderValue(kind, position);
  return kind === 'blur' ? value : 1 / value;
}

/** The x-axis title of the trace plot for a kind (see sliderPlotX). */
export function sliderAxisLabel(kind: SliderKind): string {
  return kind === 'blur' ? 'blur σ (px of the photo)' : 'photo shrunk by (×, then enlarged back)';
}
