/**
 * Face models on TensorFlow.js (Node; wasm backend with cpu fallback): runtime set-up,
 * local graph-model loading, the faceres backbone and BlazeFace + FaceMesh detection.
 */
export { type BackendInfo, type BackendName, backendInUse, initBackend } from './runtime.js';
export { type LoadLocalGraphModelOptions, type LocalModelArtifacts, loadLocalGraphModel, readLocalModelArtifacts } from './localModel.js';
export { type BundledModelName, bundledModelPath, defaultModelsDir } from './modelPaths.js';
export { rewriteClipChainsToRelu6, type Relu6RewriteResult } from './relu6Rewrite.js';
export type { Backbone, BackboneFeatures, BackboneOutput, ConvFeatureMap, EmbedOptions } from './backbone.js';
export { FACERES_DIM, FACERES_INPUT_SIZE, FaceresBackbone, type FaceresOptions, loadFaceres } from './faceres.js';
export { adaptiveAveragePool, globalAveragePool, l2NormalizeRows } from './featurePooling.js';
export { type BlazefaceDetection, BlazefaceDetector, type BlazefaceOptions, loadBlazeface } from './blazeface.js';
export { type FaceMeshResult, FaceMeshModel, loadFaceMesh } from './facemesh.js';
export { type DetectedFace, FaceDetector, type FaceDetectorOptions, loadFaceDetector } from './faceDetector.js';
export { fiveLandmarksFromMesh } from './meshLandmarks.js';
export { fiveLandmarksFromBlazeface } from './blazefaceLandmarks.js';
