/**
 * One training step of the uncertainty head on TensorFlow.js core: forward pass with batch
 * statistics, the MLS loss (mls-loss.ts, float64 on the host), and a hand-written backward
 * pass. tfjs-core's Node bundle registers no gradient functions (they live in separate
 * modules that do not load under Node's ESM resolver), and the head is small enough that
 * its backward pass is a dozen lines; the gradient check in head-trainer.test.ts compares it
 * with finite differences of the float64 reference forward.
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

/** Parameters updated by gradient descent. */
export const TRAINABLE_NAMES = ['w1', 'bn1Gamma', 'bn1Beta', 'w2', 'sigmaGamma', 'sigmaBeta'] as const;
/** One of TRAINABLE_NAMES. */
export type TrainableName = (typeof TRAINABLE_NAMES)[number];

/** Optimiser settings of HeadTrainer. */
export interface OptimiserSettings {
  readonly momentum: number;
  readonly weightDecay: number;
  readonly bnDecay: number;
  /** λ of the impostor term (0 = off). */
  readonly impostorWeight: number;
}

/** Defaults from the reference code / the paper (see pfe-method.md). */
export const DEFAULT_OPTIMISER: OptimiserSettings = { momentum: 0.9, weightDecay: 5e-4, bnDecay: BN_DECAY, impostorWeight: 0 };

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
  /** loss + weight-decay term (what the gradient descends). */
  readonly totalLoss: number;
  /** Mean σ² of the batch (compact values). */
  readonly meanSigmaSq: number;
}

interface Forward {
  readonly x: tf.Tensor2D;
  readonly n1: tf.Tensor2D;
  readonly inv1: tf.Tensor1D;
  readonly y1: tf.Tensor2D;
  readonly hidden: tf.Tensor2D;
  readonly n2: tf.Tensor2D;
  readonly inv2: tf.Tensor1D;
  readonly mean1: tf.Tensor1D;
  readonly var1: tf.Tensor1D;
  readonly mean2: tf.Tensor1D;
  readonly var2: tf.Tensor1D;
  /** Compact z: B (scalar) or B×O. */
  readonly zt: tf.Tensor;
}

/** Holds the head's variables as tfjs tensors and trains them step by step. */
export class HeadTrainer {
  readonly architecture: HeadArchitecture;
  readonly settings: OptimiserSettings;
  private readonly vars: Record<TrainableName, tf.Variable>;
  private readonly acc: Record<TrainableName, tf.Variable>;
  private readonly fixed: Pick<HeadWeights, 'inputMean' | 'inputScale' | 'muMean'>;
  private readonly moving: Pick<HeadWeights, 'bn1MovingMean' | 'bn1MovingVar' | 'bn2MovingMean' | 'bn2MovingVar'>;

  /** Starts from `weights` (copied); momentum accumulators start at zero unless given. */
  constructor(a: HeadArchitecture, weights: HeadWeights, settings: OptimiserSettings = DEFAULT_OPTIMISER, momentum?: Record<TrainableName, Float32Array>) {
    this.architecture = a;
    this.settings = settings;
    const shapes: Record<TrainableName, number[]> = {
      w1: [a.inputDim, a.hiddenDim],
      bn1Gamma: [a.hiddenDim],
      bn1Beta: [a.hiddenDim],
      w2: [a.hiddenDim, a.outputDim],
      sigmaGamma: [1],
      sigmaBeta: [1],
    };
    const vars = {} as Record<TrainableName, tf.Variable>;
    const acc = {} as Record<TrainableName, tf.Variable>;
    for (const name of TRAINABLE_NAMES) {
      vars[name] = tf.variable(tf.tensor(weights[name], shapes[name]), true, undefined, 'float32');
      const m = momentum?.[name];
      acc[name] = tf.variable(m === undefined ? tf.zeros(shapes[name]) : tf.tensor(m, shapes[name]), false);
    }
    this.vars = vars;
    this.acc = acc;
    this.fixed = { inputMean: weights.inputMean.slice(), inputScale: weights.inputScale.slice(), muMean: weights.muMean.slice() };
    this.moving = {
      bn1MovingMean: weights.bn1MovingMean.slice(),
      bn1MovingVar: weights.bn1MovingVar.slice(),
      bn2MovingMean: weights.bn2MovingMean.slice(),
      bn2MovingVar: weights.bn2MovingVar.slice(),
    };
  }

