/**
 * The in-process chain from an image file to a face embedding:
 * decode → (degrade) → landmarks (given, or the face finder: multi-face detector, BlazeFace + FaceMesh fallback) → align → backbone.
 * One instance holds its models; `embedBatch` runs the backbone once per batch.
 */
import { PfeError, isPfeError, type PfeErrorCode } from '../../core/errors.js';
import { alignFaceTo } from '../align/align.js';
import { applyDegradeSteps, stepsNeedFace, type DegradeStep } from '../degrade/steps.js';
import { decodeImage } from '#platform/decode-image';
import { type BackboneName, DEFAULT_BACKBONE, loadBackbone } from '../backbone/registry.js';
import type { Backbone } from '../backbone/backbone.js';
import { type FaceFinder, loadFaceFinder } from '../detect/face-finder.js';
import { type BackendName, initBackend } from '#platform/tfjs-runtime';
import type { Box, FaceDetection, FiveLandmarks, RgbImage } from '../types.js';

/** Where an embedded face's landmarks came from. */
export type LandmarkSource = 'given' | 'facemesh' | 'blazeface' | 'landmark68';

/** One image to embed. */
export interface EmbedRequest {
  /** Image file path (with `bytes`: only a label for messages). */
  readonly path: string;
  /** Encoded image bytes (JPEG/PNG/WebP); when given, decoded instead of reading `path`. */
  readonly bytes?: Uint8Array;
  /** Landmarks in the image's pixel coordinates; when absent the detector finds the face. */
  readonly landmarks?: FiveLandmarks;
  /** Degradations applied to the decoded image before detection and alignment. */
  readonly degrade?: readonly DegradeStep[];
  /** Seed of the degradations (noise); integer 0..2^32−1. */
  readonly seed?: number;
}

/** A successfully embedded image; arrays are this face's rows. */
export interface EmbeddedFace {
  readonly status: 'ok';
  /** L2-normalised embedding, length D. */
  readonly mu: Float32Array;
  /** Raw global average of the last conv map (the un-normalised descriptor), length C. */
  readonly pooledGlobal: Float32Array;
  /** 2×2 average pooling of the last conv map, length 4·C. */
  readonly pooledGrid2x2: Float32Array;
  readonly landmarks: FiveLandmarks;
  readonly landmarkSource: LandmarkSource;
  /** Detector score of the chosen face (null with given landmarks). */
  readonly detectorScore: number | null;
  /** Faces the detector found (null with given landmarks). */
  readonly faceCount: number | null;
  /** Detector box of the chosen face in image pixels (null with given landmarks). */
  readonly box?: Box | null;
  readonly imageWidth: number;
  readonly imageHeight: number;
}

/** An image that could not be embedded, with a machine-readable reason. */
export interface FailedFace {
  readonly status: 'failed';
  readonly code: PfeErrorCode;
  readonly reason: string;
}

/** The outcome of one EmbedRequest. */
export type EmbedResult = EmbeddedFace | FailedFace;

/** An embedded face with the pictures a viewer shows: the photo as analysed and the aligned crop. */
export interface ViewedFace extends EmbeddedFace {
  /** The photo after decoding and degradation, in which `landmarks` and `box` lie. */
  readonly image: RgbImage;
  /** The inputSize×inputSize crop the backbone saw. */
  readonly aligned: RgbImage;
}

/** Options of `FaceEmbedder.load`. */
export interface FaceEmbedderOptions {
  /** tfjs backend (default 'wasm', falls back to 'cpu'). */
  readonly backend?: BackendName;
  /** The face-recognition backbone (default DEFAULT_BACKBONE). */
  readonly backbone?: BackboneName;
  /** One folder with every model file under its package file name (default: each from its package in node_modules). */
  readonly modelsDir?: string;
  /** Faces per backbone call (default: the backbone's). */
  readonly batchSize?: number;
  /** Largest accepted image, in pixels (default: decodeImage's). */
  readonly maxPixels?: number;
}

/**
 * Which detected face an image stands for: the largest box, the usual choice for
 * photos of one subject (in LFW the labelled face is the central, largest one).
 */
export function pickSubjectFace<T extends FaceDetection>(faces: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const f of faces) if (best === undefined || f.box.width * f.box.height > best.box.width * best.box.height) best = f;
  return best;
}

/**
 * Where occluders (sunglasses, mask, hand) go on a photo without given landmarks: the
 * landmarks of its subject face (pickSubjectFace).
 * @param label names the photo in the error
 * @throws PfeError NO_FACE when the finder finds no face
 */
export async function occluderLandmarks(finder: FaceFinder, image: RgbImage, label: string): Promise<FiveLandmarks> {
  const face = pickSubjectFace(await finder.detectFaces(image));
  if (face === undefined) throw new PfeError('NO_FACE', `no face found in ${label} to draw the occluder on`, { path: label });
  return face.landmarks;
}

interface PreparedFace {
  readonly aligned: RgbImage;
  readonly landmarks: FiveLandmarks;
  readonly landmarkSource: LandmarkSource;
  readonly detectorScore: number | null;
  readonly faceCount: number | null;
  readonly box: Box | null;
  readonly imageWidth: number;
  readonly imageHeight: number;
}

function failure(e: unknown): FailedFace {
  if (isPfeError(e)) return { status: 'failed', code: e.code, reason: e.message };
  throw e;
}

/** Face detection, alignment and the backbone, loaded once and reused. */
export class FaceEmbedder {
  readonly backbone: Backbone;
  private detector: FaceFinder | undefined;
  private readonly options: FaceEmbedderOptions;

  private constructor(backbone: Backbone, options: FaceEmbedderOptions) {
    this.backbone = backbone;
    this.options = options;
  }

