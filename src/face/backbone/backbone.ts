/**
 * The contract of a face-recognition backbone: aligned face crops in, L2-normalised
 * embeddings (the PFE means mu) and intermediate features (input of the uncertainty
 * module) out. Implemented by `FaceresBackbone`; another CNN (e.g. an ONNX ArcFace)
 * can implement it too.
 */
import type { CropTemplate } from '../align/align.js';
import type { RgbImage } from '../types.js';

/** A batch of last-conv feature maps, NHWC row-major: (n, y, x, c) at ((n*height + y)*width + x)*channels + c. */
export interface ConvFeatureMap {
  readonly data: Float32Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** Intermediate features of a batch of N faces. */
export interface BackboneFeatures {
  /** The last convolutional feature map, N×H×W×C (faceres: 7×7×1024), when asked for and available. */
  readonly convMap?: ConvFeatureMap;
  /** Global average of the last conv map, N×C row-major, not normalised (faceres: C = 1024, non-negative). */
  readonly pooledGlobal: Float32Array;
  /** 2×2 adaptive average pooling of the last conv map, N×(4·C) row-major per face over (gridY, gridX, channel). */
  readonly pooledGrid2x2: Float32Array;
  /** Channels C of the last conv map (the row length of pooledGlobal). */
  readonly channels: number;
}

/** What `Backbone.embed` returns for N faces. */
export interface BackboneOutput {
  /** N, the number of faces. */
  readonly count: number;
  /** D, the embedding dimension. */
  readonly dim: number;
  /** Embeddings, N×D row-major, each row L2-normalised. */
  readonly mu: Float32Array;
  readonly features: BackboneFeatures;
}

/** Options of `Backbone.embed`. */
export interface EmbedOptions {
  /** Keep the full conv map in the output (N·H·W·C floats; faceres ≈ 200 kB per face). Default false. */
  readonly convMap?: boolean;
  /** Faces per inference call; default is the backbone's own. */
  readonly batchSize?: number;
}

/** A face-recognition CNN. */
export interface Backbone {
  /** A short identifier, e.g. 'faceres'. */
  readonly name: string;
  /** Side of the square input, in pixels (faces must be aligned to inputSize×inputSize). */
  readonly inputSize: number;
  /** Where the five landmarks go in the input crop (size = inputSize); the backbone's own geometry. */
  readonly cropTemplate: CropTemplate;
  /** D, the length of each embedding row. */
  readonly embeddingDim: number;
  /**
   * Embeds aligned faces, each an RgbImage of inputSize×inputSize. Returns rows in the
   * order of `faces`. Rejects an empty list (EMPTY_INPUT) or a wrong size (DIMENSION_MISMATCH).
   */
  embed(faces: readonly RgbImage[], options?: EmbedOptions): Promise<BackboneOutput>;
  /** Frees the model's weights; the backbone cannot be used afterwards. */
  dispose(): void;
}
