/**
 * What the service knows about one uploaded face: its embedding in the service's space
 * (see src/head/head-binding.ts), σ² and the uncertainty score when a head is bound, and what the
 * detector saw. Plain data, transferable between threads.
 */
import type { PfeErrorCode } from '../core/errors.js';
import type { Box, FiveLandmarks } from '../face/types.js';

/** One analysed face. */
export interface FaceAnalysis {
  /** D values, L2-normalised (centred with the head's mean when a head is bound). */
  readonly mu: Float32Array;
  /** D values, or null without a head. */
  readonly sigmaSq: Float32Array | null;
  /** Harmonic mean of σ² (lower = more confident), or null without a head. */
  readonly uncertainty: number | null;
  readonly box: Box | null;
  readonly landmarks: FiveLandmarks;
  readonly detectorScore: number | null;
  readonly faceCount: number | null;
  readonly imageWidth: number;
  readonly imageHeight: number;
}

/** The outcome of analysing one image. */
export type AnalyzeResult = { readonly status: 'ok'; readonly face: FaceAnalysis } | { readonly status: 'failed'; readonly code: PfeErrorCode; readonly reason: string };

/** Turns images into FaceAnalysis results, a batch at a time (one per worker). */
export interface AnalyzerBackend {
  analyze(images: readonly Uint8Array[]): Promise<AnalyzeResult[]>;
  /** True once the backend can no longer work (e.g. its worker thread died); the pool replaces it. */
  readonly broken?: boolean;
  close(): Promise<void>;
}