  private forward(x: Float32Array, batch: number): Forward {
    const a = this.architecture;
    const eps = a.bnEpsilon;
    const v = this.vars;
    return tf.tidy(() => {
      const xt = tf.tensor2d(x, [batch, a.inputDim]);
      const a1 = tf.matMul(xt, v.w1 as tf.Tensor2D);
      const m1 = tf.moments(a1, 0);
      const inv1 = tf.rsqrt(tf.add(m1.variance, eps)) as tf.Tensor1D;
      const n1 = tf.mul(tf.sub(a1, m1.mean), inv1) as tf.Tensor2D;
      const y1 = tf.add(tf.mul(n1, v.bn1Gamma), v.bn1Beta) as tf.Tensor2D;
      const hidden = tf.relu(y1);
      const a2 = tf.matMul(hidden, v.w2 as tf.Tensor2D);
      const m2 = tf.moments(a2, 0);
      const inv2 = tf.rsqrt(tf.add(m2.variance, eps)) as tf.Tensor1D;
      const n2 = tf.mul(tf.sub(a2, m2.mean), inv2) as tf.Tensor2D;
      let z = tf.add(tf.mul(n2, v.sigmaGamma), v.sigmaBeta);
      if (a.sigmaMode === 'scalar') z = tf.mean(z, 1);
      return { x: xt, n1, inv1, y1, hidden, n2, inv2, mean1: m1.mean as tf.Tensor1D, var1: m1.variance as tf.Tensor1D, mean2: m2.mean as tf.Tensor1D, var2: m2.variance as tf.Tensor1D, zt: z };
    });
  }

  /**
   * Loss and gradients of one batch (no update). Exposed for the gradient check.
   * @param x B×C normalised head input
   * @param mu B×D centred, L2-normalised mu
   * @param labels B identity labels
   */
  gradients(x: Float32Array, mu: Float32Array, labels: Int32Array): { result: StepResult; grads: Record<TrainableName, Float32Array> } {
    const { result, grads, forward } = this.forwardBackward(x, mu, labels);
    const out = {} as Record<TrainableName, Float32Array>;
    for (const name of TRAINABLE_NAMES) out[name] = grads[name].dataSync() as Float32Array;
    tf.dispose(Object.values(grads));
    disposeForward(forward);
    return { result, grads: out };
  }

  private forwardBackward(x: Float32Array, mu: Float32Array, labels: Int32Array): { result: StepResult; grads: Record<TrainableName, tf.Tensor>; forward: Forward } {
    const a = this.architecture;
    const batch = labels.length;
    if (x.length !== batch * a.inputDim) throw new PfeError('DIMENSION_MISMATCH', `x has ${x.length} values, expected ${batch}×${a.inputDim}`);
    if (mu.length !== batch * a.muDim) throw new PfeError('DIMENSION_MISMATCH', `mu has ${mu.length} values, expected ${batch}×${a.muDim}`);
    const f = this.forward(x, batch);
    const z = f.zt.dataSync() as Float32Array;
    f.zt.dispose();
    const sigmaSq = new Float64Array(z.length);
    for (let k = 0; k < z.length; k++) sigmaSq[k] = SIGMA_SQ_FLOOR + Math.exp(z[k]!);
    const pairs = batchPairs(labels);
    const dSigma = new Float64Array(z.length);
    const loss = mlsLoss(
      { mu, dim: a.muDim, sigmaSq, genuine: pairs.genuine, ...(this.settings.impostorWeight > 0 ? { impostor: pairs.impostor, impostorWeight: this.settings.impostorWeight } : {}) },
      dSigma,
    );
    // dσ²/dz = exp(z).
    const dz = new Float32Array(z.length);
    let sigmaSum = 0;
    for (let k = 0; k < z.length; k++) {
      dz[k] = dSigma[k]! * Math.exp(z[k]!);
      sigmaSum += sigmaSq[k]!;
    }
    const v = this.vars;
    const wd = this.settings.weightDecay;
    const grads = tf.tidy(() => {
      const o = a.outputDim;
      const dzFull =
        a.sigmaMode === 'scalar' ? tf.tile(tf.div(tf.tensor2d(dz, [batch, 1]), o), [1, o]) : tf.tensor2d(dz, [batch, o]);
      const gSigmaGamma = tf.reshape(tf.sum(tf.mul(dzFull, f.n2)), [1]);
      const gSigmaBeta = tf.reshape(tf.sum(dzFull), [1]);
      const dn2 = tf.mul(dzFull, v.sigmaGamma);
      const da2 = bnBackward(dn2, f.n2, f.inv2);
      const gW2 = tf.add(tf.matMul(f.hidden, da2, true, false), tf.mul(v.w2, wd));
      const dHidden = tf.matMul(da2, v.w2 as tf.Tensor2D, false, true);
      const dy1 = tf.mul(dHidden, tf.step(f.y1));
      const gBn1Gamma = tf.sum(tf.mul(dy1, f.n1), 0);
      const gBn1Beta = tf.sum(dy1, 0);
      const da1 = bnBackward(tf.mul(dy1, v.bn1Gamma), f.n1, f.inv1);
      const gW1 = tf.add(tf.matMul(f.x, da1, true, false), tf.mul(v.w1, wd));
      return { w1: gW1, bn1Gamma: gBn1Gamma, bn1Beta: gBn1Beta, w2: gW2, sigmaGamma: gSigmaGamma, sigmaBeta: gSigmaBeta } as Record<TrainableName, tf.Tensor>;
    });
    const decay = tf.tidy(() => tf.add(tf.sum(tf.square(v.w1)), tf.sum(tf.square(v.w2))).dataSync()[0]!);
    const result: StepResult = { ...loss, totalLoss: loss.loss + 0.5 * wd * decay, meanSigmaSq: sigmaSum / z.length };
    return { result, grads, forward: f };
  }

