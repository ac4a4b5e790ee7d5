/**
 * face-api's 68-point face landmark network (`face_landmark_68_model`, @vladmandic/face-api
 * 1.7.15), forward pass on tfjs-core ops: four dense blocks of (separable) convolutions,
 * a 7×7 average pool and a fully connected layer to 136 values, the 68 (x, y) points in
 * the iBUG-300W / dlib order as fractions of the 112×112 input.
 *
 * Input as face-api prepares it (faceFeatureExtractor/FaceFeatureExtractor.ts there):
 * the face box, padded to a square with black bars centred, resized to 112×112, RGB
 * minus MEAN_RGB, divided by 255.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type FaceApiWeights, weightOfShape } from '../runtime/face-api-tensors.js';

/** Input side in pixels (face-api FaceFeatureExtractor: toBatchTensor(112, true)). */
export const LANDMARK_68_INPUT_SIZE = 112;
/** Landmark count (iBUG 300-W markup, as dlib's shape predictor). */
export const LANDMARK_68_COUNT = 68;

/** face-api FaceFeatureExtractor's per-channel RGB mean. */
const MEAN_RGB: readonly [number, number, number] = [122.782, 117.001, 104.298];
/** Divisor after the mean (face-api divides by 255 here). */
const INPUT_DIVISOR = 255;
/** Output channels of dense0..dense3. */
const BLOCK_CHANNELS = [32, 64, 128, 256] as const;
/** Convolutions per dense block. */
const CONVS_PER_BLOCK = 4;

interface Conv {
  readonly filters: tf.Tensor4D;
  readonly bias: tf.Tensor1D;
}
interface SeparableConv {
  readonly depthwise: tf.Tensor4D;
  readonly pointwise: tf.Tensor4D;
  readonly bias: tf.Tensor1D;
}
type Block = readonly [Conv | SeparableConv, SeparableConv, SeparableConv, SeparableConv];

function separable(weights: FaceApiWeights, prefix: string, cin: number, cout: number): SeparableConv {
  return {
    depthwise: weightOfShape(weights, `${prefix}/depthwise_filter`, [3, 3, cin, 1]),
    pointwise: weightOfShape(weights, `${prefix}/pointwise_filter`, [1, 1, cin, cout]),
    bias: weightOfShape(weights, `${prefix}/bias`, [cout]),
  };
}

function applyConv(x: tf.Tensor4D, p: Conv | SeparableConv, stride: 1 | 2): tf.Tensor4D {
  if ('filters' in p) return tf.fused.conv2d({ x, filter: p.filters, strides: stride, pad: 'same', bias: p.bias });
  // separableConv2d = depthwise then 1×1; the bias rides on the fused 1×1 convolution.
  return tf.fused.conv2d({ x: tf.depthwiseConv2d(x, p.depthwise, stride, 'same'), filter: p.pointwise, strides: 1, pad: 'valid', bias: p.bias });
}

/**
 * A dense block: out1 = relu(conv0 stride 2), then each next conv sees the relu of the
 * sum of all earlier outputs, and the block returns relu of the sum of all four
 * (face-api faceFeatureExtractor/denseBlock.ts denseBlock4).
 */
function denseBlock(x: tf.Tensor4D, block: Block): tf.Tensor4D {
  const out1 = tf.relu(applyConv(x, block[0], 2));
  let sum: tf.Tensor4D = out1;
  for (let i = 1; i < CONVS_PER_BLOCK; i++) {
    const input = i === 1 ? out1 : tf.relu(sum);
    sum = tf.add(sum, applyConv(input, block[i]!, 1));
  }
  return tf.relu(sum);
}

/** The network with its weights; build with `Landmark68Net.fromWeights`. */
export class Landmark68Net {
  private constructor(
    private readonly blocks: readonly Block[],
    private readonly fc: { readonly weights: tf.Tensor2D; readonly bias: tf.Tensor1D },
    private readonly owned: FaceApiWeights,
  ) {}

  /** Checks every tensor's shape against the architecture and keeps them (the net owns `weights`). */
  static fromWeights(weights: FaceApiWeights): Landmark68Net {
    const blocks: Block[] = [];
    let cin = 3;
    BLOCK_CHANNELS.forEach((cout, b) => {
      const p = `dense${b}`;
      const conv0: Conv | SeparableConv =
        b === 0 ? { filters: weightOfShape(weights, `${p}/conv0/filters`, [3, 3, cin, cout]), bias: weightOfShape(weights, `${p}/conv0/bias`, [cout]) } : separable(weights, `${p}/conv0`, cin, cout);
      blocks.push([conv0, separable(weights, `${p}/conv1`, cout, cout), separable(weights, `${p}/conv2`, cout, cout), separable(weights, `${p}/conv3`, cout, cout)]);
      cin = cout;
    });
    const fc = { weights: weightOfShape<tf.Rank.R2>(weights, 'fc/weights', [BLOCK_CHANNELS[3], 2 * LANDMARK_68_COUNT]), bias: weightOfShape<tf.Rank.R1>(weights, 'fc/bias', [2 * LANDMARK_68_COUNT]) };
    return new Landmark68Net(blocks, fc, weights);
  }

  /**
   * Landmarks of N prepared crops [N, 112, 112, 3] (0..255 floats, not disposed):
   * [N, 136] as x0, y0, x1, y1, ... in fractions of the crop's side (0..1 inside).
   */
  forward(crops: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      let x = tf.div(tf.sub(crops, tf.tensor1d([...MEAN_RGB])), INPUT_DIVISOR) as tf.Tensor4D;
      for (const block of this.blocks) x = denseBlock(x, block);
      // 112 → 56 → 28 → 14 → 7 after four stride-2 blocks; the 7×7 pool leaves 1×1×256.
      const pooled = tf.avgPool(x, 7, 2, 'valid');
      return tf.add(tf.matMul(tf.reshape(pooled, [crops.shape[0], BLOCK_CHANNELS[3]]), this.fc.weights), this.fc.bias) as tf.Tensor2D;
    });
  }

  /** Frees the weights. */
  dispose(): void {
    for (const t of this.owned.values()) t.dispose();
  }
}
