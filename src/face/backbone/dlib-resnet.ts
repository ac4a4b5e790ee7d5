/**
 * The dlib ResNet-29 backbone: dlib's face-recognition net (dlib_face_recognition_resnet_model_v1,
 * 128-d, public-domain weights) with the weights shipped by @vladmandic/face-api 1.7.15
 * (model/face_recognition_model-*, uint8-quantized) and our own forward pass on tfjs-core
 * ops (dlib-resnet-net.ts).
 *
 * Input: dlib's 150×150 face chip (DLIB_CHIP_TEMPLATE), RGB, normalised as dlib's
 * `input_rgb_image` does (dlib/dnn/input.h: `(temp.red - avg_red)/256.0` with avg
 * (122.782, 117.001, 104.298)). Note: face-api 1.7.15 divides by 255 instead
 * (src/faceRecognitionNet/FaceRecognitionNet.ts); we follow dlib, who trained the net.
 *
 * Features for the uncertainty head: the last conv map is 2×2×256 (conv256_down_out), so
 * pooledGlobal (N×256) is exactly the input of the fc layer and pooledGrid2x2 (N×1024) is
 * that map itself.
 */
import * as tf from '@tensorflow/tfjs-core';
import { PfeError } from '../../core/errors.js';
import type { CropTemplate } from '../align/align.js';
import type { Backbone, BackboneOutput, ConvFeatureMap, EmbedOptions } from '../models/backbone.js';
import { adaptiveAveragePool, l2NormalizeRows } from '../models/featurePooling.js';
import { packImageBatch } from '../models/imageTensor.js';
import type { RgbImage } from '../types.js';
import { faceApiFile, faceApiModelDir, loadWeightsManifest } from '../runtime/face-api-weights.js';
import { DLIB_CHIP_SIZE, DLIB_CHIP_TEMPLATE } from './dlib-chip.js';
import { type DlibResnetParams, DLIB_RESNET_CHANNELS, DLIB_RESNET_DIM, buildDlibResnetParams, disposeDlibResnetParams, dlibResnetForward } from './dlib-resnet-net.js';

/** File name of the net's weights manifest in face-api's model folder. */
export const DLIB_RESNET_MANIFEST = 'face_recognition_model-weights_manifest.json';
/** dlib's mean RGB subtracted from every pixel (dlib/dnn/input.h, input_rgb_image: avg_red, avg_green, avg_blue). */
export const DLIB_MEAN_RGB: readonly [number, number, number] = [122.782, 117.001, 104.298];
/** dlib divides the centred pixels by 256 (dlib/dnn/input.h; face-api 1.7.15 uses 255). */
export const DLIB_PIXEL_DIVISOR = 256;

/** Options of loadDlibResnet. */
export interface DlibResnetOptions {
  /** Folder holding face_recognition_model-weights_manifest.json and its .bin (default: @vladmandic/face-api's model/). */
  readonly modelDir?: string;
  /** Default faces per forward call (default 8). */
  readonly batchSize?: number;
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new PfeError('INVALID_ARGUMENT', `batchSize must be a positive integer, got ${batchSize}`, { batchSize });
}

/** The dlib ResNet-29 backbone (see the module comment). */
export class DlibResnetBackbone implements Backbone {
  readonly name = 'dlib';
  readonly inputSize = DLIB_CHIP_SIZE;
  readonly embeddingDim = DLIB_RESNET_DIM;
  readonly cropTemplate: CropTemplate = DLIB_CHIP_TEMPLATE;
  private readonly params: DlibResnetParams;
  private readonly mean: tf.Tensor1D;
  private readonly defaultBatchSize: number;
  private disposed = false;

  constructor(params: DlibResnetParams, batchSize = 8) {
    checkBatchSize(batchSize);
    this.params = params;
    this.mean = tf.tensor1d([...DLIB_MEAN_RGB]);
    this.defaultBatchSize = batchSize;
  }

