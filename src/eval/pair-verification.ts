/**
 * Verification of a pair list against a table of per-image embeddings, with failed images
 * kept in the count: a pair with a failed image gets a score below every real score, so a
 * genuine pair is a false reject and an impostor pair a correct reject at any threshold.
 * Methods are pluggable scorers of the held-out fold (a per-fold model, e.g. an out-of-fold
 * uncertainty head or a training mean that excludes the fold's people).
 */
import { PfeError } from '../core/errors.js';
import { tarAtFar, type TarAtFarPoint } from '../metrics/far.js';
import { rocCurve, type RocCurve } from '../metrics/roc.js';
import { evaluateFoldedVerification } from './folded-verification.js';
import type { VerificationPair } from './pair-file.js';

/** Pairs as row indices into an image table (P pairs, K images). */
export interface IndexedPairs {
  /** K, the number of images the indices refer to. */
  readonly imageCount: number;
  /** P first-image rows. */
  readonly a: Int32Array;
  /** P second-image rows. */
  readonly b: Int32Array;
  /** P labels, 1 = genuine. */
  readonly labels: Uint8Array;
  /** P fold indices in 0..foldCount−1 and the fold count; absent without folds. */
  readonly folds?: { readonly index: Int32Array; readonly count: number };
}

/**
 * Turns pairs of image paths into rows of a table of unique paths (in order of first use).
 * @param foldCount number of folds of the pairs (0 = none; every pair must then have no fold)
 * @returns the unique paths and the indexed pairs
 */
export function indexPairs(pairs: readonly VerificationPair[], foldCount: number): { paths: string[]; pairs: IndexedPairs } {
  const rowOf = new Map<string, number>();
  const paths: string[] = [];
  const row = (p: string): number => {
    let r = rowOf.get(p);
    if (r === undefined) {
      r = paths.length;
      rowOf.set(p, r);
      paths.push(p);
    }
    return r;
  };
  const a = new Int32Array(pairs.length);
  const b = new Int32Array(pairs.length);
  const labels = new Uint8Array(pairs.length);
  const folds = new Int32Array(pairs.length);
  pairs.forEach((p, k) => {
    a[k] = row(p.pathA);
    b[k] = row(p.pathB);
    labels[k] = p.genuine ? 1 : 0;
    if (foldCount > 0) {
      if (p.fold === undefined || p.fold < 0 || p.fold >= foldCount) throw new PfeError('INVALID_ARGUMENT', `pair ${k} has fold ${p.fold}, outside 0..${foldCount - 1}`);
      folds[k] = p.fold;
    }
  });
  return { paths, pairs: { imageCount: paths.length, a, b, labels, ...(foldCount > 0 ? { folds: { index: folds, count: foldCount } } : {}) } };
}

/**
 * K×F flags: usedByFold[i·F + f] = 1 when image i appears in a pair of fold f. An image of
 * fold f must stay out of whatever is fitted for testing fold f (a centring mean, a head).
 */
export function imagesUsedByFold(pairs: IndexedPairs): Uint8Array {
  const f = pairs.folds;
  if (f === undefined) return new Uint8Array(0);
  const used = new Uint8Array(pairs.imageCount * f.count);
  for (let k = 0; k < pairs.a.length; k++) {
    used[pairs.a[k]! * f.count + f.index[k]!] = 1;
    used[pairs.b[k]! * f.count + f.index[k]!] = 1;
  }
  return used;
}

/** K folds: the first fold whose pairs use each image (−1 when no pair uses it). */
export function imageFolds(pairs: IndexedPairs): Int32Array {
  const out = new Int32Array(pairs.imageCount).fill(-1);
  const f = pairs.folds;
  if (f === undefined) return out;
  const used = imagesUsedByFold(pairs);
  for (let i = 0; i < pairs.imageCount; i++) {
    for (let g = 0; g < f.count; g++) {
      if (used[i * f.count + g] === 1) {
        out[i] = g;
        break;
      }
    }
  }
  return out;
}

/** Scores of the P pairs with the model fitted without `heldOutFold` (undefined: no folds). */
export type PairScorer = (heldOutFold: number | undefined) => Float64Array;

/** Scores the pairs whose two images are valid (the given rows only), for one held-out fold. */
export type ValidPairScorer = (a: Int32Array, b: Int32Array, heldOutFold: number | undefined) => Float64Array;

/**
 * Wraps a scorer of valid pairs into a PairScorer over all pairs: pairs with a failed image
 * (failed[row] = 1) are not passed to `score` and get `min(valid scores) − 1` (0 when no
 * pair is valid), so they are rejected at every threshold a real score can set.
 * @param failed K flags, 1 = the image could not be embedded
 */
