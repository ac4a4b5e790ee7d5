/**
 * One training step of the uncertainty head: forward pass with batch statistics, the MLS
 * loss (mls-loss.ts, float64), and a hand-written backward pass. tfjs-core's Node bundle
 * registers no gradient functions (they live in separate modules that do not load under
 * Node's ESM resolver), and the head is small enough that its backward pass is a dozen
 * lines; the gradient check in head-trainer.test.ts compares it with finite differences
 * of the float64 reference forward.
 *
 * Where the time goes (measured on this 2-core machine, see docs/RESULTS.md): the tfjs wasm
 * matMul is fast only for products with a long inner dimension (x·W1, inner C = 1024) and
 * 3–10× slower than a plain loop for the weight gradients, whose inner dimension is the
 * batch; its broadcasting element-wise ops cost tens of ms on B×H. So tfjs computes the two
 * forward products and everything else runs in host loops over typed arrays.
 *
 * Optimiser: momentum SGD as TensorFlow's MomentumOptimizer (acc = μ·acc + g; w −= lr·acc);
 * L2 weight decay on the two FC weight matrices as slim's l2_regularizer (wd/2·‖W‖²).
 * BN moving statistics: m = decay·m + (1 − decay)·batch (biased batch variance).
 */
import * as tf from '@tensorflow/tfjs-core';
import { PfeError } from '../core/errors.js';
import type { SeededRandom } from '../core/random.js';
import {
  BN_DECAY,
  SIGMA_BETA_INIT,
  SIGMA_GAMMA_INIT,
  SIGMA_SQ_FLOOR,
  type HeadArchitecture,
  type HeadWeights,
} from '../head/head-model.js';
import { batchPairs, mlsLoss, type MlsLossValue } from './mls-loss.js';
import { verificationLoss } from './verification-loss.js';

/** Parameters updated by gradient descent. */
export const TRAINABLE_NAMES = ['w1', 'bn1Gamma', 'bn1Beta', 'w2', 'sigmaGamma', 'sigmaBeta'] as const;
/** One of TRAINABLE_NAMES. */
export type TrainableName = (typeof TRAINABLE_NAMES)[number];

/** Optimiser settings of HeadTrainer. */
export interface OptimiserSettings {
  readonly momentum: number;
  readonly weightDecay: number;
  readonly bnDecay: number;
  /** λ of the paper loss's optional impostor term (0 = off). */
  readonly impostorWeight: number;
  /** Weight of the pairwise verification loss (verification-loss.ts) added to the paper loss (0 = off). */
  readonly verificationWeight: number;
  /** Its temperature as a fraction of the batch's impostor–genuine gap. */
  readonly verificationTemperature: number;
}

/** Defaults from the reference code / the paper (see pfe-method.md). */
export const DEFAULT_OPTIMISER: OptimiserSettings = { momentum: 0.9, weightDecay: 5e-4, bnDecay: BN_DECAY, impostorWeight: 0, verificationWeight: 0, verificationTemperature: 0.1 };

/**
 * Fresh weights: Glorot-uniform FC weights (slim's default xavier initializer, seeded),
 * BN1 γ = 1, β = 0, moving mean 0 / variance 1 (TensorFlow's defaults), and the reference
 * code's γ = 1e-4, β = −7 for log σ².
 */
export function initialHeadWeights(a: HeadArchitecture, rng: SeededRandom, normalisation: Pick<HeadWeights, 'inputMean' | 'inputScale' | 'muMean'>): HeadWeights {
  const glorot = (fanIn: number, fanOut: number): Float32Array => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const w = new Float32Array(fanIn * fanOut);
    for (let k = 0; k < w.length; k++) w[k] = (2 * rng.nextFloat() - 1) * limit;
    return w;
  };
  return {
    ...normalisation,
    w1: glorot(a.inputDim, a.hiddenDim),
    bn1Gamma: new Float32Array(a.hiddenDim).fill(1),
    bn1Beta: new Float32Array(a.hiddenDim),
    bn1MovingMean: new Float32Array(a.hiddenDim),
    bn1MovingVar: new Float32Array(a.hiddenDim).fill(1),
    w2: glorot(a.hiddenDim, a.outputDim),
    bn2MovingMean: new Float32Array(a.outputDim),
    bn2MovingVar: new Float32Array(a.outputDim).fill(1),
    sigmaGamma: Float32Array.of(SIGMA_GAMMA_INIT),
    sigmaBeta: Float32Array.of(SIGMA_BETA_INIT),
  };
}

/** The outcome of one step. */
export interface StepResult extends MlsLossValue {
  /** The pairwise verification loss (unweighted; 0 when off). */
  readonly verificationLoss: number;
  /** Share of impostor pairs the verification loss is active on (NaN when off). */
  readonly activeImpostorShare: number;
  /** loss + verification weight · verificationLoss + weight-decay term (what the gradient descends). */
  readonly totalLoss: number;
  /** Mean σ² of the batch (compact values). */
  readonly meanSigmaSq: number;
}

