/**
 * Inference of the uncertainty head with TensorFlow.js core ops only (no layers, no
 * training code, no Node APIs), so the same weights run in a browser. The caller sets up
 * a tfjs backend first (in Node: initBackend from face/runtime/tfjs-runtime.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { PfeError } from '../core/errors.js';
import { centreMu, normaliseInput } from './feature-normalisation.js';
import { checkHead, SIGMA_SQ_FLOOR, type UncertaintyHead } from './head-model.js';

/** Rows per tfjs call: bounds the memory of one call (rows×max(C, H, O) floats per tensor). */
const INFERENCE_CHUNK_ROWS = 1024;

/**
 * σ² of N images from their head input features, in compact form: N values in scalar
 * mode, N×D row-major in per-dimension mode. Batch norms use the moving statistics.
 * @param features N×C row-major, the head's input kind (e.g. pooled_global rows)
 * @throws PfeError DIMENSION_MISMATCH when C does not match the head
 */
export function predictCompactSigmaSq(head: UncertaintyHead, features: Float32Array): Float32Array {
  checkHead(head);
  const a = head.architecture;
  const w = head.weights;
  if (features.length % a.inputDim !== 0) {
    throw new PfeError('DIMENSION_MISMATCH', `features have ${features.length} values, not a multiple of the head's input size ${a.inputDim} (${a.inputKind})`);
  }
  const n = features.length / a.inputDim;
  const perImage = a.sigmaMode === 'scalar' ? 1 : a.outputDim;
  const out = new Float32Array(n * perImage);
  if (n === 0) return out;
  // Fold each batch norm with moving statistics into one affine map per column.
  const s1 = new Float32Array(a.hiddenDim);
  const t1 = new Float32Array(a.hiddenDim);
  for (let j = 0; j < a.hiddenDim; j++) {
    s1[j] = w.bn1Gamma[j]! / Math.sqrt(w.bn1MovingVar[j]! + a.bnEpsilon);
    t1[j] = w.bn1Beta[j]! - w.bn1MovingMean[j]! * s1[j]!;
  }
  const g = w.sigmaGamma[0]!;
  const s2 = new Float32Array(a.outputDim);
  const t2 = new Float32Array(a.outputDim);
  for (let j = 0; j < a.outputDim; j++) {
    s2[j] = g / Math.sqrt(w.bn2MovingVar[j]! + a.bnEpsilon);
    t2[j] = w.sigmaBeta[0]! - w.bn2MovingMean[j]! * s2[j]!;
  }
  const x = normaliseInput(features, a.inputDim, w.inputMean, w.inputScale[0]!);
  const [w1, w2, s1t, t1t, s2t, t2t] = [
    tf.tensor2d(w.w1, [a.inputDim, a.hiddenDim]),
    tf.tensor2d(w.w2, [a.hiddenDim, a.outputDim]),
    tf.tensor1d(s1),
    tf.tensor1d(t1),
    tf.tensor1d(s2),
    tf.tensor1d(t2),
  ];
  try {
    for (let start = 0; start < n; start += INFERENCE_CHUNK_ROWS) {
      const rows = Math.min(INFERENCE_CHUNK_ROWS, n - start);
      const values = tf.tidy(() => {
        const xt = tf.tensor2d(x.subarray(start * a.inputDim, (start + rows) * a.inputDim), [rows, a.inputDim]);
        const hidden = tf.relu(tf.add(tf.mul(tf.matMul(xt, w1), s1t), t1t));
        let z = tf.add(tf.mul(tf.matMul(hidden, w2), s2t), t2t);
        if (a.sigmaMode === 'scalar') z = tf.mean(z, 1);
        return tf.add(tf.exp(z), SIGMA_SQ_FLOOR);
      });
      out.set(values.dataSync() as Float32Array, start * perImage);
      values.dispose();
    }
  } finally {
    tf.dispose([w1, w2, s1t, t1t, s2t, t2t]);
  }
  return out;
}

/**
 * Expands compact σ² (N values, or N×D) to the N×D rows GaussianBatch wants.
 * @param dim D
 */
export function expandSigmaSq(compact: Float32Array, count: number, dim: number): Float32Array {
  if (compact.length === count * dim) return compact;
  if (compact.length !== count) throw new PfeError('DIMENSION_MISMATCH', `σ² has ${compact.length} values; expected ${count} or ${count}×${dim}`);
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) out.fill(compact[i]!, i * dim, (i + 1) * dim);
  return out;
}

/** Gaussian embeddings of N images: centred mu and σ², both N×D row-major. */
export interface HeadEmbeddings {
  readonly count: number;
  readonly dim: number;
  /** mu minus the head's training mean, L2-normalised (the mu MLS was trained on). */
  readonly mu: Float32Array;
  readonly sigmaSq: Float32Array;
}

/**
 * Applies a head to N images: centres mu with the head's stored mean and predicts σ².
 * @param mu N×D L2-normalised backbone embeddings
 * @param features N×C head input rows (the head's inputKind; pass mu itself for 'mu')
 */
export function applyHead(head: UncertaintyHead, mu: Float32Array, features: Float32Array): HeadEmbeddings {
  const d = head.architecture.muDim;
  if (mu.length % d !== 0) throw new PfeError('DIMENSION_MISMATCH', `mu has ${mu.length} values, not a multiple of the head's D = ${d}`);
  const count = mu.length / d;
  if (features.length !== count * head.architecture.inputDim) {
    throw new PfeError('DIMENSION_MISMATCH', `${count} mu rows but ${features.length / head.architecture.inputDim} feature rows`);
  }
  const sigmaSq = expandSigmaSq(predictCompactSigmaSq(head, features), count, d);
  return { count, dim: d, mu: count === 0 ? new Float32Array(0) : centreMu(mu, d, head.weights.muMean), sigmaSq };
}
