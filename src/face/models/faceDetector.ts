/**
 * Face detection with five alignment landmarks: BlazeFace finds the faces, FaceMesh
 * (468 points) on each enlarged box gives eye centres, nose tip and mouth corners.
 */
import type { FaceDetection, RgbImage } from '../types.js';
import { type BlazefaceDetector, type BlazefaceOptions, loadBlazeface } from './blazeface.js';
import { fiveLandmarksFromBlazeface } from './blazefaceLandmarks.js';
import { enlargedSquare } from './cropBox.js';
import { type FaceMeshModel, loadFaceMesh } from './facemesh.js';
import { imageToTensor4d } from './imageTensor.js';
import { fiveLandmarksFromMesh } from './meshLandmarks.js';
import { bundledModelPath } from './modelPaths.js';

/**
 * Box enlargement before FaceMesh: human's config face.detector.scale (1.4); the mesh
 * was trained on crops with margin around the face.
 */
export const MESH_BOX_SCALE = 1.4;

/** A detection with where its landmarks came from. */
export interface DetectedFace extends FaceDetection {
  /** 'facemesh' normally; 'blazeface' when the mesh's face score was below `minMeshScore` (mouth corners estimated). */
  readonly landmarkSource: 'facemesh' | 'blazeface';
  /** FaceMesh's face-presence score for this box. */
  readonly meshScore: number;
}

/** Options of `loadFaceDetector`. */
export interface FaceDetectorOptions extends BlazefaceOptions {
  /** Folder holding blazeface.json and facemesh.json (default: @vladmandic/human/models); `modelPath` overrides blazeface's. */
  readonly modelsDir?: string;
  /** Path of facemesh.json (overrides modelsDir). */
  readonly meshModelPath?: string;
  /** Use mesh landmarks only when the mesh's face score is at least this (default 0.5). */
  readonly minMeshScore?: number;
}

/** BlazeFace + FaceMesh; load with `loadFaceDetector`. */
export class FaceDetector {
  private readonly detector: BlazefaceDetector;
  private readonly mesh: FaceMeshModel;
  private readonly minMeshScore: number;

  constructor(detector: BlazefaceDetector, mesh: FaceMeshModel, minMeshScore = 0.5) {
    this.detector = detector;
    this.mesh = mesh;
    this.minMeshScore = minMeshScore;
  }

  /**
   * Faces in `image`, best detector score first, with box (BlazeFace's, image pixels),
   * score (BlazeFace's, 0..1) and FiveLandmarks in image pixel coordinates.
   * An image without a face gives [].
   */
  async detectFaces(image: RgbImage): Promise<DetectedFace[]> {
    const t = imageToTensor4d(image);
    try {
      const found = await this.detector.detectTensor(t);
      const meshes = await this.mesh.estimate(t, found.map((f) => enlargedSquare(f.box, MESH_BOX_SCALE)));
      return found.map((f, i) => {
        const m = meshes[i]!;
        const useMesh = m.faceScore >= this.minMeshScore;
        return {
          box: { x: f.box.x0, y: f.box.y0, width: f.box.x1 - f.box.x0, height: f.box.y1 - f.box.y0 },
          score: f.score,
          landmarks: useMesh ? fiveLandmarksFromMesh(m.points) : fiveLandmarksFromBlazeface(f.keypoints),
          landmarkSource: useMesh ? 'facemesh' : 'blazeface',
          meshScore: m.faceScore,
        };
      });
    } finally {
      t.dispose();
    }
  }

  /** Frees both models. */
  dispose(): void {
    this.detector.dispose();
    this.mesh.dispose();
  }
}

/** Loads BlazeFace and FaceMesh (a tfjs backend must be initialised, see `initBackend`). */
export async function loadFaceDetector(options: FaceDetectorOptions = {}): Promise<FaceDetector> {
  const detector = await loadBlazeface({ ...options, modelPath: options.modelPath ?? bundledModelPath('blazeface', options.modelsDir) });
  const mesh = await loadFaceMesh(options.meshModelPath ?? bundledModelPath('facemesh', options.modelsDir));
  return new FaceDetector(detector, mesh, options.minMeshScore);
}