/** Batch statistics of the two batch norms (for the moving averages). */
interface BatchStats {
  readonly mean1: Float64Array;
  readonly var1: Float64Array;
  readonly mean2: Float64Array;
  readonly var2: Float64Array;
}

/** rows×inner times inner×cols, row-major, on the active tfjs backend. */
function matMul(a: Float32Array, rows: number, inner: number, b: Float32Array, cols: number): Float32Array {
  const t = tf.tidy(() => tf.matMul(tf.tensor2d(a, [rows, inner]), tf.tensor2d(b, [inner, cols])));
  const out = t.dataSync() as Float32Array;
  t.dispose();
  return out;
}

/** out (K×N) = aᵀ·b + wd·w for a: B×K, b: B×N (the weight gradient of a no-bias FC layer). */
function weightGradient(a: Float32Array, b: Float64Array, batch: number, k: number, n: number, w: Float32Array, wd: number): Float64Array {
  const out = new Float64Array(k * n);
  for (let i = 0; i < batch; i++) {
    const oa = i * k;
    const ob = i * n;
    for (let r = 0; r < k; r++) {
      const v = a[oa + r]!;
      if (v === 0) continue; // ReLU outputs are often exactly 0
      const oo = r * n;
      for (let c = 0; c < n; c++) out[oo + c]! += v * b[ob + c]!;
    }
  }
  for (let q = 0; q < out.length; q++) out[q]! += wd * w[q]!;
  return out;
}

/** out (B×K) = d·wᵀ for d: B×N, w: K×N (the gradient flowing back through an FC layer). */
function backThroughWeights(d: Float64Array, w: Float32Array, batch: number, k: number, n: number): Float64Array {
  const out = new Float64Array(batch * k);
  for (let i = 0; i < batch; i++) {
    const od = i * n;
    for (let r = 0; r < k; r++) {
      const ow = r * n;
      let s = 0;
      for (let c = 0; c < n; c++) s += d[od + c]! * w[ow + c]!;
      out[i * k + r] = s;
    }
  }
  return out;
}

/** Column-wise batch normalisation of a B×M matrix: n = (a − mean)/sqrt(var + eps), biased variance. */
function batchNorm(a: Float32Array, batch: number, m: number, eps: number): { n: Float64Array; inv: Float64Array; mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(m);
  const variance = new Float64Array(m);
  for (let i = 0; i < batch; i++) for (let j = 0; j < m; j++) mean[j]! += a[i * m + j]!;
  for (let j = 0; j < m; j++) mean[j]! /= batch;
  for (let i = 0; i < batch; i++)
    for (let j = 0; j < m; j++) {
      const d = a[i * m + j]! - mean[j]!;
      variance[j]! += d * d;
    }
  const inv = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    variance[j]! /= batch;
    inv[j] = 1 / Math.sqrt(variance[j]! + eps);
  }
  const n = new Float64Array(batch * m);
  for (let i = 0; i < batch; i++) for (let j = 0; j < m; j++) n[i * m + j] = (a[i * m + j]! - mean[j]!) * inv[j]!;
  return { n, inv, mean, variance };
}

/** Backward of batchNorm in place on dn: da = inv·(dn − mean_b dn − n·mean_b(dn·n)). */
function batchNormBackward(dn: Float64Array, n: Float64Array, inv: Float64Array, batch: number, m: number): Float64Array {
  const meanD = new Float64Array(m);
  const meanDn = new Float64Array(m);
  for (let i = 0; i < batch; i++)
    for (let j = 0; j < m; j++) {
      meanD[j]! += dn[i * m + j]!;
      meanDn[j]! += dn[i * m + j]! * n[i * m + j]!;
    }
  for (let i = 0; i < batch; i++)
    for (let j = 0; j < m; j++) {
      const q = i * m + j;
      dn[q] = inv[j]! * (dn[q]! - meanD[j]! / batch - (n[q]! * meanDn[j]!) / batch);
    }
  return dn;
}

/** Holds the head's weights and momentum and trains them step by step. */
export class HeadTrainer {
  readonly architecture: HeadArchitecture;
  readonly settings: OptimiserSettings;
  private readonly w: { -readonly [K in keyof HeadWeights]: Float32Array };
  private readonly acc: Record<TrainableName, Float32Array>;

