/**
 * The uncertainty head of PFE (Shi & Jain 2019, reference code `models/uncertainty_module`):
 *   x → FC(H, no bias) → BN(centre, scale) → ReLU → FC(O, no bias) → BN(no centre, no scale)
 *     → one shared scalar scale γ and shift β → z;  log σ² = log(1e-6 + exp(z)).
 * The FC layers carry no bias because a batch norm follows each (slim drops the bias
 * when a normalizer is set). In 'scalar' mode z is averaged over its O outputs, giving one
 * isotropic σ² per image (the default chosen on LFW View 1: docs/RESULTS.md, "Choosing the defaults"); in 'per-dimension' mode
 * O = D and each dimension gets its own σ².
 * Pure data types and shape checks; no tfjs, no I/O.
 */
import { PfeError } from '../core/errors.js';

/** Which backbone feature feeds the head (files of `pfe embed`). */
export type HeadInputKind = 'mu' | 'pooled_global' | 'pooled_grid2x2';

/** All input kinds, in the order of the CLI's help. */
export const HEAD_INPUT_KINDS: readonly HeadInputKind[] = ['mu', 'pooled_global', 'pooled_grid2x2'];

/** One σ² per image ('scalar', repeated over the D dimensions) or one per dimension. */
export type SigmaMode = 'scalar' | 'per-dimension';

/** Reference code's batch-norm epsilon (`batch_norm_params['epsilon']`). */
export const BN_EPSILON = 1e-3;
/** Reference code's batch-norm moving-average decay. */
export const BN_DECAY = 0.995;
/** Floor added to exp(z) before the log, from the reference code (`log(1e-6 + exp(·))`). */
export const SIGMA_SQ_FLOOR = 1e-6;
/** Initial value of the shared scale γ (reference code). */
export const SIGMA_GAMMA_INIT = 1e-4;
/** Initial value of the shared shift β (reference code): σ² starts near exp(−7) ≈ 9e-4. */
export const SIGMA_BETA_INIT = -7;

/** The architecture and feature normalisation of a head (everything but the learned arrays). */
export interface HeadArchitecture {
  readonly inputKind: HeadInputKind;
  /** C: length of one input feature row. */
  readonly inputDim: number;
  /** H: width of the first FC layer. */
  readonly hiddenDim: number;
  /** O: width of the second FC layer (= muDim in per-dimension mode). */
  readonly outputDim: number;
  /** D: embedding dimension of mu (σ² rows have this length). */
  readonly muDim: number;
  readonly sigmaMode: SigmaMode;
  readonly bnEpsilon: number;
}

/**
 * The learned arrays of a head plus the fitted normalisations. Row-major float32.
 * Input normalisation: x = (feature − inputMean) · inputScale.
 * mu centring (for scoring, not for the head input): mu_c = normalise(mu − muMean);
 * muMean is all zeros when centring is off.
 */
export interface HeadWeights {
  /** C, training mean of the input feature. */
  readonly inputMean: Float32Array;
  /** 1 value: a global factor making the average per-dimension variance of x equal 1. */
  readonly inputScale: Float32Array;
  /** C×H. */
  readonly w1: Float32Array;
  /** H each: BN1 scale, shift and moving statistics. */
  readonly bn1Gamma: Float32Array;
  readonly bn1Beta: Float32Array;
  readonly bn1MovingMean: Float32Array;
  readonly bn1MovingVar: Float32Array;
  /** H×O. */
  readonly w2: Float32Array;
  /** O each: BN2 moving statistics (BN2 has no scale or shift of its own). */
  readonly bn2MovingMean: Float32Array;
  readonly bn2MovingVar: Float32Array;
  /** 1 value each: the shared scale γ and shift β giving z. */
  readonly sigmaGamma: Float32Array;
  readonly sigmaBeta: Float32Array;
  /** D: mean of the L2-normalised training mu (zeros = no centring). */
  readonly muMean: Float32Array;
}

/** A complete head: architecture, weights and free-form provenance (backbone, training config). */
export interface UncertaintyHead {
  readonly architecture: HeadArchitecture;
  readonly weights: HeadWeights;
  /** Backbone the head was trained on (features are backbone-specific). */
  readonly backbone: string;
  /** Training configuration and results, stored in the model file as-is. */
  readonly training: Readonly<Record<string, unknown>>;
}

