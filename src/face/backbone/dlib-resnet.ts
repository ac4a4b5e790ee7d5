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
import type { Backbone, BackboneOutput, EmbedOptions } from './backbone.js';
import { type BatchForward, checkBatchSize, embedInBatches } from './backbone-batches.js';
import { type InputNormalisation, packNormalizedBatch } from '../runtime/image-tensor.js';
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
/** dlib's input as `packNormalizedBatch` takes it: RGB minus DLIB_MEAN_RGB, over DLIB_PIXEL_DIVISOR. */
export const DLIB_INPUT_NORMALISATION: InputNormalisation = { order: 'rgb', mean: DLIB_MEAN_RGB, divisor: DLIB_PIXEL_DIVISOR };

/** Options of loadDlibResnet. */
export interface DlibResnetOptions {
  /** Folder holding face_recognition_model-weights_manifest.json and its .bin (default: @vladmandic/face-api's model/). */
  readonly modelDir?: string;
  /** Default faces per forward call (default 8). */
  readonly batchSize?: number;
}

/** The dlib ResNet-29 backbone (see the module comment). */
export class DlibResnetBackbone implements Backbone {
  readonly name = 'dlib';
  readonly inputSize = DLIB_CHIP_SIZE;
  readonly embeddingDim = DLIB_RESNET_DIM;
  readonly cropTemplate: CropTemplate = DLIB_CHIP_TEMPLATE;
  private readonly params: DlibResnetParams;
  private readonly defaultBatchSize: number;
  private disposed = false;

  constructor(params: DlibResnetParams, batchSize = 8) {
    checkBatchSize(batchSize);
    this.params = params;
    this.defaultBatchSize = batchSize;
  }

  /** One batch through the net: raw descriptors N×128 and the last conv map N×2×2×256; every tensor is freed before returning. */
  private async forward(faces: readonly RgbImage[]): Promise<BatchForward> {
    const pixels = tf.tensor4d(packNormalizedBatch(faces, DLIB_CHIP_SIZE, DLIB_INPUT_NORMALISATION), [faces.length, DLIB_CHIP_SIZE, DLIB_CHIP_SIZE, 3], 'float32');
    let outputs: tf.Tensor[] = [];
    try {
      const out = tf.tidy(() => {
        const { descriptor, lastMap, map4x4 } = dlibResnetForward(this.params, pixels);
        map4x4.dispose();
        return [descriptor, lastMap] as [tf.Tensor2D, tf.Tensor4D];
      });
      outputs = out;
      const [descriptor, lastMap] = out;
      const [, height, width, channels] = lastMap.shape;
      return { descriptor: (await descriptor.data()) as Float32Array, map: (await lastMap.data()) as Float32Array, height, width, channels };
    } finally {
      pixels.dispose();
      tf.dispose(outputs);
    }
  }

  async embed(faces: readonly RgbImage[], options: EmbedOptions = {}): Promise<BackboneOutput> {
    if (this.disposed) throw new PfeError('INVALID_ARGUMENT', 'dlib backbone was disposed');
    return embedInBatches(
      { name: this.name, dim: DLIB_RESNET_DIM, channels: DLIB_RESNET_CHANNELS, defaultBatchSize: this.defaultBatchSize, forward: (batch) => this.forward(batch) },
      faces,
      options,
    );
  }

  dispose(): void {
    if (!this.disposed) {
      disposeDlibResnetParams(this.params);
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