  /** Starts from `weights` (copied); momentum accumulators start at zero unless given. */
  constructor(a: HeadArchitecture, weights: HeadWeights, settings: OptimiserSettings = DEFAULT_OPTIMISER, momentum?: Record<TrainableName, Float32Array>) {
    this.architecture = a;
    this.settings = settings;
    const w = {} as { -readonly [K in keyof HeadWeights]: Float32Array };
    for (const k of Object.keys(weights) as (keyof HeadWeights)[]) w[k] = weights[k].slice();
    this.w = w;
    const acc = {} as Record<TrainableName, Float32Array>;
    for (const name of TRAINABLE_NAMES) {
      const m = momentum?.[name];
      if (m !== undefined && m.length !== w[name].length) throw new PfeError('DIMENSION_MISMATCH', `momentum ${name} has ${m.length} values, the weight ${w[name].length}`);
      acc[name] = m === undefined ? new Float32Array(w[name].length) : m.slice();
    }
    this.acc = acc;
  }

  /**
   * Loss and gradients of one batch (no update). Exposed for the gradient check.
   * @param x B×C normalised head input
   * @param mu B×D centred, L2-normalised mu
   * @param labels B identity labels
   */
  gradients(x: Float32Array, mu: Float32Array, labels: Int32Array): { result: StepResult; grads: Record<TrainableName, Float64Array> } {
    const { result, grads } = this.forwardBackward(x, mu, labels);
    return { result, grads };
  }

  private forwardBackward(x: Float32Array, mu: Float32Array, labels: Int32Array): { result: StepResult; grads: Record<TrainableName, Float64Array>; stats: BatchStats } {
    const a = this.architecture;
    const w = this.w;
    const batch = labels.length;
    const { inputDim: c, hiddenDim: h, outputDim: o } = a;
    if (x.length !== batch * c) throw new PfeError('DIMENSION_MISMATCH', `x has ${x.length} values, expected ${batch}×${c}`);
    if (mu.length !== batch * a.muDim) throw new PfeError('DIMENSION_MISMATCH', `mu has ${mu.length} values, expected ${batch}×${a.muDim}`);
    for (let k = 0; k < x.length; k++) if (!Number.isFinite(x[k]!)) throw new PfeError('NON_FINITE', `input x[${Math.floor(k / c)}][${k % c}] is ${x[k]}`);
    // Forward.
    const bn1 = batchNorm(matMul(x, batch, c, w.w1, h), batch, h, a.bnEpsilon);
    const y1 = new Float64Array(batch * h);
    const hidden = new Float32Array(batch * h);
    for (let i = 0; i < batch; i++)
      for (let j = 0; j < h; j++) {
        const q = i * h + j;
        y1[q] = bn1.n[q]! * w.bn1Gamma[j]! + w.bn1Beta[j]!;
        hidden[q] = y1[q]! > 0 ? y1[q]! : 0;
      }
    const bn2 = batchNorm(matMul(hidden, batch, h, w.w2, o), batch, o, a.bnEpsilon);
    const gamma = w.sigmaGamma[0]!;
    const beta = w.sigmaBeta[0]!;
    const scalar = a.sigmaMode === 'scalar';
    const z = new Float64Array(scalar ? batch : batch * o);
    if (scalar) {
      for (let i = 0; i < batch; i++) {
        let s = 0;
        for (let j = 0; j < o; j++) s += bn2.n[i * o + j]!;
        z[i] = gamma * (s / o) + beta;
      }
    } else {
      for (let q = 0; q < z.length; q++) z[q] = gamma * bn2.n[q]! + beta;
    }
    const sigmaSq = new Float64Array(z.length);
    let sigmaSum = 0;
    for (let k = 0; k < z.length; k++) {
      sigmaSq[k] = SIGMA_SQ_FLOOR + Math.exp(z[k]!);
      sigmaSum += sigmaSq[k]!;
    }
    const pairs = batchPairs(labels);
    const dSigma = new Float64Array(z.length);
    const impostor = this.settings.impostorWeight > 0 ? { impostor: pairs.impostor, impostorWeight: this.settings.impostorWeight } : {};
    const loss = mlsLoss({ mu, dim: a.muDim, sigmaSq, genuine: pairs.genuine, ...impostor }, dSigma);
    const vWeight = this.settings.verificationWeight;
    const verification =
      vWeight > 0
        ? verificationLoss({ mu, dim: a.muDim, sigmaSq, genuine: pairs.genuine, impostor: pairs.impostor, temperatureFraction: this.settings.verificationTemperature }, dSigma, vWeight)
        : { loss: 0, activeImpostorShare: Number.NaN };
    // Backward: dσ²/dz = exp(z); z = γ·n2 + β (averaged over the O outputs in scalar mode).
    const dn2 = new Float64Array(batch * o);
    let gGamma = 0;
    let gBeta = 0;
    for (let i = 0; i < batch; i++)
      for (let j = 0; j < o; j++) {
        const q = i * o + j;
        const dz = scalar ? (dSigma[i]! * Math.exp(z[i]!)) / o : dSigma[q]! * Math.exp(z[q]!);
        gGamma += dz * bn2.n[q]!;
        gBeta += dz;
        dn2[q] = gamma * dz;
      }
    const da2 = batchNormBackward(dn2, bn2.n, bn2.inv, batch, o);
    const wd = this.settings.weightDecay;
    const gW2 = weightGradient(hidden, da2, batch, h, o, w.w2, wd);
    const dy1 = backThroughWeights(da2, w.w2, batch, h, o);
    const gBn1Gamma = new Float64Array(h);
    const gBn1Beta = new Float64Array(h);
    for (let i = 0; i < batch; i++)
      for (let j = 0; j < h; j++) {
        const q = i * h + j;
        const d = y1[q]! > 0 ? dy1[q]! : 0;
        gBn1Gamma[j]! += d * bn1.n[q]!;
        gBn1Beta[j]! += d;
        dy1[q] = d * w.bn1Gamma[j]!;
      }
    const da1 = batchNormBackward(dy1, bn1.n, bn1.inv, batch, h);
    const gW1 = weightGradient(x, da1, batch, c, h, w.w1, wd);
    let decay = 0;
    for (const v of w.w1) decay += v * v;
    for (const v of w.w2) decay += v * v;
    const result: StepResult = {
      ...loss,
      verificationLoss: verification.loss,
      activeImpostorShare: verification.activeImpostorShare,
      totalLoss: loss.loss + vWeight * verification.loss + 0.5 * wd * decay,
      meanSigmaSq: sigmaSum / z.length,
    };
    return {
      result,
      grads: { w1: gW1, bn1Gamma: gBn1Gamma, bn1Beta: gBn1Beta, w2: gW2, sigmaGamma: Float64Array.of(gGamma), sigmaBeta: Float64Array.of(gBeta) },
      stats: { mean1: bn1.mean, var1: bn1.variance, mean2: bn2.mean, var2: bn2.variance },
    };
  }