/** Names of the weight arrays in file order. */
export const HEAD_WEIGHT_NAMES = [
  'inputMean',
  'inputScale',
  'w1',
  'bn1Gamma',
  'bn1Beta',
  'bn1MovingMean',
  'bn1MovingVar',
  'w2',
  'bn2MovingMean',
  'bn2MovingVar',
  'sigmaGamma',
  'sigmaBeta',
  'muMean',
] as const satisfies readonly (keyof HeadWeights)[];

/** Expected shape of every weight array for an architecture. */
export function headWeightShapes(a: HeadArchitecture): Record<keyof HeadWeights, number[]> {
  const { inputDim: c, hiddenDim: h, outputDim: o, muDim: d } = a;
  return {
    inputMean: [c],
    inputScale: [1],
    w1: [c, h],
    bn1Gamma: [h],
    bn1Beta: [h],
    bn1MovingMean: [h],
    bn1MovingVar: [h],
    w2: [h, o],
    bn2MovingMean: [o],
    bn2MovingVar: [o],
    sigmaGamma: [1],
    sigmaBeta: [1],
    muMean: [d],
  };
}

/**
 * Checks an architecture: positive integer sizes, per-dimension mode with O = D.
 * @throws PfeError INVALID_ARGUMENT
 */
export function checkHeadArchitecture(a: HeadArchitecture): void {
  for (const key of ['inputDim', 'hiddenDim', 'outputDim', 'muDim'] as const) {
    const v = a[key];
    if (!Number.isInteger(v) || v < 1) throw new PfeError('INVALID_ARGUMENT', `head ${key} must be a positive integer, got ${v}`, { [key]: v });
  }
  if (!HEAD_INPUT_KINDS.includes(a.inputKind)) throw new PfeError('INVALID_ARGUMENT', `head input kind '${String(a.inputKind)}' is not one of ${HEAD_INPUT_KINDS.join(', ')}`);
  if (a.sigmaMode !== 'scalar' && a.sigmaMode !== 'per-dimension') throw new PfeError('INVALID_ARGUMENT', `sigma mode '${String(a.sigmaMode)}' is not 'scalar' or 'per-dimension'`);
  if (a.sigmaMode === 'per-dimension' && a.outputDim !== a.muDim) {
    throw new PfeError('INVALID_ARGUMENT', `a per-dimension head needs outputDim = muDim, got ${a.outputDim} and ${a.muDim}`, { outputDim: a.outputDim, muDim: a.muDim });
  }
  if (!(a.bnEpsilon > 0)) throw new PfeError('INVALID_ARGUMENT', `bnEpsilon must be > 0, got ${a.bnEpsilon}`);
}

/**
 * Checks that every weight array has its architecture's length and finite values;
 * moving variances must be ≥ 0.
 * @throws PfeError INVALID_ARGUMENT, DIMENSION_MISMATCH, NON_FINITE
 */
export function checkHead(head: UncertaintyHead): void {
  checkHeadArchitecture(head.architecture);
  const shapes = headWeightShapes(head.architecture);
  for (const name of HEAD_WEIGHT_NAMES) {
    const arr = head.weights[name];
    const expected = shapes[name].reduce((p, v) => p * v, 1);
    if (!(arr instanceof Float32Array) || arr.length !== expected) {
      throw new PfeError('DIMENSION_MISMATCH', `head weight ${name} has ${arr?.length ?? 'no'} values, expected ${expected} (${shapes[name].join('×')})`, { name });
    }
    for (let k = 0; k < arr.length; k++) {
      if (!Number.isFinite(arr[k]!)) throw new PfeError('NON_FINITE', `head weight ${name}[${k}] is ${arr[k]}`, { name, index: k });
    }
  }
  for (const name of ['bn1MovingVar', 'bn2MovingVar'] as const) {
    if (head.weights[name].some((v) => v < 0)) throw new PfeError('INVALID_ARGUMENT', `head weight ${name} holds a negative variance`);
  }
}
