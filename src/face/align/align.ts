import { PfeError } from '../../core/errors.js';
import type { FiveLandmarks, Point, RgbImage } from '../types.js';
import type { Affine2x3 } from './affine.js';
import { similarityTransform } from './similarity.js';
import { type WarpBorder, warpAffine } from './warp.js';

/**
 * The ArcFace 5-point template for a 112×112 crop, in FiveLandmarks order (eyes, nose,
 * mouth corners): `arcface_dst` of insightface (python-package/insightface/utils/face_align.py).
 */
export const ARCFACE_TEMPLATE_112: FiveLandmarks = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];

/** Default output size of alignFace: 224, the input size of the faceres backbone. */
export const DEFAULT_ALIGNED_SIZE = 224;

/**
 * The ArcFace template for a size×size crop: ARCFACE_TEMPLATE_112 scaled by size/112,
 * as insightface's `estimate_norm` does for sizes that are multiples of 112. (Its variant
 * for multiples of 128, which adds an 8·size/128 px horizontal shift, is not provided.)
 * @throws PfeError INVALID_ARGUMENT for a non-positive or non-integer size
 */
export function arcfaceTemplate(size: number): FiveLandmarks {
  if (!Number.isInteger(size) || size < 1) {
    throw new PfeError('INVALID_ARGUMENT', `aligned size must be a positive integer, got ${size}`, { size });
  }
  const k = size / 112;
  const at = (i: number): Point => ({ x: ARCFACE_TEMPLATE_112[i]!.x * k, y: ARCFACE_TEMPLATE_112[i]!.y * k });
  return [at(0), at(1), at(2), at(3), at(4)];
}

/**
 * Where a backbone wants the five landmarks in its square input crop: each backbone owns
 * its crop geometry (ArcFace for faceres and MobileFaceNet, dlib's chip for dlib ResNet).
 */
export interface CropTemplate {
  /** Side of the square crop in pixels. */
  readonly size: number;
  /** Target positions of the five landmarks in crop pixels, FiveLandmarks order. */
  readonly points: FiveLandmarks;
}

/** The ArcFace crop template at size×size (see arcfaceTemplate). */
export function arcfaceCropTemplate(size: number): CropTemplate {
  return { size, points: arcfaceTemplate(size) };
}

/** Options of alignFace. */
export interface AlignOptions {
  /** Treatment of samples outside the image (default 'constant' = black, as insightface). */
  readonly border?: WarpBorder;
}

/** Result of alignFace. */
export interface AlignedFace {
  /** The size×size aligned crop. */
  readonly image: RgbImage;
  /** Map from input image pixel coordinates to crop pixel coordinates (apply to the landmarks to see where they land). */
  readonly transform: Affine2x3;
}

/**
 * Aligns a face: fits the least-squares similarity transform (similarityTransform) from
 * its five landmarks onto the ArcFace template for a size×size crop and warps the image
 * with it (bilinear, warpAffine).
 * @param image the whole image, RGB
 * @param landmarks the face's five landmarks in `image` pixel coordinates (pixel centres at integers)
 * @param size output width and height in pixels (default 224; the template is scaled by size/112)
 * @throws PfeError INVALID_ARGUMENT (bad size, coinciding landmarks), NON_FINITE, DIMENSION_MISMATCH
 */
export function alignFace(image: RgbImage, landmarks: FiveLandmarks, size: number = DEFAULT_ALIGNED_SIZE, options: AlignOptions = {}): AlignedFace {
  return alignFaceTo(image, landmarks, arcfaceCropTemplate(size), options);
}

/**
 * Aligns a face onto any crop template: the least-squares similarity transform from its
 * five landmarks onto `template.points`, then a bilinear warp to template.size².
 * @throws PfeError INVALID_ARGUMENT (bad size, coinciding landmarks), NON_FINITE, DIMENSION_MISMATCH
 */
export function alignFaceTo(image: RgbImage, landmarks: FiveLandmarks, template: CropTemplate, options: AlignOptions = {}): AlignedFace {
  if (!Number.isInteger(template.size) || template.size < 1) {
    throw new PfeError('INVALID_ARGUMENT', `aligned size must be a positive integer, got ${template.size}`, { size: template.size });
  }
  const transform = similarityTransform(landmarks, template.points);
  return { image: warpAffine(image, transform, template.size, template.size, options.border ?? 'constant'), transform };
}