  /**
   * One momentum-SGD step on a batch; updates the BN moving statistics.
   * @throws PfeError NON_FINITE when the input, the loss or a gradient is not finite (nothing is updated then)
   */
  step(x: Float32Array, mu: Float32Array, labels: Int32Array, learningRate: number): StepResult {
    const { result, grads, stats } = this.forwardBackward(x, mu, labels);
    if (!Number.isFinite(result.totalLoss)) throw new PfeError('NON_FINITE', `the loss is ${result.totalLoss}`);
    for (const name of TRAINABLE_NAMES) {
      const g = grads[name];
      for (let k = 0; k < g.length; k++) if (!Number.isFinite(g[k]!)) throw new PfeError('NON_FINITE', `the gradient of ${name}[${k}] is ${g[k]} (loss ${result.totalLoss})`);
    }
    const mom = this.settings.momentum;
    for (const name of TRAINABLE_NAMES) {
      const g = grads[name];
      const acc = this.acc[name];
      const w = this.w[name];
      for (let k = 0; k < g.length; k++) {
        acc[k] = mom * acc[k]! + g[k]!;
        w[k]! -= learningRate * acc[k]!;
      }
    }
    const d = this.settings.bnDecay;
    const update = (moving: Float32Array, batch: Float64Array): void => {
      for (let j = 0; j < moving.length; j++) moving[j] = d * moving[j]! + (1 - d) * batch[j]!;
    };
    update(this.w.bn1MovingMean, stats.mean1);
    update(this.w.bn1MovingVar, stats.var1);
    update(this.w.bn2MovingMean, stats.mean2);
    update(this.w.bn2MovingVar, stats.var2);
    return result;
  }

  /** A copy of the current weights (trainables, moving statistics, normalisations). */
  weights(): HeadWeights {
    const out = {} as { -readonly [K in keyof HeadWeights]: Float32Array };
    for (const k of Object.keys(this.w) as (keyof HeadWeights)[]) out[k] = this.w[k].slice();
    return out;
  }

  /** A copy of the momentum accumulators (for checkpoints). */
  momentumState(): Record<TrainableName, Float32Array> {
    const out = {} as Record<TrainableName, Float32Array>;
    for (const name of TRAINABLE_NAMES) out[name] = this.acc[name].slice();
    return out;
  }

  /** Nothing to free (weights live on the host); kept so callers can treat trainers uniformly. */
  dispose(): void {}
}

/** The learning rate of `step` under a piecewise-constant schedule: rates[k] from boundaries[k−1] on. */
export function scheduledLearningRate(step: number, rates: readonly number[], boundaries: readonly number[]): number {
  let k = 0;
  while (k < boundaries.length && step >= boundaries[k]!) k++;
  return rates[Math.min(k, rates.length - 1)]!;
}
