import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SeededRandom } from '../core/random.js';

/**
 * Benchmark data: two seeded batches of Gaussian embeddings stored as raw little-endian
 * float32 files (row-major), so the TypeScript workers and the numpy reference read
 * exactly the same numbers.
 */
export interface BenchDataset {
  readonly dir: string;
  readonly dim: number;
  /** Rows of A (the probes; the 1×N scan uses row 0). */
  readonly countA: number;
  /** Rows of B (the gallery). */
  readonly countB: number;
}

/** Raw file names inside a dataset folder. */
export const DATA_FILES = { muA: 'mu_a.f32', sigmaSqA: 'sigma_sq_a.f32', muB: 'mu_b.f32', sigmaSqB: 'sigma_sq_b.f32' } as const;

/**
 * Writes a dataset: means are random unit vectors (like an L2-normalised backbone output),
 * variances log-uniform in [1e-4, 1e-1] (the range the PFE uncertainty head produces,
 * whose log sigma² starts near -7 ≈ log 1e-3).
 */
export function writeDataset(dir: string, dim: number, countA: number, countB: number, seed: number): BenchDataset {
  mkdirSync(dir, { recursive: true });
  const random = new SeededRandom(seed);
  const unitRows = (count: number) => {
    const mu = new Float32Array(count * dim);
    for (let i = 0; i < count; i++) {
      let squaredNorm = 0;
      for (let l = 0; l < dim; l++) {
        const v = random.nextGaussian();
        mu[i * dim + l] = v;
        squaredNorm += v * v;
      }
      const scale = 1 / Math.sqrt(squaredNorm);
      for (let l = 0; l < dim; l++) mu[i * dim + l] = mu[i * dim + l]! * scale;
    }
    return mu;
  };
  const variances = (count: number) => {
    const low = Math.log(1e-4);
    const high = Math.log(1e-1);
    return Float32Array.from({ length: count * dim }, () => Math.exp(low + (high - low) * random.nextFloat()));
  };
  const write = (name: string, values: Float32Array) => writeFileSync(path.join(dir, name), new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  write(DATA_FILES.muA, unitRows(countA));
  write(DATA_FILES.sigmaSqA, variances(countA));
  write(DATA_FILES.muB, unitRows(countB));
  write(DATA_FILES.sigmaSqB, variances(countB));
  return { dir, dim, countA, countB };
}

/** Reads a raw little-endian float32 file into a Float32Array. */
export function readFloat32File(file: string): Float32Array {
  const bytes = readFileSync(file);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/** Reads a raw little-endian float64 file into a Float64Array. */
export function readFloat64File(file: string): Float64Array {
  const bytes = readFileSync(file);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}