  /** Initialises the tfjs backend and loads the backbone (the detector loads on first need). */
  static async load(options: FaceEmbedderOptions = {}): Promise<FaceEmbedder> {
    await initBackend(options.backend ?? 'wasm');
    const backbone = await loadBackbone(options.backbone ?? DEFAULT_BACKBONE, {
      ...(options.modelsDir === undefined ? {} : { modelsDir: options.modelsDir }),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    });
    return new FaceEmbedder(backbone, options);
  }

  private async getDetector(): Promise<FaceFinder> {
    this.detector ??= await loadFaceFinder(this.options.modelsDir === undefined ? {} : { modelsDir: this.options.modelsDir });
    return this.detector;
  }

  /** Loads the face detector and its fallback now rather than on first need (e.g. before a page goes offline). */
  async loadDetector(): Promise<void> {
    await (await this.getDetector()).loadFallback();
  }

  /**
   * Where occluders (sunglasses, mask, hand) go: the given landmarks, else the subject face
   * found in the undegraded photo (the detector then runs again on the degraded one, which
   * is what is being tested). Undefined when no step draws onto the face.
   */
  private async occluderFace(decoded: RgbImage, request: EmbedRequest): Promise<FiveLandmarks | undefined> {
    if (request.degrade === undefined || !stepsNeedFace(request.degrade)) return undefined;
    if (request.landmarks !== undefined) return request.landmarks;
    return occluderLandmarks(await this.getDetector(), decoded, request.path);
  }

  /** Decodes, degrades, finds the landmarks and aligns; the decoded photo is returned beside, for callers that show it. */
  private async prepare(request: EmbedRequest): Promise<{ prepared: PreparedFace; image: RgbImage }> {
    const decoded = await decodeImage(request.bytes ?? request.path, this.options.maxPixels === undefined ? {} : { maxPixels: this.options.maxPixels });
    const image = request.degrade !== undefined && request.degrade.length > 0 ? await applyDegradeSteps(decoded, request.degrade, request.seed ?? 0, await this.occluderFace(decoded, request)) : decoded;
    let landmarks = request.landmarks;
    let landmarkSource: LandmarkSource = 'given';
    let detectorScore: number | null = null;
    let faceCount: number | null = null;
    let box: Box | null = null;
    if (landmarks === undefined) {
      const faces = await (await this.getDetector()).detectFaces(image);
      const face = pickSubjectFace(faces);
      if (face === undefined) throw new PfeError('NO_FACE', `no face found in ${request.path}`, { path: request.path });
      landmarks = face.landmarks;
      landmarkSource = face.landmarkSource;
      detectorScore = face.score;
      faceCount = faces.length;
      box = face.box;
    }
    const aligned = alignFaceTo(image, landmarks, this.backbone.cropTemplate).image;
    return { prepared: { aligned, landmarks, landmarkSource, detectorScore, faceCount, box, imageWidth: image.width, imageHeight: image.height }, image };
  }

  /**
   * Embeds a batch of images; a failing image (unreadable, corrupt, too large, no face)
   * gives a FailedFace with its reason and does not stop the others.
   * @returns one result per request, in order
   */
  async embedBatch(requests: readonly EmbedRequest[]): Promise<EmbedResult[]> {
    const prepared: (PreparedFace | FailedFace)[] = [];
    for (const r of requests) {
      try {
        // Only the crop is kept: a batch of large photos would otherwise stay in memory until the backbone ran.
        prepared.push((await this.prepare(r)).prepared);
      } catch (e) {
        prepared.push(failure(e));
      }
    }
    return this.embedPrepared(prepared);
  }

  /**
   * Embeds one image like `embedBatch`, and also returns the analysed photo and the aligned
   * crop (what a page draws), without decoding and aligning a second time.
   */
  async embedViewed(request: EmbedRequest): Promise<ViewedFace | FailedFace> {
    let prepared: { prepared: PreparedFace; image: RgbImage };
    try {
      prepared = await this.prepare(request);
    } catch (e) {
      return failure(e);
    }
    const [r] = await this.embedPrepared([prepared.prepared]);
    if (r === undefined || r.status === 'failed') throw new PfeError('EMPTY_INPUT', 'the backbone returned no row for a prepared face');
    return { ...r, image: prepared.image, aligned: prepared.prepared.aligned };
  }

  /** Runs the backbone once over the prepared faces; failures pass through in place. */
  private async embedPrepared(prepared: readonly (PreparedFace | FailedFace)[]): Promise<EmbedResult[]> {
    const ok = prepared.filter((p): p is PreparedFace => !('status' in p));
    if (ok.length === 0) return prepared as FailedFace[];
    const out = await this.backbone.embed(
      ok.map((p) => p.aligned),
      this.options.batchSize === undefined ? {} : { batchSize: this.options.batchSize },
    );
    const d = out.dim;
    const c = out.features.channels;
    let row = 0;
    return prepared.map((p): EmbedResult => {
      if ('status' in p) return p;
      const i = row++;
      return {
        status: 'ok',
        mu: out.mu.slice(i * d, (i + 1) * d),
        pooledGlobal: out.features.pooledGlobal.slice(i * c, (i + 1) * c),
        pooledGrid2x2: out.features.pooledGrid2x2.slice(i * 4 * c, (i + 1) * 4 * c),
        landmarks: p.landmarks,
        landmarkSource: p.landmarkSource,
        detectorScore: p.detectorScore,
        faceCount: p.faceCount,
        box: p.box,
        imageWidth: p.imageWidth,
        imageHeight: p.imageHeight,
      };
    });
  }

  /** Frees the models. */
  dispose(): void {
    this.backbone.dispose();
    this.detector?.dispose();
  }
}
