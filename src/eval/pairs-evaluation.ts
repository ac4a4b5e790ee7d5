/**
 * The comparison every verification table of this project makes on one pair list:
 * cosine on raw mu, cosine on centred mu, and — when Gaussian embeddings are available —
 * MLS (optionally with its ablation halves and cosine on the head's centred mu).
 */
import { PfeError } from '../core/errors.js';
import { countFailedPairs, evaluateMethod, imagesUsedByFold, withFailedPairsRejected, type IndexedPairs, type MethodEvaluation } from './pair-verification.js';
import { centredCosineScorer, cosineScorer, foldExcludedMean, gaussianScorer, type GaussianSource, type MuTable } from './verification-methods.js';

/** Everything evaluatePairs needs. */
export interface PairsEvaluationInput {
  readonly pairs: IndexedPairs;
  /** K images (rows of failed images are ignored). */
  readonly table: MuTable & { readonly failed: Uint8Array };
  readonly fars: readonly number[];
  /**
   * The centring mean for a fold-less pair list (e.g. the head's training mean); without it
   * the mean of all evaluated images is used (transductive: no labels, but the test images).
   * With ≥ 2 folds the mean always comes from the images outside the held-out fold.
   */
  readonly centringMean?: { readonly mean: Float32Array; readonly description: string };
  /**
   * Overrides the centring mean for every held-out fold (e.g. the clean images outside the
   * fold in a protocol with degraded copies, where the stacked table holds more rows than
   * the pairs use).
   */
  readonly centringOverride?: { readonly meanFor: (heldOut: number | undefined) => Float32Array; readonly description: string };
  /** Gaussian embeddings per held-out fold and a description of where they come from. */
  readonly gaussian?: { readonly source: GaussianSource; readonly description: string };
  /** Also report MLS weighting-only, penalty-only and cosine on the source's mu. */
  readonly ablations?: boolean;
}

/** The methods' results and the failure counts. */
export interface PairsEvaluation {
  readonly methods: MethodEvaluation[];
  readonly failedImages: number;
  readonly failedPairs: { genuine: number; impostor: number };
  readonly pairCount: number;
  readonly genuinePairs: number;
}

/**
 * Evaluates the methods on the pairs.
 * @throws PfeError EMPTY_INPUT when the pairs lack a genuine or an impostor pair
 */
export function evaluatePairs(input: PairsEvaluationInput): PairsEvaluation {
  const { pairs, table, fars } = input;
  if (table.count !== pairs.imageCount) throw new PfeError('DIMENSION_MISMATCH', `${table.count} images in the table, ${pairs.imageCount} referenced by the pairs`);
  const folded = pairs.folds !== undefined && pairs.folds.count >= 2;
  const methods: MethodEvaluation[] = [];
  const run = (name: string, description: string, scorer: Parameters<typeof withFailedPairsRejected>[2]): void => {
    methods.push(evaluateMethod(pairs, name, description, withFailedPairsRejected(pairs, table.failed, scorer), fars));
  };
  run('cosine', 'cosine similarity of the L2-normalised backbone mu', cosineScorer(table));
  let centringDescription: string;
  let meanFor: (heldOut: number | undefined) => Float32Array;
  if (input.centringOverride !== undefined) {
    meanFor = input.centringOverride.meanFor;
    centringDescription = input.centringOverride.description;
  } else if (folded) {
    meanFor = foldExcludedMean(table, table.failed, imagesUsedByFold(pairs), pairs.folds!.count);
    centringDescription = 'mean mu of the images of the other folds (no image of the held-out fold), rows re-normalised';
  } else if (input.centringMean !== undefined) {
    const m = input.centringMean.mean;
    meanFor = () => m;
    centringDescription = input.centringMean.description;
  } else {
    meanFor = foldExcludedMean(table, table.failed, new Uint8Array(0), 0);
    centringDescription = 'mean mu of all evaluated images (transductive: the test images, no labels), rows re-normalised';
  }
  run('centred cosine', `cosine after subtracting the ${centringDescription}`, centredCosineScorer(table, meanFor));
  if (input.gaussian !== undefined) {
    const g = input.gaussian;
    run('MLS', `mutual likelihood score (paper form); ${g.description}`, gaussianScorer(g.source, 'mls'));
    if (input.ablations === true) {
      run('MLS weighting only', `−½ Σ Δμ²/(σ²₁+σ²₂): MLS without the log-variance penalty; ${g.description}`, gaussianScorer(g.source, 'weighting-only'));
      run('MLS penalty only', `−½ Σ log(σ²₁+σ²₂): MLS without the distance term; ${g.description}`, gaussianScorer(g.source, 'penalty-only'));
      run('cosine on head mu', `cosine of the mu the head scores (centred with the head's training mean); ${g.description}`, gaussianScorer(g.source, 'cosine'));
    }
  }
  // Failed images among those the pairs use (a stacked table holds rows no pair refers to).
  const used = new Uint8Array(table.count);
  for (let k = 0; k < pairs.a.length; k++) {
    used[pairs.a[k]!] = 1;
    used[pairs.b[k]!] = 1;
  }
  let failedImages = 0;
  for (let i = 0; i < table.failed.length; i++) failedImages += table.failed[i]! & used[i]!;
  let genuinePairs = 0;
  for (let k = 0; k < pairs.labels.length; k++) genuinePairs += pairs.labels[k]!;
  return { methods, failedImages, failedPairs: countFailedPairs(pairs, table.failed), pairCount: pairs.labels.length, genuinePairs };
}
