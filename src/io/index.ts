/** File formats: numpy `.npy` (pure parser/encoder plus Node file helpers) and embedding folders. */
export * from './npy.js';
export * from './npy-file.js';
export * from './gaussian-matrices.js';
export * from './embedding-folder.js';
