/**
 * A synthetic stand-in for face embeddings with known uncertainty, used by `pfe demo`
 * and tests before a trained uncertainty head exists. Pure: no I/O.
 *
 * Model (seeded, all choices documented here):
 * - identity k has a latent direction z_k ~ N(0, I_D), normalised;
 * - an image of k at degradation u in [0, 1] is x = (1−u)·z_k + u·c + ε with
 *   ε ~ N(0, v(u)·I_D / D), where c is one shared "blur" direction (degraded images of
 *   anyone drift towards the same featureless point: the blurry-image dilemma) and
 *   v(u) = V_CLEAN + V_SPAN·u² the noise power;
 * - the embedding is mu = x/||x||, and sigma² in every dimension is the expected squared
 *   distance of x from the identity's latent, per dimension, after the same normalisation:
 *   E||x − z_k||² = u²·||c − z_k||² + v(u) ≈ 2u² + v(u) (c and z_k are nearly orthogonal
 *   unit vectors), so sigma² = (2u² + v(u)) / (D·||x||²). That is what PFE's head is meant
 *   to learn: how far the observed code may be from the person's code — including the
 *   identity information the degradation destroyed, not only the noise.
 */
import { SeededRandom } from '../core/random.js';

/** Noise power of a clean image (fraction of the unit-norm signal). */
export const V_CLEAN = 0.15;
/** Extra noise power at full degradation (u = 1). */
export const V_SPAN = 1.5;

/** A set of synthetic images. */
export interface SyntheticImages {
  readonly dim: number;
  /** N×D row-major, rows L2-normalised. */
  readonly mu: Float32Array;
  /** N×D row-major, constant per row. */
  readonly sigmaSq: Float32Array;
  /** Identity of each image. */
  readonly identity: Int32Array;
  /** Degradation u of each image, in [0, 1]. */
  readonly degradation: Float64Array;
}

function unitGaussian(rng: SeededRandom, dim: number): Float64Array {
  const v = new Float64Array(dim);
  let n = 0;
  for (let l = 0; l < dim; l++) {
    v[l] = rng.nextGaussian();
    n += v[l]! * v[l]!;
  }
  const inv = 1 / Math.sqrt(n);
  for (let l = 0; l < dim; l++) v[l]! *= inv;
  return v;
}

/**
 * Generates images: for each (identity, degradation) in `plan`, one image.
 * @param identities number of identities K (latents are drawn for 0..K−1)
 */
export function syntheticImages(seed: number, dim: number, identities: number, plan: readonly { identity: number; degradation: number }[]): SyntheticImages {
  const rng = new SeededRandom(seed);
  const latents = Array.from({ length: identities }, () => unitGaussian(rng, dim));
  const blur = unitGaussian(rng, dim);
  const n = plan.length;
  const mu = new Float32Array(n * dim);
  const sigmaSq = new Float32Array(n * dim);
  const x = new Float64Array(dim);
  plan.forEach((p, i) => {
    const z = latents[p.identity]!;
    const u = p.degradation;
    const v = V_CLEAN + V_SPAN * u * u;
    const noiseStd = Math.sqrt(v / dim);
    let norm = 0;
    for (let l = 0; l < dim; l++) {
      x[l] = (1 - u) * z[l]! + u * blur[l]! + noiseStd * rng.nextGaussian();
      norm += x[l]! * x[l]!;
    }
    const len = Math.sqrt(norm);
    for (let l = 0; l < dim; l++) mu[i * dim + l] = x[l]! / len;
    sigmaSq.fill((2 * u * u + v) / (dim * norm), i * dim, (i + 1) * dim);
  });
  return {
    dim,
    mu,
    sigmaSq,
    identity: Int32Array.from(plan, (p) => p.identity),
    degradation: Float64Array.from(plan, (p) => p.degradation),
  };
}
