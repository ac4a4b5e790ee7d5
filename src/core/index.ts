/** The scoring core: pure math on typed arrays, no I/O, runs in Node and browsers. */
export * from './errors.js';
export * from './embedding.js';
export * from './validate.js';
export * from './mls.js';
export * from './mls-ablation.js';
export * from './cosine.js';
export * from './isotropic-mls.js';
export * from './score-metric.js';
export * from './diagonal-score.js';
export * from './fusion.js';
export * from './uncertainty.js';
export * from './kernels/index.js';
export * from './prepared-gallery.js';
export * from './kernel-backend.js';
export * from './mutable-gallery.js';
export * from './gallery-shard.js';
export * from './top-k.js';