  /**
   * One momentum-SGD step on a batch; updates the BN moving statistics.
   * @throws PfeError NON_FINITE when the loss or a gradient is not finite (nothing is updated then)
   */
  step(x: Float32Array, mu: Float32Array, labels: Int32Array, learningRate: number): StepResult {
    const { result, grads, forward } = this.forwardBackward(x, mu, labels);
    try {
      if (!Number.isFinite(result.totalLoss)) throw new PfeError('NON_FINITE', `the loss is ${result.totalLoss}`);
      const gradNormSq = tf.tidy(() => TRAINABLE_NAMES.reduce((s, n) => tf.add(s, tf.sum(tf.square(grads[n]))), tf.scalar(0)).dataSync()[0]!);
      if (!Number.isFinite(gradNormSq)) throw new PfeError('NON_FINITE', `the gradient norm is ${Math.sqrt(gradNormSq)} (loss ${result.totalLoss})`);
      const mom = this.settings.momentum;
      tf.tidy(() => {
        for (const name of TRAINABLE_NAMES) {
          const acc = tf.add(tf.mul(this.acc[name], mom), grads[name]);
          this.acc[name].assign(acc);
          this.vars[name].assign(tf.sub(this.vars[name], tf.mul(acc, learningRate)));
        }
      });
      const d = this.settings.bnDecay;
      const update = (moving: Float32Array, batch: tf.Tensor): void => {
        const b = batch.dataSync();
        for (let j = 0; j < moving.length; j++) moving[j] = d * moving[j]! + (1 - d) * b[j]!;
      };
      update(this.moving.bn1MovingMean, forward.mean1);
      update(this.moving.bn1MovingVar, forward.var1);
      update(this.moving.bn2MovingMean, forward.mean2);
      update(this.moving.bn2MovingVar, forward.var2);
      return result;
    } finally {
      tf.dispose(Object.values(grads));
      disposeForward(forward);
    }
  }

  /** A copy of the current weights (trainables, moving statistics, normalisations). */
  weights(): HeadWeights {
    const w = {} as Record<TrainableName, Float32Array>;
    for (const name of TRAINABLE_NAMES) w[name] = (this.vars[name].dataSync() as Float32Array).slice();
    return {
      ...this.fixed,
      ...w,
      bn1MovingMean: this.moving.bn1MovingMean.slice(),
      bn1MovingVar: this.moving.bn1MovingVar.slice(),
      bn2MovingMean: this.moving.bn2MovingMean.slice(),
      bn2MovingVar: this.moving.bn2MovingVar.slice(),
      muMean: this.fixed.muMean.slice(),
    };
  }

  /** A copy of the momentum accumulators (for checkpoints). */
  momentumState(): Record<TrainableName, Float32Array> {
    const out = {} as Record<TrainableName, Float32Array>;
    for (const name of TRAINABLE_NAMES) out[name] = (this.acc[name].dataSync() as Float32Array).slice();
    return out;
  }

  /** Frees the tfjs variables. */
  dispose(): void {
    tf.dispose([...Object.values(this.vars), ...Object.values(this.acc)]);
  }
}

/** Backward of x ↦ n = (x − mean_b x)·inv with batch statistics: dx = inv·(dn − mean_b dn − n·mean_b(dn·n)). */
function bnBackward(dn: tf.Tensor, n: tf.Tensor, inv: tf.Tensor): tf.Tensor2D {
  return tf.mul(inv, tf.sub(tf.sub(dn, tf.mean(dn, 0)), tf.mul(n, tf.mean(tf.mul(dn, n), 0)))) as tf.Tensor2D;
}

function disposeForward(f: Forward): void {
  tf.dispose([f.x, f.n1, f.inv1, f.y1, f.hidden, f.n2, f.inv2, f.mean1, f.var1, f.mean2, f.var2]);
}

/** Convenience for callers drawing per-step randomness: the learning rate of `step` under a two-stage schedule. */
export function scheduledLearningRate(step: number, rates: readonly number[], boundaries: readonly number[]): number {
  let k = 0;
  while (k < boundaries.length && step >= boundaries[k]!) k++;
  return rates[Math.min(k, rates.length - 1)]!;
}
