/** The PFE uncertainty head: model definition, file format and tfjs inference (browser-safe; file I/O lives in model-file.ts). */
export * from './head-model.js';
export * from './feature-normalisation.js';
export * from './head-reference.js';
export * from './head-inference.js';
export * from './model-format.js';