  /** One batch through the net: raw descriptors N×128 and the last conv map N×2×2×256; every tensor is freed before returning. */
  private async runBatch(faces: readonly RgbImage[]): Promise<{ descriptor: Float32Array; map: Float32Array; h: number; w: number; c: number }> {
    const pixels = tf.tensor4d(packImageBatch(faces, DLIB_CHIP_SIZE), [faces.length, DLIB_CHIP_SIZE, DLIB_CHIP_SIZE, 3], 'float32');
    let outputs: tf.Tensor[] = [];
    try {
      const out = tf.tidy(() => {
        const x = tf.div(tf.sub(pixels, this.mean), DLIB_PIXEL_DIVISOR) as tf.Tensor4D;
        const { descriptor, lastMap, map4x4 } = dlibResnetForward(this.params, x);
        map4x4.dispose();
        return [descriptor, lastMap] as [tf.Tensor2D, tf.Tensor4D];
      });
      outputs = out;
      const [descriptor, lastMap] = out;
      const [, h, w, c] = lastMap.shape;
      return { descriptor: (await descriptor.data()) as Float32Array, map: (await lastMap.data()) as Float32Array, h, w, c };
    } finally {
      pixels.dispose();
      tf.dispose(outputs);
    }
  }

  async embed(faces: readonly RgbImage[], options: EmbedOptions = {}): Promise<BackboneOutput> {
    if (this.disposed) throw new PfeError('INVALID_ARGUMENT', 'dlib backbone was disposed');
    if (faces.length === 0) throw new PfeError('EMPTY_INPUT', 'no face to embed');
    const batchSize = options.batchSize ?? this.defaultBatchSize;
    checkBatchSize(batchSize);
    const n = faces.length;
    const raw = new Float32Array(n * DLIB_RESNET_DIM);
    const pooledGlobal = new Float32Array(n * DLIB_RESNET_CHANNELS);
    const pooledGrid2x2 = new Float32Array(n * 4 * DLIB_RESNET_CHANNELS);
    let convAll: Float32Array | undefined;
    let mapShape = { height: 0, width: 0, channels: 0 };
    for (let start = 0; start < n; start += batchSize) {
      const batch = faces.slice(start, start + batchSize);
      const out = await this.runBatch(batch);
      mapShape = { height: out.h, width: out.w, channels: out.c };
      const shape = { count: batch.length, ...mapShape };
      raw.set(out.descriptor, start * DLIB_RESNET_DIM);
      pooledGlobal.set(adaptiveAveragePool(out.map, shape, 1, 1), start * DLIB_RESNET_CHANNELS);
      pooledGrid2x2.set(adaptiveAveragePool(out.map, shape, 2, 2), start * 4 * DLIB_RESNET_CHANNELS);
      if (options.convMap === true) {
        const plane = out.h * out.w * out.c;
        convAll ??= new Float32Array(n * plane);
        convAll.set(out.map, start * plane);
      }
    }
    const convMap: ConvFeatureMap | undefined = convAll === undefined ? undefined : { data: convAll, count: n, ...mapShape };
    return {
      count: n,
      dim: DLIB_RESNET_DIM,
      mu: l2NormalizeRows(raw, DLIB_RESNET_DIM),
      features: { ...(convMap === undefined ? {} : { convMap }), pooledGlobal, pooledGrid2x2, channels: DLIB_RESNET_CHANNELS },
    };
  }

  dispose(): void {
    if (!this.disposed) {
      disposeDlibResnetParams(this.params);
      this.mean.dispose();
    }
    this.disposed = true;
  }
}

/**
 * Loads the dlib ResNet-29 backbone from local files (a tfjs backend must be initialised,
 * see `initBackend`): reads and dequantizes the weights, checks every tensor's name and
 * shape, and folds the affine layers into the convolutions.
 * @throws PfeError MODEL_LOAD_FAILED for a missing, unreadable or wrong weights file; INVALID_ARGUMENT for a bad batchSize
 */
export async function loadDlibResnet(options: DlibResnetOptions = {}): Promise<DlibResnetBackbone> {
  if (options.batchSize !== undefined) checkBatchSize(options.batchSize);
  const manifest = faceApiFile(options.modelDir ?? faceApiModelDir(), DLIB_RESNET_MANIFEST);
  const weights = await loadWeightsManifest(manifest);
  return new DlibResnetBackbone(buildDlibResnetParams(weights, manifest), options.batchSize);
}
