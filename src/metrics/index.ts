/** Evaluation metrics (pure, typed arrays): ROC/TAR@FAR, accuracy, identification, quality EDC. */
export * from './validate.js';
export * from './far.js';
export * from './roc.js';
export * from './accuracy.js';
export * from './identification.js';
export * from './quality.js';
export * from './edc.js';
export * from './image-filter.js';
