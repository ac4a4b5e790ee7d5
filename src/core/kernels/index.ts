/**
 * Raw kernels: arithmetic only, no input checks. Callers must pass validated, in-range
 * data (the public ops in src/core do). Exposed so an alternative backend can be
 * compared against them.
 */
export { logBlockSize, BLOCK_LOG_LIMIT_DECADES, MAX_LOG_BLOCK } from './block-log.js';
export { mlsSumKernel } from './mls-sum.js';
export { mlsSumPerElementLogKernel } from './mls-sum-per-element.js';
export { weightingSumKernel } from './weighting-sum.js';
export { penaltySumKernel } from './penalty-sum.js';
export { dotProductKernel } from './dot-product.js';
export { squaredDistanceKernel } from './squared-distance.js';
export { harmonicMeanKernel } from './harmonic-mean.js';
export { fuseProductKernel } from './fuse-product.js';
export { fuseMinKernel, REFERENCE_L2_EPSILON } from './fuse-min.js';
export { fuseMeanKernel } from './fuse-mean.js';
export { positiveFloat32, MIN_POSITIVE_FLOAT32 } from './positive-float32.js';
