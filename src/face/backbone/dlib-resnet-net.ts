/**
 * dlib's face-recognition ResNet-29 (dlib_face_recognition_resnet_model_v1, Davis King,
 * public domain) as tfjs-core ops, from the layer definition in dlib's Python binding
 * (tools/python/src/face_recognition.cpp, `anet_type`) and the weight names of
 * @vladmandic/face-api's copy (src/faceRecognitionNet/).
 *
 * Shapes for a 150×150 input (NHWC; dlib pads a convolution only when its stride is 1,
 * `con_`'s default padding = stride != 1 ? 0 : size/2, so strided layers are 'valid'):
 *
 *   input 150×150×3
 *   conv32_down   7×7/2 valid + affine + ReLU      → 72×72×32
 *   max pool      3×3/2 valid                      → 35×35×32
 *   conv32_1..3   residual                         → 35×35×32
 *   conv64_down   residual_down                    → 17×17×64
 *   conv64_1..3   residual                         → 17×17×64
 *   conv128_down  residual_down                    →  8×8×128
 *   conv128_1..2  residual                         →  8×8×128
 *   conv256_down  residual_down (branch 3×3, shortcut 4×4) → 4×4×256
 *   conv256_1..2  residual                         →  4×4×256
 *   conv256_down_out residual_down (branch 1×1, shortcut 2×2) → 2×2×256  (the last conv map)
 *   global average                                 → 256
 *   fc (no bias)                                   → 128, the descriptor
 *
 * residual:      relu(x + affine(conv3×3(relu(affine(conv3×3(x))))))
 * residual_down: relu(avgpool2×2/2(x) + affine(conv3×3(relu(affine(conv3×3/2(x))))))
 * where the two summands can differ: dlib's add_prev adds tensors of different sizes as if
 * the smaller one were zero-extended (channels: 32→64, 64→128, 128→256 on the shortcut;
 * rows/columns at the bottom and right: the 3×3 and 1×1 branches). "affine" is dlib's
 * frozen batch norm, a per-channel scale and shift; face-api's weights keep it apart from
 * the conv (conv bias, then scale/weights and scale/biases), and we fold it into the conv
 * at load time: conv(x, W)·s + (b·s + t).
 */
import * as tf from '@tensorflow/tfjs-core';
import { type NamedWeight, requireWeight } from '../runtime/face-api-weights.js';

/** One residual block of the table: its weight prefix, input and output channels, and whether it downsamples. */
interface ResidualSpec {
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly down: boolean;
}

/** The first convolution: 7×7, 3 → 32 channels, stride 2. */
const STEM = { name: 'conv32_down', kernel: 7, inChannels: 3, outChannels: 32 } as const;

function block(name: string, inChannels: number, outChannels: number, down: boolean): ResidualSpec {
  return { name, inChannels, outChannels, down };
}

/** The residual blocks in forward order (dlib's alevel4 … alevel0). */
export const DLIB_RESNET_BLOCKS: readonly ResidualSpec[] = [
  block('conv32_1', 32, 32, false),
  block('conv32_2', 32, 32, false),
  block('conv32_3', 32, 32, false),
  block('conv64_down', 32, 64, true),
  block('conv64_1', 64, 64, false),
  block('conv64_2', 64, 64, false),
  block('conv64_3', 64, 64, false),
  block('conv128_down', 64, 128, true),
  block('conv128_1', 128, 128, false),
  block('conv128_2', 128, 128, false),
  block('conv256_down', 128, 256, true),
  block('conv256_1', 256, 256, false),
  block('conv256_2', 256, 256, false),
  block('conv256_down_out', 256, 256, true),
];

/** Channels of the last conv map (the input of the fc layer). */
export const DLIB_RESNET_CHANNELS = 256;
/** Length of the descriptor (fc_no_bias<128>). */
export const DLIB_RESNET_DIM = 128;

/** Every tensor the forward pass reads, with its shape (117 for this net), in manifest naming. */
export function dlibResnetWeightShapes(): Map<string, readonly number[]> {
  const shapes = new Map<string, readonly number[]>();
  const conv = (prefix: string, k: number, cin: number, cout: number): void => {
    shapes.set(`${prefix}/conv/filters`, [k, k, cin, cout]);
    shapes.set(`${prefix}/conv/bias`, [cout]);
    shapes.set(`${prefix}/scale/weights`, [cout]);
    shapes.set(`${prefix}/scale/biases`, [cout]);
  };
  conv(STEM.name, STEM.kernel, STEM.inChannels, STEM.outChannels);
  for (const b of DLIB_RESNET_BLOCKS) {
    conv(`${b.name}/conv1`, 3, b.inChannels, b.outChannels);
    conv(`${b.name}/conv2`, 3, b.outChannels, b.outChannels);
  }
  shapes.set('fc', [DLIB_RESNET_CHANNELS, DLIB_RESNET_DIM]);
  return shapes;
}

/** A convolution with its affine layer folded in: filters [k, k, in, out], bias [out]. */
interface FoldedConv {
  readonly filter: tf.Tensor4D;
  readonly bias: tf.Tensor1D;
}

/** The net's weights as tensors (owned: free them with disposeDlibResnetParams). */
export interface DlibResnetParams {
  readonly stem: FoldedConv;
  readonly blocks: readonly { readonly spec: ResidualSpec; readonly conv1: FoldedConv; readonly conv2: FoldedConv }[];
  /** [256, 128]: descriptor = pooled · fc. */
  readonly fc: tf.Tensor2D;
}

