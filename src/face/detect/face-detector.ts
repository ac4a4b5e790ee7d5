/**
 * Face detection with five alignment landmarks: BlazeFace finds the faces, FaceMesh
 * (468 points) on each enlarged box gives eye centres, nose tip and mouth corners.
 */
import type { FaceDetection, RgbImage } from '../types.js';
import { type BlazefaceDetection, type BlazefaceDetector, type BlazefaceOptions, loadBlazeface } from './blazeface.js';
import { fiveLandmarksFromBlazeface } from './blazeface-landmarks.js';
import { type FaceMeshModel, type FaceRegion, loadFaceMesh } from './facemesh.js';
import { fiveLandmarksFromMesh } from './mesh-landmarks.js';
import { bundledModelPath } from '#platform/model-paths';

/**
 * Box enlargement before FaceMesh: human's config face.detector.scale (1.4); the mesh
 * was trained on crops with margin around the face.
 */
export const MESH_BOX_SCALE = 1.4;

/**
 * The FaceMesh crop for a BlazeFace detection: a square of MESH_BOX_SCALE × the box's
 * longer side around the box centre, rolled to BlazeFace's eye line (keypoints 0 → 1).
 */
export function meshRegion(face: BlazefaceDetection): FaceRegion {
  const { box, keypoints } = face;
  return {
    centreX: (box.x0 + box.x1) / 2,
    centreY: (box.y0 + box.y1) / 2,
    size: Math.max(box.x1 - box.x0, box.y1 - box.y0) * MESH_BOX_SCALE,
    angle: Math.atan2(keypoints[3]! - keypoints[1]!, keypoints[2]! - keypoints[0]!),
  };
}

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
    const found = await this.detector.detect(image);
    const meshes = await this.mesh.estimate(image, found.map(meshRegion));
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
