/**
 * The pipeline's face detector: the multi-face detector (every face, any size, quarter
 * turns; dlib's five points from the 68-point net), with BlazeFace + FaceMesh as a fallback
 * for photos where it finds nothing. The fallback is there for blur: on LFW blurred by
 * σ 4 px the multi-face detector finds 1.5% of the faces and BlazeFace + FaceMesh 44%
 * (docs/RESULTS.md, "Face detection"); on sharp photos the fallback never runs.
 */
import { type DetectedFace, type FaceDetector, loadFaceDetector } from './face-detector.js';
import type { RgbImage } from '../types.js';
import { type FoundFace, loadMultiFaceDetector, type MultiFaceDetector } from './multi-face-detector.js';

/** A face the finder reports: from the multi-face detector, or from the fallback. */
export type FinderFace = FoundFace | DetectedFace;

/** Options of `loadFaceFinder`. */
export interface FaceFinderOptions {
  /** One folder with every model file under its package file name (default: each from its package). */
  readonly modelsDir?: string;
}

/** Multi-face detection with a BlazeFace + FaceMesh fallback; load with `loadFaceFinder`. */
export class FaceFinder {
  private fallback: FaceDetector | undefined;

  constructor(
    private readonly primary: MultiFaceDetector,
    private readonly options: FaceFinderOptions,
  ) {}

  /** Loads the fallback now rather than on first need (e.g. before a page goes offline). */
  async loadFallback(): Promise<void> {
    this.fallback ??= await loadFaceDetector(this.options.modelsDir === undefined ? {} : { modelsDir: this.options.modelsDir });
  }

  /** Every face in `image`, from the multi-face detector, else from the fallback; [] when neither finds one. */
  async detectFaces(image: RgbImage): Promise<FinderFace[]> {
    const found = await this.primary.detectFaces(image);
    if (found.length > 0) return found;
    await this.loadFallback();
    return this.fallback!.detectFaces(image);
  }

  /** Frees every network. */
  dispose(): void {
    this.primary.dispose();
    this.fallback?.dispose();
  }
}

/** Loads the multi-face detector (the fallback loads on first need). A tfjs backend must be initialised. */
export async function loadFaceFinder(options: FaceFinderOptions = {}): Promise<FaceFinder> {
  return new FaceFinder(await loadMultiFaceDetector(options.modelsDir === undefined ? {} : { modelsDir: options.modelsDir }), options);
}
