/**
 * Pooling of a CNN's last feature map and row normalisation, in plain loops on
 * typed arrays (the map is already on the JS side; these are cheap next to the CNN).
 */
import { PfeError } from '../../core/errors.js';

/** Shape of a batch of feature maps stored NHWC, row-major: (n, y, x, c) is at ((n*H + y)*W + x)*C + c. */
export interface FeatureMapShape {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

function checkShape(map: Float32Array, s: FeatureMapShape): void {
  for (const k of ['count', 'height', 'width', 'channels'] as const) {
    const v = s[k];
    if (!Number.isInteger(v) || v < 1) throw new PfeError('INVALID_ARGUMENT', `feature map ${k} must be a positive integer, got ${v}`, { [k]: v });
  }
  const expected = s.count * s.height * s.width * s.channels;
  if (map.length !== expected) {
    throw new PfeError('DIMENSION_MISMATCH', `feature map has ${map.length} values, shape ${s.count}×${s.height}×${s.width}×${s.channels} needs ${expected}`, { length: map.length, expected });
  }
}

/**
 * Adaptive average pooling onto an outH×outW grid, with the bin rule of PyTorch's
 * adaptive_avg_pool2d: bin i covers rows floor(i*H/outH) .. ceil((i+1)*H/outH)-1, so
 * for H=7 and outH=2 the bins are rows 0..3 and 3..6 (row 3 is shared).
 * Input NHWC (see FeatureMapShape); output N × (outH*outW*C), row-major per face
 * over (gridY, gridX, channel). Float64 accumulation.
 */
export function adaptiveAveragePool(map: Float32Array, shape: FeatureMapShape, outH: number, outW: number): Float32Array {
  checkShape(map, shape);
  if (!Number.isInteger(outH) || !Number.isInteger(outW) || outH < 1 || outW < 1 || outH > shape.height || outW > shape.width) {
    throw new PfeError('INVALID_ARGUMENT', `pooling grid ${outH}×${outW} must be within 1..${shape.height}×1..${shape.width}`, { outH, outW });
  }
  const { count, height: H, width: W, channels: C } = shape;
  const out = new Float32Array(count * outH * outW * C);
  const acc = new Float64Array(C);
  for (let n = 0; n < count; n++) {
    for (let gy = 0; gy < outH; gy++) {
      const y0 = Math.floor((gy * H) / outH);
      const y1 = Math.ceil(((gy + 1) * H) / outH);
      for (let gx = 0; gx < outW; gx++) {
        const x0 = Math.floor((gx * W) / outW);
        const x1 = Math.ceil(((gx + 1) * W) / outW);
        acc.fill(0);
        for (let y = y0; y < y1; y++) {
          for (let x = x0; x < x1; x++) {
            const base = ((n * H + y) * W + x) * C;
            for (let c = 0; c < C; c++) acc[c] += map[base + c]!;
          }
        }
        const inv = 1 / ((y1 - y0) * (x1 - x0));
        const outBase = ((n * outH + gy) * outW + gx) * C;
        for (let c = 0; c < C; c++) out[outBase + c] = acc[c]! * inv;
      }
    }
  }
  return out;
}

/** Global average pooling: NHWC map → N×C (the mean over all H*W positions). */
export function globalAveragePool(map: Float32Array, shape: FeatureMapShape): Float32Array {
  return adaptiveAveragePool(map, shape, 1, 1);
}

/**
 * L2-normalises each row of an N×D row-major array into a new array. A row of norm 0
 * (possible for a ReLU network on a blank input) is rejected with NON_FINITE, since
 * its direction is undefined.
 */
export function l2NormalizeRows(values: Float32Array, dim: number): Float32Array {
  if (!Number.isInteger(dim) || dim < 1 || values.length % dim !== 0) {
    throw new PfeError('DIMENSION_MISMATCH', `array of length ${values.length} is not a whole number of rows of ${dim}`, { length: values.length, dim });
  }
  const out = new Float32Array(values.length);
  const rows = values.length / dim;
  for (let r = 0; r < rows; r++) {
    let sq = 0;
    const base = r * dim;
    for (let l = 0; l < dim; l++) {
      const v = values[base + l]!;
      sq += v * v;
    }
    const norm = Math.sqrt(sq);
    if (!(norm > 0) || !Number.isFinite(norm)) {
      throw new PfeError('NON_FINITE', `row ${r} has norm ${norm}; cannot L2-normalise it`, { row: r, norm });
    }
    for (let l = 0; l < dim; l++) out[base + l] = values[base + l]! / norm;
  }
  return out;
}