/** Folds the affine layer after a conv into it (filters are [k, k, in, out], out fastest). */
function foldConv(weights: ReadonlyMap<string, NamedWeight>, prefix: string, k: number, cin: number, cout: number, source: string): FoldedConv {
  const filters = requireWeight(weights, `${prefix}/conv/filters`, [k, k, cin, cout], source).values;
  const bias = requireWeight(weights, `${prefix}/conv/bias`, [cout], source).values;
  const scale = requireWeight(weights, `${prefix}/scale/weights`, [cout], source).values;
  const shift = requireWeight(weights, `${prefix}/scale/biases`, [cout], source).values;
  const folded = new Float32Array(filters.length);
  for (let i = 0; i < filters.length; i++) folded[i] = filters[i]! * scale[i % cout]!;
  const foldedBias = new Float32Array(cout);
  for (let c = 0; c < cout; c++) foldedBias[c] = bias[c]! * scale[c]! + shift[c]!;
  return { filter: tf.tensor4d(folded, [k, k, cin, cout]), bias: tf.tensor1d(foldedBias) };
}

/**
 * Checks every tensor the forward pass needs (name and shape) and makes the folded tensors.
 * @throws PfeError MODEL_LOAD_FAILED naming the first missing or mis-shaped weight
 */
export function buildDlibResnetParams(weights: ReadonlyMap<string, NamedWeight>, source: string): DlibResnetParams {
  // Check all names and shapes first, so a bad file allocates no tensor.
  for (const [name, shape] of dlibResnetWeightShapes()) requireWeight(weights, name, shape, source);
  const stem = foldConv(weights, STEM.name, STEM.kernel, STEM.inChannels, STEM.outChannels, source);
  const blocks = DLIB_RESNET_BLOCKS.map((spec) => ({
    spec,
    conv1: foldConv(weights, `${spec.name}/conv1`, 3, spec.inChannels, spec.outChannels, source),
    conv2: foldConv(weights, `${spec.name}/conv2`, 3, spec.outChannels, spec.outChannels, source),
  }));
  const fc = tf.tensor2d(requireWeight(weights, 'fc', [DLIB_RESNET_CHANNELS, DLIB_RESNET_DIM], source).values, [DLIB_RESNET_CHANNELS, DLIB_RESNET_DIM]);
  return { stem, blocks, fc };
}

/** Frees every tensor of `params`. */
export function disposeDlibResnetParams(params: DlibResnetParams): void {
  tf.dispose([params.stem.filter, params.stem.bias, params.fc]);
  for (const b of params.blocks) tf.dispose([b.conv1.filter, b.conv1.bias, b.conv2.filter, b.conv2.bias]);
}

function conv(x: tf.Tensor4D, c: FoldedConv, stride: 1 | 2, relu: boolean): tf.Tensor4D {
  // dlib pads stride-1 convs by size/2 ('same' for odd kernels) and strided ones not at all.
  return tf.fused.conv2d({ x, filter: c.filter, strides: stride, pad: stride === 1 ? 'same' : 'valid', bias: c.bias, activation: relu ? 'relu' : 'linear' });
}

/** dlib's add_prev: sum of two NHWC tensors of possibly different H, W, C, the smaller zero-extended at the end of each axis. */
function addZeroExtended(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  const extend = (t: tf.Tensor4D, h: number, w: number, c: number): tf.Tensor4D => {
    const [, th, tw, tc] = t.shape;
    if (th === h && tw === w && tc === c) return t;
    return tf.pad(t, [[0, 0], [0, h - th], [0, w - tw], [0, c - tc]]);
  };
  const h = Math.max(a.shape[1], b.shape[1]);
  const w = Math.max(a.shape[2], b.shape[2]);
  const c = Math.max(a.shape[3], b.shape[3]);
  return tf.add(extend(a, h, w, c), extend(b, h, w, c));
}

function residual(x: tf.Tensor4D, b: DlibResnetParams['blocks'][number]): tf.Tensor4D {
  const stride = b.spec.down ? 2 : 1;
  const branch = conv(conv(x, b.conv1, stride, true), b.conv2, 1, false);
  const shortcut = b.spec.down ? tf.avgPool(x, 2, 2, 'valid') : x;
  return tf.relu(addZeroExtended(shortcut, branch));
}

/** Outputs of the forward pass (tensors owned by the caller). */
export interface DlibResnetOutputs {
  /** [N, 128], the raw descriptor (not normalised). */
  readonly descriptor: tf.Tensor2D;
  /** [N, 2, 2, 256], the last conv map (output of conv256_down_out). */
  readonly lastMap: tf.Tensor4D;
  /** [N, 4, 4, 256], the map before it (output of conv256_2). */
  readonly map4x4: tf.Tensor4D;
}

/**
 * The forward pass on a normalised batch [N, 150, 150, 3] ((RGB − mean)/256, see
 * dlib-resnet.ts). Intermediate tensors are freed; the returned ones are the caller's.
 */
export function dlibResnetForward(params: DlibResnetParams, input: tf.Tensor4D): DlibResnetOutputs {
  const result = tf.tidy(() => {
    const blocks = params.blocks;
    let x = tf.maxPool(conv(input, params.stem, 2, true), 3, 2, 'valid');
    for (let i = 0; i < blocks.length - 1; i++) x = residual(x, blocks[i]!);
    const map4x4 = x;
    const lastMap = residual(map4x4, blocks[blocks.length - 1]!);
    const pooled = tf.mean(lastMap, [1, 2]) as tf.Tensor2D;
    return { descriptor: tf.matMul(pooled, params.fc) as tf.Tensor2D, lastMap, map4x4 };
  });
  return result;
}
