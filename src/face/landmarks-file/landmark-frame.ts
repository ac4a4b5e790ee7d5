/**
 * The pixel frame a landmark file's coordinates are in, and fitting its points to an image
 * of another size. LFW comes in two sizes: the 250×250 originals (the classic lfw.tgz) and
 * the 150×150 copies on the LFW site's GitHub; the reference code's MTCNN landmark file is
 * in the 250×250 frame. A fixed scale is right for one of them and silently wrong for the
 * other (eyes 100 px off, a wrong crop, a confident wrong verdict), so the scale is taken
 * from each image's size whenever the file's frame is known.
 */
import path from 'node:path';
import type { FiveLandmarks } from '../types.js';

/** Width and height, in pixels, of the images a landmark file's coordinates refer to. */
export interface LandmarkFrame {
  readonly width: number;
  readonly height: number;
}

/** The frame of the original LFW images (250×250, Huang et al. 2007), which the MTCNN file uses. */
export const LFW_ORIGINAL_FRAME: LandmarkFrame = { width: 250, height: 250 };

/**
 * Landmark files whose frame is known by name: the reference PFE repository's MTCNN file
 * (`data/ldmark_lfw_mtcnncaffe.txt`, seasonSH/Probabilistic-Face-Embeddings) is in the
 * original 250×250 LFW frame.
 */
const KNOWN_FILE_FRAMES: ReadonlyMap<string, LandmarkFrame> = new Map([['ldmark_lfw_mtcnncaffe.txt', LFW_ORIGINAL_FRAME]]);

/** Matches a header line `# frame: 250x250` (also `250×250`, without the colon). */
const FRAME_LINE = /^#\s*frame:?\s*(\d+)\s*[x×]\s*(\d+)\s*$/i;

/** Where the frame of a landmark file comes from. */
export interface FrameSource {
  readonly frame: LandmarkFrame;
  /** Human-readable origin, e.g. "its '# frame: 250x250' line" or "its name (the reference code's LFW file)". */
  readonly origin: string;
}

/**
 * The frame a landmark file states in a `# frame: WxH` comment line (searched among the
 * leading comment lines), else the frame known for its file name, else undefined.
 */
export function landmarkFileFrame(text: string, filePath: string): FrameSource | undefined {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) break;
    const m = FRAME_LINE.exec(line);
    if (m !== null) {
      const frame = { width: Number(m[1]), height: Number(m[2]) };
      if (frame.width > 0 && frame.height > 0) return { frame, origin: `its '# frame: ${frame.width}x${frame.height}' line` };
    }
  }
  const known = KNOWN_FILE_FRAMES.get(path.basename(filePath));
  return known === undefined ? undefined : { frame: known, origin: `its name (the reference PFE code's LFW file, ${known.width}×${known.height} frame)` };
}

/**
 * Relative difference allowed between two scales (or aspect ratios) before they count as
 * different: 2% is ~3 px on a 150-px face image, well below MTCNN's own landmark error,
 * while a 150-vs-250 mix-up is a factor of 1.67.
 */
export const SCALE_TOLERANCE = 0.02;

/** True when a and b differ by at most SCALE_TOLERANCE relative to the larger. */
export function sameScale(a: number, b: number): boolean {
  return Math.abs(a - b) <= SCALE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * The factor taking the frame's coordinates to an image of the given size, or undefined when
 * the image is not a uniformly scaled copy of the frame (different aspect ratio).
 */
export function inferredScale(frame: LandmarkFrame, imageWidth: number, imageHeight: number): number | undefined {
  const sx = imageWidth / frame.width;
  const sy = imageHeight / frame.height;
  return sameScale(sx, sy) ? sx : undefined;
}

/** Multiplies every coordinate by `scale`. */
export function scaleLandmarks(points: FiveLandmarks, scale: number): FiveLandmarks {
  const p = (i: number): { x: number; y: number } => ({ x: points[i]!.x * scale, y: points[i]!.y * scale });
  return [p(0), p(1), p(2), p(3), p(4)];
}

/** True when every point lies inside a width×height image (edges included). */
export function landmarksInside(points: FiveLandmarks, width: number, height: number): boolean {
  return points.every((p) => p.x >= 0 && p.y >= 0 && p.x <= width && p.y <= height);
}

/** How the scale of a landmark file's coordinates is chosen: from each image's size, or one fixed factor. */
export type LandmarkScaleChoice = { readonly kind: 'auto' } | { readonly kind: 'fixed'; readonly scale: number };

/** One image's landmarks fitted to it, and what was wrong, if anything. */
export interface FittedLandmarks {
  readonly landmarks: FiveLandmarks;
  /** The factor applied to the file's coordinates. */
  readonly scale: number;
  /** The factor the file's frame and the image's size call for, when both are known. */
  readonly inferredScale: number | undefined;
  /** The given scale differs from the inferred one. */
  readonly scaleMismatch: boolean;
  /** A point lies outside the image after scaling. */
  readonly outside: boolean;
}

/**
 * Fits one image's landmarks (in the file's frame) to the image. With 'auto', the scale is
 * image width / frame width when the frame is known and the image has its aspect ratio,
 * else 1 (the coordinates are taken as the image's own pixels). A fixed scale is applied
 * as given; the result says whether it disagrees with the inferred one.
 * @param imageSize the image's size, or undefined when it could not be read (no checks then)
 */
export function fitLandmarks(
  points: FiveLandmarks,
  frame: LandmarkFrame | undefined,
  imageSize: { readonly width: number; readonly height: number } | undefined,
  choice: LandmarkScaleChoice,
): FittedLandmarks {
  const inferred = frame === undefined || imageSize === undefined ? undefined : inferredScale(frame, imageSize.width, imageSize.height);
  const scale = choice.kind === 'fixed' ? choice.scale : (inferred ?? 1);
  const landmarks = scale === 1 ? points : scaleLandmarks(points, scale);
  return {
    landmarks,
    scale,
    inferredScale: inferred,
    scaleMismatch: inferred !== undefined && !sameScale(scale, inferred),
    outside: imageSize !== undefined && !landmarksInside(landmarks, imageSize.width, imageSize.height),
  };
}
