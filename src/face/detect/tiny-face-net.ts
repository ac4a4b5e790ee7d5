/**
 * face-api's Tiny Face Detector (a Tiny-YOLOv2 with depthwise-separable convolutions,
 * one class, 5 anchors), forward pass on tfjs-core ops from the weights of
 * @vladmandic/face-api 1.7.15 (`tiny_face_detector_model`).
 *
 * Input as face-api prepares it (src/tinyYolov2/TinyYolov2Base.ts there): RGB 0..255,
 * minus the mean MEAN_RGB, divided by 256. The network is fully convolutional with an
 * output stride of 32: an input of 32·k pixels (k ≥ 1) gives k cells (the first 3×3
 * convolution is 'valid', then five 2×2 'same' max-pools of stride 2 round up).
 * Each cell predicts, per anchor: tx, ty, tw, th, objectness logit.
 */
import * as tf from '@tensorflow/tfjs-core';
import { PfeError } from '../../core/errors.js';
import { type FaceApiWeights, weightOfShape } from '../runtime/face-api-tensors.js';

/** Output stride in input pixels (one cell per 32×32 input pixels). */
export const TINY_FACE_STRIDE = 32;

/** Per-channel RGB mean subtracted before scaling (face-api tinyFaceDetector/const.ts MEAN_RGB). */
const MEAN_RGB: readonly [number, number, number] = [117.001, 114.697, 97.404];
/** Divisor after the mean (face-api TinyYolov2Base.forwardInput divides by 256, not 255). */
const INPUT_DIVISOR = 256;
/** Slope of the leaky ReLU (face-api tinyYolov2/leaky.ts). */
const LEAKY_SLOPE = 0.1;

/** Anchor (width, height) in cells (face-api tinyFaceDetector/const.ts BOX_ANCHORS). */
const ANCHORS: readonly (readonly [number, number])[] = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];
/** Values per anchor: tx, ty, tw, th, objectness. */
const BOX_ENCODING = 5;

/** Channel counts of conv0..conv5 (face-api TinyFaceDetector filterSizes [3, 16, 32, 64, 128, 256, 512]). */
const CHANNELS = [3, 16, 32, 64, 128, 256, 512] as const;

/** One raw detection in the network input's pixel coordinates (corner box). */
export interface TinyFaceCandidate {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  /** Sigmoid of the objectness logit, 0..1. */
  readonly score: number;
}

interface SeparableConv {
  readonly depthwise: tf.Tensor4D;
  readonly pointwise: tf.Tensor4D;
  readonly bias: tf.Tensor1D;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The network with its weights; build with `TinyFaceNet.fromWeights`. */
export class TinyFaceNet {
  private constructor(
    private readonly conv0: { readonly filters: tf.Tensor4D; readonly bias: tf.Tensor1D },
    private readonly separable: readonly SeparableConv[],
    private readonly head: { readonly filters: tf.Tensor4D; readonly bias: tf.Tensor1D },
    private readonly owned: FaceApiWeights,
  ) {}

  /** Checks every tensor's shape against the architecture and keeps them (the net owns `weights`). */
  static fromWeights(weights: FaceApiWeights): TinyFaceNet {
    const rawFilters = weightOfShape<tf.Rank.R4>(weights, 'conv0/filters', [3, 3, 3, CHANNELS[1]]);
    const rawBias = weightOfShape<tf.Rank.R1>(weights, 'conv0/bias', [CHANNELS[1]]);
    // conv0 is 'valid', so conv(W, (x − m)/d) + b = conv(W/d, x) + (b − Σ W·m/d) holds at every output pixel;
    // folding saves two full-image ops per call.
    const conv0 = tf.tidy(() => {
      const filters = tf.div(rawFilters, INPUT_DIVISOR) as tf.Tensor4D;
      const meanTerm = tf.sum(tf.mul(filters, tf.reshape(tf.tensor1d([...MEAN_RGB]), [1, 1, 3, 1])), [0, 1, 2]);
      return { filters, bias: tf.sub(rawBias, meanTerm) as tf.Tensor1D };
    });
    const separable: SeparableConv[] = [];
    for (let i = 1; i <= 5; i++) {
      const cin = CHANNELS[i]!;
      const cout = CHANNELS[i + 1]!;
      separable.push({
        depthwise: weightOfShape(weights, `conv${i}/depthwise_filter`, [3, 3, cin, 1]),
        pointwise: weightOfShape(weights, `conv${i}/pointwise_filter`, [1, 1, cin, cout]),
        bias: weightOfShape(weights, `conv${i}/bias`, [cout]),
      });
    }
    const outChannels = ANCHORS.length * BOX_ENCODING;
    const head = { filters: weightOfShape<tf.Rank.R4>(weights, 'conv8/filters', [1, 1, CHANNELS[6], outChannels]), bias: weightOfShape<tf.Rank.R1>(weights, 'conv8/bias', [outChannels]) };
    return new TinyFaceNet(conv0, separable, head, new Map([...weights, ['folded/conv0/filters', conv0.filters], ['folded/conv0/bias', conv0.bias]]));
  }

