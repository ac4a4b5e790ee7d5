/**
 * A full training run of the uncertainty head on cached features: fits the input
 * normalisation and the mu centring on the training images, then runs seeded
 * momentum-SGD steps. The batch of step t depends only on (seed, t), so a run resumed from
 * a checkpoint continues exactly as an uninterrupted one would.
 */
import { PfeError } from '../core/errors.js';
import { deriveSeed, SeededRandom } from '../core/random.js';
import { centreMu, columnMeans, fitInputScale, normaliseInput } from '../head/feature-normalisation.js';
import { BN_EPSILON, checkHeadArchitecture, type HeadArchitecture, type HeadInputKind, type SigmaMode, type UncertaintyHead } from '../head/head-model.js';
import { HeadTrainer, initialHeadWeights, scheduledLearningRate, type StepResult, type TrainableName } from './head-trainer.js';
import type { LossCurveRow } from './loss-curve.js';
import { IdentityBatchSampler, type SamplerData, type SamplerMode } from './sampler.js';

/** Cached features of the training images and how they group into identities. */
export interface TrainingSet {
  /** Backbone the features come from; the trained head records it. */
  readonly backbone: string;
  readonly inputKind: HeadInputKind;
  /** C. */
  readonly inputDim: number;
  /** D. */
  readonly muDim: number;
  /** R×C head input rows (clean and degraded copies stacked). */
  readonly features: Float32Array;
  /** R×D L2-normalised backbone mu, same rows. */
  readonly mu: Float32Array;
  readonly sampler: SamplerData;
  /** Provenance stored in the model file (folders, held-out set, degradations). */
  readonly description: Readonly<Record<string, unknown>>;
}

/** Every setting of a run. */
export interface TrainConfig {
  readonly steps: number;
  /** Learning rates of the stages, e.g. [1e-3, 1e-4]. */
  readonly learningRates: readonly number[];
  /** First step of each later stage, e.g. [2000]. */
  readonly learningRateBoundaries: readonly number[];
  readonly identitiesPerBatch: number;
  readonly samplesPerIdentity: number;
  readonly degradedPerIdentity: number;
  readonly samplerMode: SamplerMode;
  readonly sigmaMode: SigmaMode;
  /** H, width of the first FC layer (the reference uses D; see DEFAULT_TRAIN_CONFIG). */
  readonly hiddenDim: number;
  /** O, width of the second FC layer in scalar mode (per-dimension mode always uses D). */
  readonly outputDim: number;
  /** Subtract the training mean of mu before scoring (and training). */
  readonly centreMu: boolean;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly bnDecay: number;
  readonly impostorWeight: number;
  /** Weight of the pairwise verification loss (0 = the paper's loss alone). */
  readonly verificationWeight: number;
  /** Temperature of the verification loss, as a fraction of the batch's impostor–genuine gap. */
  readonly verificationTemperature: number;
  readonly seed: number;
  /**
   * The run stops when the loss exceeds explodeFactor·(|first loss| + 1). 100: a genuine pair
   * at typical distance with σ² at the 1e-6 floor costs about that much more than at the start.
   */
  readonly explodeFactor: number;
}

/**
 * The PFE reference code's settings (Shi & Jain 2019: 64 × 4 batches, lr 1e-3 → 1e-4 at 2000, 3000 steps),
 * except the layer widths: H = O = 256 instead of D = 1024, because a step at 1024 took 1.45 s
 * on this 2-core machine (73 min per 3000-step run) against 0.13 s at 256 (docs/RESULTS.md).
 */
export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  steps: 3000,
  learningRates: [1e-3, 1e-4],
  learningRateBoundaries: [2000],
  identitiesPerBatch: 64,
  samplesPerIdentity: 4,
  degradedPerIdentity: 1,
  samplerMode: 'mixed',
  sigmaMode: 'scalar',
  hiddenDim: 256,
  outputDim: 256,
  centreMu: true,
  momentum: 0.9,
  weightDecay: 5e-4,
  bnDecay: 0.995,
  impostorWeight: 0,
  verificationWeight: 0,
  verificationTemperature: 0.1,
  seed: 0,
  explodeFactor: 100,
};

/** Saved state for resuming (see checkpoint.ts). */
export interface TrainState {
  readonly step: number;
  readonly head: UncertaintyHead;
  readonly momentum: Record<TrainableName, Float32Array>;
  readonly curve: readonly LossCurveRow[];
}

/** Callbacks of trainHead. */
export interface TrainHooks {
  /** After every step. */
  onStep?(row: LossCurveRow, result: StepResult): void;
  /** Every `checkpointEvery` steps and at the end; may be async (awaited). */
  onCheckpoint?(state: TrainState): Promise<void> | void;
  readonly checkpointEvery?: number;
  /** Continue from this state instead of starting fresh. */
  readonly resume?: TrainState;
}

/** The result of trainHead. */
export interface TrainOutcome {
  readonly head: UncertaintyHead;
  readonly curve: readonly LossCurveRow[];
  /** Wall-clock seconds of the steps run in this call. */
  readonly seconds: number;
}

/** Stream index of the weight-initialisation random numbers (steps use streams 0..steps−1). */
const INIT_STREAM = 0xffffffff;

function gatherRows(values: Float32Array, dim: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let k = 0; k < rows.length; k++) out.set(values.subarray(rows[k]! * dim, (rows[k]! + 1) * dim), k * dim);
  return out;
}

