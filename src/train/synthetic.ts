/**
 * Synthetic features with a known per-sample noise level, to test that MLS training
 * recovers it. Identity k has a non-negative unit centre c_k (like faceres' ReLU features);
 * sample i of it has the embedding mu_i = normalise(c_k + t_i·ε_i), ε_i ~ N(0, I/D) (so the
 * noise has norm ≈ t_i), and the head sees the raw feature f_i = (1 − t_i/2)·mu_i: a noisier
 * sample has a smaller feature norm, as low-quality faces have for real backbones (on LFW
 * the learned σ² tracks the feature norm: docs/RESULTS.md, "Mixed clean + degraded LFW View 2"). The head must
 * find that cue; the MLS loss only sees distances between the mu of genuine pairs.
 */
import { SeededRandom } from '../core/random.js';
import type { SamplerData } from './sampler.js';
import type { TrainingSet } from './train-run.js';

/** Synthetic samples and their true noise levels. */
export interface SyntheticFeatures {
  readonly set: TrainingSet;
  /** t_i per row. */
  readonly noise: Float64Array;
}

/**
 * @param identities number of identities
 * @param perIdentity samples per identity
 * @param dim D (= C: the head input is the raw feature)
 * @param noiseRange [min, max] of the uniformly drawn t_i
 */
export function syntheticFeatures(identities: number, perIdentity: number, dim: number, noiseRange: readonly [number, number], seed: number): SyntheticFeatures {
  const rng = new SeededRandom(seed);
  const n = identities * perIdentity;
  const features = new Float32Array(n * dim);
  const mu = new Float32Array(n * dim);
  const noise = new Float64Array(n);
  const centre = new Float64Array(dim);
  const imagesOfIdentity: Int32Array[] = [];
  for (let k = 0; k < identities; k++) {
    let norm = 0;
    for (let l = 0; l < dim; l++) norm += (centre[l] = Math.abs(rng.nextGaussian())) ** 2;
    for (let l = 0; l < dim; l++) centre[l]! /= Math.sqrt(norm);
    const rows = new Int32Array(perIdentity);
    for (let s = 0; s < perIdentity; s++) {
      const i = k * perIdentity + s;
      rows[s] = i;
      const t = noiseRange[0] + (noiseRange[1] - noiseRange[0]) * rng.nextFloat();
      noise[i] = t;
      let mn = 0;
      for (let l = 0; l < dim; l++) {
        const v = centre[l]! + (t * rng.nextGaussian()) / Math.sqrt(dim);
        mu[i * dim + l] = v;
        mn += v * v;
      }
      const scale = 1 / Math.sqrt(mn);
      for (let l = 0; l < dim; l++) {
        mu[i * dim + l]! *= scale;
        features[i * dim + l] = (1 - t / 2) * mu[i * dim + l]!;
      }
    }
    imagesOfIdentity.push(rows);
  }
  const sampler: SamplerData = { imagesOfIdentity, cleanRow: Int32Array.from({ length: n }, (_, i) => i), degradedRows: Array.from({ length: n }, () => new Int32Array(0)) };
  return { set: { backbone: 'synthetic', inputKind: 'mu', inputDim: dim, muDim: dim, features, mu, sampler, description: { synthetic: { identities, perIdentity, dim, noiseRange, seed } } }, noise };
}