  /**
   * Raw network output for images [N, 32·a, 32·b, 3] of 0..255 floats (not disposed):
   * [N, a, b, 25]. Out-of-image padding should be 0 (black), as face-api pads.
   */
  forward(images: tf.Tensor4D): tf.Tensor4D {
    const [, h, w] = images.shape;
    if (h % TINY_FACE_STRIDE !== 0 || w % TINY_FACE_STRIDE !== 0 || h === 0 || w === 0) {
      throw new PfeError('INVALID_ARGUMENT', `tiny face net input must be a positive multiple of ${TINY_FACE_STRIDE} px, got ${w}×${h}`);
    }
    return tf.tidy(() => {
      // The input normalisation is folded into conv0 (see fromWeights): raw 0..255 pixels go in.
      let out = tf.fused.conv2d({ x: images, filter: this.conv0.filters, strides: 1, pad: 'valid', bias: this.conv0.bias, activation: 'leakyrelu', leakyreluAlpha: LEAKY_SLOPE });
      this.separable.forEach((p, i) => {
        // The max-pools before conv1..conv5 halve; the one before the head (after conv5) keeps the size.
        out = tf.maxPool(out, 2, 2, 'same');
        // face-api pads by 1 and convolves 'valid': the same as 'same' for a 3×3 stride-1 kernel.
        const depthwise = tf.depthwiseConv2d(out, p.depthwise, 1, 'same');
        out = tf.fused.conv2d({ x: depthwise, filter: p.pointwise, strides: 1, pad: 'valid', bias: p.bias, activation: 'leakyrelu', leakyreluAlpha: LEAKY_SLOPE });
        if (i === this.separable.length - 1) out = tf.maxPool(out, 2, 1, 'same');
      });
      return tf.fused.conv2d({ x: out, filter: this.head.filters, strides: 1, pad: 'valid', bias: this.head.bias });
    });
  }

  /**
   * Detections of one image [1, 32·a, 32·b, 3] (0..255) with score ≥ minScore, in its
   * pixel coordinates (box corners; pixel (0,0) spans 0..1), before non-maximum suppression.
   */
  async detect(image: tf.Tensor4D, minScore: number): Promise<TinyFaceCandidate[]> {
    const out = this.forward(image);
    let values: Float32Array;
    try {
      values = (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
    const [, rows, cols] = out.shape;
    return decodeTinyFaceOutput(values, rows, cols, minScore);
  }

  /** Frees the weights. */
  dispose(): void {
    for (const t of this.owned.values()) t.dispose();
  }
}

/**
 * Decodes the head's output [rows, cols, anchors × 5] (row-major) into boxes in input
 * pixels: centre = (cell + sigmoid(t)) · stride, size = anchor · exp(t) · stride
 * (the YOLOv2 parameterisation, as face-api's TinyYolov2Base.extractBoxes).
 */
export function decodeTinyFaceOutput(values: Float32Array, rows: number, cols: number, minScore: number): TinyFaceCandidate[] {
  const perCell = ANCHORS.length * BOX_ENCODING;
  if (values.length !== rows * cols * perCell) throw new PfeError('DIMENSION_MISMATCH', `tiny face output has ${values.length} values, expected ${rows}×${cols}×${perCell}`);
  const found: TinyFaceCandidate[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      for (let a = 0; a < ANCHORS.length; a++) {
        const o = (r * cols + c) * perCell + a * BOX_ENCODING;
        const score = sigmoid(values[o + 4]!);
        if (score < minScore) continue;
        const cx = (c + sigmoid(values[o]!)) * TINY_FACE_STRIDE;
        const cy = (r + sigmoid(values[o + 1]!)) * TINY_FACE_STRIDE;
        const w = ANCHORS[a]![0] * Math.exp(values[o + 2]!) * TINY_FACE_STRIDE;
        const h = ANCHORS[a]![1] * Math.exp(values[o + 3]!) * TINY_FACE_STRIDE;
        found.push({ x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2, score });
      }
    }
  }
  return found;
}
