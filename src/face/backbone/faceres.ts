/**
 * The `faceres` backbone from @vladmandic/human 3.3.6 (HSE-FaceRes, a MobileNet-v1
 * style CNN; github.com/HSE-asavchenko/HSE_FaceRec_tf): 224×224 input fed as its authors
 * do (FACERES_INPUT_NORMALISATION: BGR minus the Caffe ImageNet means; human's own
 * faceres.ts feeds RGB 0..255, which costs three points of LFW accuracy), 1024-d
 * descriptor `global_pooling/Mean` = global average of the last conv map
 * `conv_pw_13_relu/clip_by_value` [N,7,7,1024] (ReLU6 output, so non-negative).
 * The model also has age and gender heads, which are not computed here.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { PfeError } from '../../core/errors.js';
import { type CropTemplate, arcfaceCropTemplate } from '../align/align.js';
import type { RgbImage } from '../types.js';
import type { Backbone, BackboneOutput, EmbedOptions } from './backbone.js';
import { type BatchForward, checkBatchSize, embedInBatches } from './backbone-batches.js';
import { type InputNormalisation, packNormalizedBatch } from '../runtime/image-tensor.js';
import { loadLocalGraphModel, readScalarWeights } from '#platform/local-model';
import { bundledModelPath } from '#platform/model-paths';
import { constNodeNames, rewriteClipChainsToRelu6 } from '../runtime/relu6-rewrite.js';

/** Graph node of the 1024-d descriptor (global average pool). */
export const FACERES_DESCRIPTOR_NODE = 'global_pooling/Mean';
/** Graph node of the last conv map, [N, 7, 7, 1024] (the name survives the Relu6 rewrite). */
export const FACERES_CONV_NODE = 'conv_pw_13_relu/clip_by_value';
/** Input side in pixels (the model's input signature: [-1, 224, 224, 3]). */
export const FACERES_INPUT_SIZE = 224;
/** Descriptor length (the signature's global_pooling/Mean: [1, 1024]). */
export const FACERES_DIM = 1024;
/**
 * faceres' input as its authors feed it: age_gender_identity/facial_analysis.py in
 * HSE_FaceRec_tf reverses RGB to BGR and subtracts (103.939, 116.779, 123.68) from B, G, R
 * (Keras' Caffe-mode ImageNet preprocessing), no scaling.
 */
export const FACERES_INPUT_NORMALISATION: InputNormalisation = { order: 'bgr', mean: [103.939, 116.779, 123.68], divisor: 1 };
/** ReLU6 chains in faceres: conv1 plus 13 depthwise and 13 pointwise blocks of MobileNet v1. */
export const FACERES_RELU6_CHAINS = 27;

/** Options of `loadFaceres`. */
export interface FaceresOptions {
  /** Path of faceres.json (default: the one in @vladmandic/human/models). */
  readonly modelPath?: string;
  /** Rewrite the Relu→Minimum→Maximum chains to Relu6 before loading (default true; same outputs, faster). */
  readonly relu6Rewrite?: boolean;
  /** Default faces per `execute` call (default 8). */
  readonly batchSize?: number;
}

/** Loads faceres.json, with the Relu6 rewrite unless disabled. Returns the graph and how many chains were rewritten. */
export async function loadFaceresGraph(options: FaceresOptions = {}): Promise<{ model: GraphModel; rewrittenChains: number }> {
  const modelPath = options.modelPath ?? bundledModelPath('faceres');
  let rewrittenChains = 0;
  const model = await loadLocalGraphModel(modelPath, {
    transform: (artifacts) => {
      if (options.relu6Rewrite === false) return artifacts.json;
      const scalars = readScalarWeights(artifacts, constNodeNames(artifacts.json));
      const result = rewriteClipChainsToRelu6(artifacts.json, (name) => scalars.get(name));
      rewrittenChains = result.rewritten.length;
      return result.json;
    },
  });
  return { model, rewrittenChains };
}

/** The faceres backbone (see the module comment for what it expects). */
export class FaceresBackbone implements Backbone {
  readonly name = 'faceres';
  readonly inputSize = FACERES_INPUT_SIZE;
  readonly embeddingDim = FACERES_DIM;
  /** The ArcFace template scaled to 224 (HSE FaceRec's crop: the 112 template ×2). */
  readonly cropTemplate: CropTemplate = arcfaceCropTemplate(FACERES_INPUT_SIZE);
  /** How many ReLU6 chains the loader rewrote (27 with the rewrite, 0 without). */
  readonly rewrittenChains: number;
  private readonly model: GraphModel;
  private readonly defaultBatchSize: number;
  private disposed = false;

  constructor(model: GraphModel, rewrittenChains: number, batchSize = 8) {
    checkBatchSize(batchSize);
    this.model = model;
    this.rewrittenChains = rewrittenChains;
    this.defaultBatchSize = batchSize;
  }

  /**
   * Runs the CNN on one batch: the descriptor (N×1024, raw; the graph's global average of
   * the conv map, so also pooledGlobal) and the conv map (N×7×7×1024) from a single
   * `execute` call. Every tensor is disposed before returning.
   */
  private async forward(faces: readonly RgbImage[]): Promise<BatchForward> {
    const input = tf.tensor4d(packNormalizedBatch(faces, FACERES_INPUT_SIZE, FACERES_INPUT_NORMALISATION), [faces.length, FACERES_INPUT_SIZE, FACERES_INPUT_SIZE, 3], 'float32');
    let outputs: tf.Tensor[] = [];
    try {
      outputs = this.model.execute(input, [FACERES_DESCRIPTOR_NODE, FACERES_CONV_NODE]) as tf.Tensor[];
      const [desc, conv] = outputs as [tf.Tensor, tf.Tensor];
      const [, height, width, channels] = conv.shape as [number, number, number, number];
      const descriptor = (await desc.data()) as Float32Array;
      return { descriptor, pooledGlobal: descriptor, map: (await conv.data()) as Float32Array, height, width, channels };
    } finally {
      input.dispose();
      tf.dispose(outputs);
    }
  }

  async embed(faces: readonly RgbImage[], options: EmbedOptions = {}): Promise<BackboneOutput> {
    if (this.disposed) throw new PfeError('INVALID_ARGUMENT', 'faceres backbone was disposed');
    return embedInBatches(
      { name: this.name, dim: FACERES_DIM, channels: FACERES_DIM, defaultBatchSize: this.defaultBatchSize, forward: (batch) => this.forward(batch) },
      faces,
      options,
    );
  }

  dispose(): void {
    if (!this.disposed) this.model.dispose();
    this.disposed = true;
  }
}

/** Loads the faceres backbone (a tfjs backend must be initialised, see `initBackend`). */
export async function loadFaceres(options: FaceresOptions = {}): Promise<FaceresBackbone> {
  const { model, rewrittenChains } = await loadFaceresGraph(options);
  return new FaceresBackbone(model, rewrittenChains, options.batchSize);
}
