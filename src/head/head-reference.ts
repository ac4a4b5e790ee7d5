/**
 * A float64, plain-loop forward pass of the uncertainty head: the ground truth for the
 * gradient check (finite differences need more precision than float32) and for testing
 * the tfjs inference. Not fast; use predictSigmaSq for real work.
 */
import type { HeadArchitecture, HeadWeights } from './head-model.js';
import { SIGMA_SQ_FLOOR } from './head-model.js';

/** Head parameters in float64, same names and layouts as HeadWeights. */
export type HeadParams64 = { [K in keyof HeadWeights]: Float64Array };

/** Copies float32 weights into float64 arrays. */
export function toParams64(w: HeadWeights): HeadParams64 {
  const out = {} as Record<keyof HeadWeights, Float64Array>;
  for (const k of Object.keys(w) as (keyof HeadWeights)[]) out[k] = Float64Array.from(w[k]);
  return out;
}

function batchNormColumns(a: Float64Array, n: number, m: number, eps: number, useBatch: boolean, movingMean: Float64Array, movingVar: Float64Array): Float64Array {
  const out = new Float64Array(n * m);
  for (let j = 0; j < m; j++) {
    let mean: number;
    let variance: number;
    if (useBatch) {
      let s = 0;
      for (let i = 0; i < n; i++) s += a[i * m + j]!;
      mean = s / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (a[i * m + j]! - mean) ** 2;
      variance = v / n;
    } else {
      mean = movingMean[j]!;
      variance = movingVar[j]!;
    }
    const inv = 1 / Math.sqrt(variance + eps);
    for (let i = 0; i < n; i++) out[i * m + j] = (a[i * m + j]! - mean) * inv;
  }
  return out;
}

/**
 * z of the head for N normalised input rows x (N×C), before the σ² floor:
 * N×O in per-dimension mode, N×1 in scalar mode (the mean over the O outputs).
 * @param training true: batch statistics in both batch norms (as during training); false: moving statistics
 */
export function headForwardReference(arch: HeadArchitecture, p: HeadParams64, x: Float64Array, n: number, training: boolean): Float64Array {
  const { inputDim: c, hiddenDim: h, outputDim: o } = arch;
  const a1 = new Float64Array(n * h);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < c; k++) {
      const xv = x[i * c + k]!;
      if (xv === 0) continue;
      for (let j = 0; j < h; j++) a1[i * h + j]! += xv * p.w1[k * h + j]!;
    }
  const n1 = batchNormColumns(a1, n, h, arch.bnEpsilon, training, p.bn1MovingMean, p.bn1MovingVar);
  const hid = new Float64Array(n * h);
  for (let i = 0; i < n; i++) for (let j = 0; j < h; j++) hid[i * h + j] = Math.max(0, n1[i * h + j]! * p.bn1Gamma[j]! + p.bn1Beta[j]!);
  const a2 = new Float64Array(n * o);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < h; k++) {
      const hv = hid[i * h + k]!;
      if (hv === 0) continue;
      for (let j = 0; j < o; j++) a2[i * o + j]! += hv * p.w2[k * o + j]!;
    }
  const n2 = batchNormColumns(a2, n, o, arch.bnEpsilon, training, p.bn2MovingMean, p.bn2MovingVar);
  const g = p.sigmaGamma[0]!;
  const b = p.sigmaBeta[0]!;
  if (arch.sigmaMode === 'per-dimension') return n2.map((v) => g * v + b);
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < o; j++) s += n2[i * o + j]!;
    z[i] = g * (s / o) + b;
  }
  return z;
}

/** σ² = 1e-6 + exp(z) (the reference code's floored log σ², exponentiated). */
export function sigmaSqFromZ(z: number): number {
  return SIGMA_SQ_FLOOR + Math.exp(z);
}
