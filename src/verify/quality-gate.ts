/**
 * The quality gate: a face whose uncertainty is above the configured limit (or, without
 * an uncertainty head, whose detector score is below the limit), or an image with several
 * faces, is refused before it can enter a template or be matched. Lower uncertainty =
 * more confident (harmonic mean of σ², src/core/uncertainty.ts).
 */
/** What the gate looks at in one analysed face (the service's FaceAnalysis has these fields). */
export interface QualitySignals {
  /** Harmonic mean of σ² (lower = more confident), or null without a head. */
  readonly uncertainty: number | null;
  /** Detector score (0..1), or null when the landmarks were given. */
  readonly detectorScore: number | null;
  /** Faces the detector found in the image, or null when the landmarks were given. */
  readonly faceCount: number | null;
}

/** Configured limits. */
export interface QualityLimits {
  /** Largest accepted uncertainty; null = no uncertainty limit (or no head). */
  readonly maxUncertainty: number | null;
  /** Smallest accepted detector score (0..1); faces with given landmarks have none and pass. */
  readonly minDetectorScore: number;
  /** Accept images where the detector found more than one face (the largest is used). */
  readonly allowMultipleFaces: boolean;
}

/** Why a face was refused. */
export interface QualityRejection {
  readonly code: 'LOW_QUALITY' | 'MULTIPLE_FACES';
  readonly reason: string;
}

/** null when the face passes, else the first failed check. */
export function checkQuality(face: QualitySignals, limits: QualityLimits): QualityRejection | null {
  if (!limits.allowMultipleFaces && face.faceCount !== null && face.faceCount > 1) {
    return { code: 'MULTIPLE_FACES', reason: `the image shows ${face.faceCount} faces; send an image of one person` };
  }
  if (limits.maxUncertainty !== null && face.uncertainty !== null && face.uncertainty > limits.maxUncertainty) {
    return { code: 'LOW_QUALITY', reason: `face uncertainty ${face.uncertainty.toPrecision(4)} is above the limit ${limits.maxUncertainty.toPrecision(4)}` };
  }
  if (face.detectorScore !== null && face.detectorScore < limits.minDetectorScore) {
    return { code: 'LOW_QUALITY', reason: `detector score ${face.detectorScore.toFixed(3)} is below the limit ${limits.minDetectorScore}` };
  }
  return null;
}
