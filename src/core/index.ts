/** The scoring core: pure math on typed arrays, no I/O, runs in Node and browsers. */
export * from './errors.js';
export * from './embedding.js';
