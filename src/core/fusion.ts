import type { GaussianBatch, GaussianEmbedding } from './embedding.js';
import { PfeError } from './errors.js';
import { fuseMeanKernel } from './kernels/fuse-mean.js';
import { fuseMinKernel } from './kernels/fuse-min.js';
import { fuseProductKernel } from './kernels/fuse-product.js';
import { checkBatchShape, checkGaussianRows, checkIndexList, VarianceRange } from './validate.js';

/**
 * Fusion of several Gaussian embeddings of one subject (a template or a video) into one.
 * - 'product': the paper's posterior under conditional independence,
 *   1/ŝ = Σ 1/s_i, μ̂ = ŝ Σ μ_i/s_i (per dimension).
 * - 'min': the reference code (utils.aggregate_PFE): the same precision-weighted mean,
 *   L2-normalised (x / (1e-8 + ||x||)), with ŝ = min_i s_i, because frames of a video are
 *   far from independent and the product rule would be over-confident. The default.
 * - 'mean': uncertainty-blind baseline, μ̂ = plain average (not normalised), ŝ = Σ s_i / n²,
 *   the variance of that average if the images were independent (see kernels/fuse-mean.ts).
 */
export type FusionRule = 'product' | 'min' | 'mean';

/** All fusion rules, e.g. for CLI validation. */
export const FUSION_RULES: readonly FusionRule[] = ['product', 'min', 'mean'];

/** True when `name` is a FusionRule. */
export function isFusionRule(name: string): name is FusionRule {
  return (FUSION_RULES as readonly string[]).includes(name);
}

type FusionKernel = typeof fuseProductKernel;

const FUSION_KERNELS: Readonly<Record<FusionRule, FusionKernel>> = {
  product: fuseProductKernel,
  min: fuseMinKernel,
  mean: fuseMeanKernel,
};

/** Scratch values per dimension the kernels need (fuse-min keeps a running min as well). */
const SCRATCH_PER_DIMENSION = 3;

/**
 * Fuses all n rows of a batch into one embedding (new Float32Arrays of length D).
 * @throws PfeError EMPTY_INPUT, DIMENSION_MISMATCH, NON_FINITE, NON_POSITIVE_VARIANCE, INVALID_ARGUMENT
 */
export function fuseEmbeddings(batch: GaussianBatch, rule: FusionRule = 'min'): GaussianEmbedding {
  const kernel = fusionKernel(rule);
  checkBatchShape(batch, 'batch');
  checkGaussianRows(batch, 'batch', new VarianceRange());
  const members = new Uint32Array(batch.count);
  for (let i = 0; i < batch.count; i++) members[i] = i;
  const mu = new Float32Array(batch.dim);
  const sigmaSq = new Float32Array(batch.dim);
  kernel(batch.mu, batch.sigmaSq, batch.dim, members, mu, sigmaSq, 0, new Float64Array(SCRATCH_PER_DIMENSION * batch.dim));
  return { dim: batch.dim, mu, sigmaSq };
}

/**
 * Fuses groups of rows (templates): row g of the result fuses the rows `groups[g]` of `batch`.
 * Writes into `out` (G×D, e.g. a reused batch) when given, else allocates a new batch.
 * A row may belong to several groups.
 * @throws PfeError EMPTY_INPUT (no groups or an empty group), INDEX_OUT_OF_RANGE,
 *   DIMENSION_MISMATCH (out has the wrong shape), NON_FINITE, NON_POSITIVE_VARIANCE, INVALID_ARGUMENT
 */
export function fuseGroups(
  batch: GaussianBatch,
  groups: readonly ArrayLike<number>[],
  rule: FusionRule = 'min',
  out?: GaussianBatch,
): GaussianBatch {
  const kernel = fusionKernel(rule);
  checkBatchShape(batch, 'batch');
  if (groups.length === 0) throw new PfeError('EMPTY_INPUT', 'no groups to fuse');
  const dim = batch.dim;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g]!;
    if (group.length === 0) throw new PfeError('EMPTY_INPUT', `group ${g} has no members`, { group: g });
    checkIndexList(group, batch.count, `groups[${g}]`);
  }
  checkGaussianRows(batch, 'batch', new VarianceRange());
  const result = out ?? { count: groups.length, dim, mu: new Float32Array(groups.length * dim), sigmaSq: new Float32Array(groups.length * dim) };
  if (result.count !== groups.length || result.dim !== dim || result.mu.length !== groups.length * dim || result.sigmaSq.length !== groups.length * dim) {
    throw new PfeError('DIMENSION_MISMATCH', `out must be ${groups.length}×${dim}, got ${result.count}×${result.dim}`, {
      expectedCount: groups.length,
      expectedDim: dim,
    });
  }
  const scratch = new Float64Array(SCRATCH_PER_DIMENSION * dim);
  for (let g = 0; g < groups.length; g++) {
    kernel(batch.mu, batch.sigmaSq, dim, groups[g]!, result.mu, result.sigmaSq, g * dim, scratch);
  }
  return result;
}

function fusionKernel(rule: string): FusionKernel {
  if (!isFusionRule(rule)) {
    throw new PfeError('INVALID_ARGUMENT', `unknown fusion rule '${rule}'; expected one of ${FUSION_RULES.join(', ')}`, { rule });
  }
  return FUSION_KERNELS[rule];
}
