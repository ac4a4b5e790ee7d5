/** Library entry point: the browser-safe core plus Node-side I/O. */
export * from './core/index.js';
export * from './io/index.js';
export * from './metrics/index.js';
export * from './plot/index.js';
export * from './head/index.js';
export * from './head/model-file.js';
