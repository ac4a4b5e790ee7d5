/**
 * The training loss of the uncertainty head and its gradient with respect to σ², in
 * float64 plain loops (the backbone mu is fixed, so only σ² carries gradient).
 *
 * Genuine term (reference code `losses.mutual_likelihood_score_loss`): the mean over the
 * genuine pairs (i, j) of the batch of −MLS in the reference form,
 *   L_ij = Σ_l [ (mu_i[l] − mu_j[l])² / (s_i[l] + s_j[l]) + log(s_i[l] + s_j[l]) ],
 * with s = σ². In scalar mode each image has one σ², so L_ij = ‖Δmu‖²/(s_i+s_j) + D·log(s_i+s_j).
 *
 * Optional impostor term (off by default; the slides' author asked whether it helps):
 *   λ · mean over impostor pairs of softplus(MLS_ij − τ),  τ = mean genuine MLS of the batch,
 * which pushes down impostors that score above a typical genuine pair (the gradient flows
 * through τ too).
 * It is bounded below by 0, unlike −(−MLS) which could be driven to −∞.
 */
import { PfeError } from '../core/errors.js';

/** Index pairs (a[k], b[k]) into a batch, a[k] < b[k]. */
export interface PairList {
  readonly a: Int32Array;
  readonly b: Int32Array;
}

/** All pairs i < j of a batch with equal labels (genuine) and with different labels (impostor). */
export function batchPairs(labels: Int32Array): { genuine: PairList; impostor: PairList } {
  const ga: number[] = [];
  const gb: number[] = [];
  const ia: number[] = [];
  const ib: number[] = [];
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++) {
      if (labels[i] === labels[j]) (ga.push(i), gb.push(j));
      else (ia.push(i), ib.push(j));
    }
  return { genuine: { a: Int32Array.from(ga), b: Int32Array.from(gb) }, impostor: { a: Int32Array.from(ia), b: Int32Array.from(ib) } };
}

/** Inputs of mlsLoss. */
export interface MlsLossInput {
  /** B×D centred, L2-normalised mu of the batch. */
  readonly mu: Float32Array;
  readonly dim: number;
  /** σ² in compact form: B values (scalar mode) or B×D. */
  readonly sigmaSq: Float64Array;
  readonly genuine: PairList;
  /** Impostor pairs and their weight λ; omitted or λ = 0 disables the term. */
  readonly impostor?: PairList;
  readonly impostorWeight?: number;
}

/** Loss value and pieces. */
export interface MlsLossValue {
  /** genuineLoss + λ·impostorLoss. */
  readonly loss: number;
  /** Mean −MLS (reference form) over genuine pairs. */
  readonly genuineLoss: number;
  readonly impostorLoss: number;
}

/**
 * L_ij (reference form: lower = more alike) of batch rows i and j and, when grad is given,
 * adds w·∂L_ij/∂s into grad (compact layout: B values in scalar mode, B×D per dimension).
 */
export function pairTerm(mu: Float32Array, dim: number, s: Float64Array, perDim: boolean, i: number, j: number, grad: Float64Array | undefined, w: number): number {
  const oi = i * dim;
  const oj = j * dim;
  if (!perDim) {
    let d2 = 0;
    for (let l = 0; l < dim; l++) {
      const d = mu[oi + l]! - mu[oj + l]!;
      d2 += d * d;
    }
    const sum = s[i]! + s[j]!;
    if (grad !== undefined) {
      const g = w * (-d2 / (sum * sum) + dim / sum);
      grad[i]! += g;
      grad[j]! += g;
    }
    return d2 / sum + dim * Math.log(sum);
  }
  let total = 0;
  for (let l = 0; l < dim; l++) {
    const d = mu[oi + l]! - mu[oj + l]!;
    const sum = s[oi + l]! + s[oj + l]!;
    total += (d * d) / sum + Math.log(sum);
    if (grad !== undefined) {
      const g = w * (-(d * d) / (sum * sum) + 1 / sum);
      grad[oi + l]! += g;
      grad[oj + l]! += g;
    }
  }
  return total;
}

/**
 * The loss and (optionally) its gradient ∂loss/∂σ² in the compact σ² layout.
 * @param grad zeroed by this function, then filled; same length as sigmaSq
 * @throws PfeError EMPTY_INPUT without genuine pairs, DIMENSION_MISMATCH on bad shapes
 */
export function mlsLoss(input: MlsLossInput, grad?: Float64Array): MlsLossValue {
  const { mu, dim, sigmaSq, genuine } = input;
  const b = mu.length / dim;
  if (!Number.isInteger(b)) throw new PfeError('DIMENSION_MISMATCH', `mu has ${mu.length} values, not a multiple of ${dim}`);
  const perDim = sigmaSq.length === mu.length && dim > 1;
  if (!perDim && sigmaSq.length !== b) throw new PfeError('DIMENSION_MISMATCH', `σ² has ${sigmaSq.length} values; expected ${b} or ${b}×${dim}`);
  if (grad !== undefined) {
    if (grad.length !== sigmaSq.length) throw new PfeError('DIMENSION_MISMATCH', `gradient buffer has ${grad.length} values, σ² has ${sigmaSq.length}`);
    grad.fill(0);
  }
  const g = genuine.a.length;
  if (g === 0) throw new PfeError('EMPTY_INPUT', 'the batch holds no genuine pair; every identity needs at least two samples');
  let genuineSum = 0;
  for (let k = 0; k < g; k++) genuineSum += pairTerm(mu, dim, sigmaSq, perDim, genuine.a[k]!, genuine.b[k]!, grad, 1 / g);
  const genuineLoss = genuineSum / g;
  const lambda = input.impostorWeight ?? 0;
  let impostorLoss = 0;
  const imp = input.impostor;
  if (lambda > 0 && imp !== undefined && imp.a.length > 0) {
    const tau = -genuineLoss; // mean genuine MLS (reference form)
    const genuineGrad = grad?.slice();
    let sigmoidSum = 0;
    const m = imp.a.length;
    for (let k = 0; k < m; k++) {
      const lij = pairTerm(mu, dim, sigmaSq, perDim, imp.a[k]!, imp.b[k]!, undefined, 0);
      const t = -lij - tau;
      impostorLoss += t > 30 ? t : Math.log1p(Math.exp(t)); // softplus, linear beyond 30 where exp would only add rounding
      if (grad !== undefined) {
        // d softplus(−L − τ)/dL = −sigmoid(t); chain through L_ij.
        const sig = 1 / (1 + Math.exp(-t));
        sigmoidSum += sig;
        pairTerm(mu, dim, sigmaSq, perDim, imp.a[k]!, imp.b[k]!, grad, (-lambda * sig) / m);
      }
    }
    impostorLoss /= m;
    // Through τ: ∂/∂s of −τ·(…) gives +λ·mean(sigmoid)·∂genuineLoss/∂s.
    if (grad !== undefined && genuineGrad !== undefined) {
      const c = (lambda * sigmoidSum) / m;
      for (let k = 0; k < grad.length; k++) grad[k]! += c * genuineGrad[k]!;
    }
  }
  return { loss: genuineLoss + lambda * impostorLoss, genuineLoss, impostorLoss };
}