export function withFailedPairsRejected(pairs: IndexedPairs, failed: Uint8Array, score: ValidPairScorer): PairScorer {
  if (failed.length !== pairs.imageCount) throw new PfeError('DIMENSION_MISMATCH', `${failed.length} failure flags for ${pairs.imageCount} images`);
  const valid: number[] = [];
  for (let k = 0; k < pairs.a.length; k++) if (failed[pairs.a[k]!] === 0 && failed[pairs.b[k]!] === 0) valid.push(k);
  const a = Int32Array.from(valid, (k) => pairs.a[k]!);
  const b = Int32Array.from(valid, (k) => pairs.b[k]!);
  return (heldOut) => {
    const out = new Float64Array(pairs.a.length);
    const s = valid.length > 0 ? score(a, b, heldOut) : new Float64Array(0);
    if (s.length !== valid.length) throw new PfeError('DIMENSION_MISMATCH', `a scorer returned ${s.length} scores for ${valid.length} valid pairs`);
    let min = Infinity;
    for (let v = 0; v < s.length; v++) if (s[v]! < min) min = s[v]!;
    out.fill(Number.isFinite(min) ? min - 1 : 0);
    for (let v = 0; v < valid.length; v++) out[valid[v]!] = s[v]!;
    return out;
  };
}

/** Pairs with at least one failed image. */
export function countFailedPairs(pairs: IndexedPairs, failed: Uint8Array): { genuine: number; impostor: number } {
  let genuine = 0;
  let impostor = 0;
  for (let k = 0; k < pairs.a.length; k++) {
    if (failed[pairs.a[k]!] === 0 && failed[pairs.b[k]!] === 0) continue;
    if (pairs.labels[k] === 1) genuine++;
    else impostor++;
  }
  return { genuine, impostor };
}

/** A ROC sampled on a log FAR grid: tar[i] = the best TAR with FAR ≤ far[i]. */
export interface SampledRoc {
  readonly far: number[];
  readonly tar: number[];
}

/**
 * Samples a ROC at `perDecade` log-spaced FARs from the smallest non-zero FAR the data can
 * show (1/impostors, rounded down to a decade) up to 1, taking the best TAR at FAR ≤ each point.
 */
export function sampleRocOnLogGrid(roc: RocCurve, impostorCount: number, perDecade = 20): SampledRoc {
  const lowest = Math.floor(Math.log10(1 / Math.max(1, impostorCount)));
  const far: number[] = [];
  const tar: number[] = [];
  let j = 0;
  let best = 0;
  for (let s = lowest * perDecade; s <= 0; s++) {
    const f = 10 ** (s / perDecade);
    while (j < roc.far.length && roc.far[j]! <= f * (1 + 1e-12)) best = Math.max(best, roc.tar[j++]!);
    far.push(f);
    tar.push(best);
  }
  return { far, tar };
}

/** The evaluation of one scoring method on a pair list. */
export interface MethodEvaluation {
  readonly method: string;
  /** What the method does and which model / mean it used. */
  readonly description: string;
  /** k-fold accuracy (threshold from the other folds); absent without folds. */
  readonly accuracy?: { readonly mean: number; readonly std: number; readonly perFold: number[]; readonly thresholds: number[] };
  /** TAR at the requested FARs on the pooled (held-out) scores. */
  readonly tarAtFar: TarAtFarPoint[];
  readonly auc: number;
  readonly roc: SampledRoc;
  /** Held-out score of every pair (each pair scored by its fold's model). */
  readonly scores: Float64Array;
}

/**
 * Evaluates one scoring method: k-fold accuracy (when the pairs have ≥ 2 folds; each fold
 * scored by scorer(fold), threshold from the other folds), TAR at `fars` and the ROC on the
 * pooled held-out scores.
 * @throws PfeError EMPTY_INPUT when the pairs lack a genuine or an impostor pair
 */
export function evaluateMethod(pairs: IndexedPairs, method: string, description: string, scorer: PairScorer, fars: readonly number[]): MethodEvaluation {
  let scores: Float64Array;
  let accuracy: MethodEvaluation['accuracy'];
  let points: TarAtFarPoint[];
  if (pairs.folds !== undefined && pairs.folds.count >= 2) {
    const r = evaluateFoldedVerification(pairs.labels, pairs.folds.index, pairs.folds.count, (f) => scorer(f), fars);
    scores = r.heldOutScores;
    accuracy = { mean: r.meanAccuracy, std: r.stdAccuracy, perFold: r.foldAccuracies, thresholds: r.thresholds };
    points = r.tarAtFar;
  } else {
    scores = scorer(undefined);
    points = tarAtFar(scores, pairs.labels, fars);
  }
  const roc = rocCurve(scores, pairs.labels);
  let impostors = 0;
  for (let k = 0; k < pairs.labels.length; k++) if (pairs.labels[k] === 0) impostors++;
  return { method, description, ...(accuracy === undefined ? {} : { accuracy }), tarAtFar: points, auc: roc.auc, roc: sampleRocOnLogGrid(roc, impostors), scores };
}
