/**
 * Shared image and landmark types of the face pipeline
 * (decode → detect → landmarks → align → backbone).
 */

/** An 8-bit RGB image, interleaved, row-major: pixel (x, y) channel c is at (y*width + x)*3 + c. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** width*height*3 bytes, RGB order, no alpha. */
  readonly data: Uint8Array;
}

/** A point in image pixel coordinates (x to the right, y down; pixel centres at integer + 0.5 are not assumed). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/**
 * The five landmarks used for alignment, in image order as in MTCNN and the
 * ArcFace template: eye on the image's left (the subject's right eye), eye on the
 * image's right, nose tip, mouth corner on the image's left, mouth corner on the image's right.
 */
export type FiveLandmarks = readonly [Point, Point, Point, Point, Point];

/** An axis-aligned box in pixels. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One detected face. */
export interface FaceDetection {
  readonly box: Box;
  /** Detector confidence in 0..1. */
  readonly score: number;
  /** Five alignment landmarks, in the order of FiveLandmarks. */
  readonly landmarks: FiveLandmarks;
}