function architectureOf(set: TrainingSet, config: TrainConfig): HeadArchitecture {
  return {
    inputKind: set.inputKind,
    inputDim: set.inputDim,
    hiddenDim: config.hiddenDim,
    outputDim: config.sigmaMode === 'per-dimension' ? set.muDim : config.outputDim,
    muDim: set.muDim,
    sigmaMode: config.sigmaMode,
    bnEpsilon: BN_EPSILON,
  };
}

/**
 * Trains a head (or continues one from hooks.resume).
 * @throws PfeError NON_FINITE when the loss becomes NaN/∞ or explodes (no head is returned then),
 *         INVALID_ARGUMENT for bad settings or too few identities
 */
export async function trainHead(set: TrainingSet, config: TrainConfig, hooks: TrainHooks = {}): Promise<TrainOutcome> {
  if (!Number.isInteger(config.steps) || config.steps < 1) throw new PfeError('INVALID_ARGUMENT', `steps must be a positive integer, got ${config.steps}`);
  if (config.learningRates.length !== config.learningRateBoundaries.length + 1) {
    throw new PfeError('INVALID_ARGUMENT', `${config.learningRates.length} learning rates need ${config.learningRates.length - 1} boundaries, got ${config.learningRateBoundaries.length}`);
  }
  const arch = architectureOf(set, config);
  checkHeadArchitecture(arch);
  const sampler = new IdentityBatchSampler(set.sampler, {
    identitiesPerBatch: config.identitiesPerBatch,
    samplesPerIdentity: config.samplesPerIdentity,
    degradedPerIdentity: config.degradedPerIdentity,
    mode: config.samplerMode,
  });
  let trainer: HeadTrainer;
  let startStep = 0;
  const curve: LossCurveRow[] = [];
  const settings = {
    momentum: config.momentum,
    weightDecay: config.weightDecay,
    bnDecay: config.bnDecay,
    impostorWeight: config.impostorWeight,
    verificationWeight: config.verificationWeight,
    verificationTemperature: config.verificationTemperature,
  };
  if (hooks.resume !== undefined) {
    const r = hooks.resume;
    if (JSON.stringify(r.head.architecture) !== JSON.stringify(arch)) throw new PfeError('INVALID_ARGUMENT', 'the checkpoint was trained with another architecture or input kind');
    trainer = new HeadTrainer(arch, r.head.weights, settings, r.momentum);
    startStep = r.step;
    curve.push(...r.curve);
  } else {
    // Normalisations from the clean training images only.
    const cleanRows = set.sampler.cleanRow;
    const inputMean = columnMeans(set.features, set.inputDim, cleanRows);
    const inputScale = fitInputScale(set.features, set.inputDim, inputMean, cleanRows);
    const muMean = config.centreMu ? columnMeans(set.mu, set.muDim, cleanRows) : new Float32Array(set.muDim);
    const weights = initialHeadWeights(arch, new SeededRandom(deriveSeed(config.seed, INIT_STREAM)), { inputMean, inputScale: Float32Array.of(inputScale), muMean });
    trainer = new HeadTrainer(arch, weights, settings);
  }
  const every = hooks.checkpointEvery ?? 0;
  const started = performance.now();
  let firstLoss = curve[0]?.totalLoss;
  const makeHead = (step: number): UncertaintyHead => ({
    architecture: arch,
    weights: trainer.weights(),
    backbone: set.backbone,
    training: { ...set.description, config: { ...config }, step, finalLoss: curve.at(-1)?.totalLoss ?? null, date: new Date().toISOString() },
  });
  try {
    const w = trainer.weights();
    for (let step = startStep; step < config.steps; step++) {
      const batch = sampler.sample(new SeededRandom(deriveSeed(config.seed, step)));
      const x = normaliseInput(set.features, set.inputDim, w.inputMean, w.inputScale[0]!, batch.rows);
      const mu = centreMu(gatherRows(set.mu, set.muDim, batch.rows), set.muDim, w.muMean);
      const lr = scheduledLearningRate(step, config.learningRates, config.learningRateBoundaries);
      let result: StepResult;
      try {
        result = trainer.step(x, mu, batch.labels, lr);
      } catch (e) {
        if (e instanceof PfeError && e.code === 'NON_FINITE') {
          throw new PfeError('NON_FINITE', `training diverged at step ${step + 1}: ${e.message}; no model was written (try a lower learning rate)`, { step: step + 1 });
        }
        throw e;
      }
      firstLoss ??= result.totalLoss;
      if (result.totalLoss > config.explodeFactor * (Math.abs(firstLoss) + 1)) {
        throw new PfeError('NON_FINITE', `training exploded at step ${step + 1}: loss ${result.totalLoss.toExponential(3)} is above ${config.explodeFactor}×(|first loss ${firstLoss.toFixed(1)}| + 1); no model was written (try a lower learning rate)`, { step: step + 1 });
      }
      const row: LossCurveRow = {
        step: step + 1,
        learningRate: lr,
        totalLoss: result.totalLoss,
        genuineLoss: result.genuineLoss,
        impostorLoss: result.impostorLoss,
        meanSigmaSq: result.meanSigmaSq,
        seconds: (performance.now() - started) / 1000,
      };
      curve.push(row);
      hooks.onStep?.(row, result);
      if (hooks.onCheckpoint !== undefined && ((every > 0 && (step + 1) % every === 0) || step + 1 === config.steps)) {
        await hooks.onCheckpoint({ step: step + 1, head: makeHead(step + 1), momentum: trainer.momentumState(), curve: [...curve] });
      }
    }
    return { head: makeHead(config.steps), curve, seconds: (performance.now() - started) / 1000 };
  } finally {
    trainer.dispose();
  }
}
