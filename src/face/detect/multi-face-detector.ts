/**
 * A face detector for photos of any size and any number of faces: face-api's Tiny Face
 * Detector run over an anti-aliased pyramid of overlapping tiles (pyramid-plan.ts), the
 * detections merged by non-maximum suppression, then face-api's 68-point landmark net on
 * each face giving dlib's five alignment points. When no face is found upright, the image
 * is tried turned by 90°, 270° and 180° and the turn with the best-scoring face is kept;
 * such faces say so in `uprightTurn`, their landmarks mapped back to the original image.
 * Limit measured on the LFW fixtures: the net also fires on upside-down faces (scores
 * 0.5–0.7) and on one of eight faces turned 270°, which then come back as one wrongly
 * "upright" face (trying turns whenever the upright score is low fixes those but flips
 * 2.4% of LFW's upright faces, so it is not done).
 *
 * Same `detectFaces(image)` / `dispose()` shape as src/face/detect/face-detector.ts, so
 * the pipeline can use either.
 */
import * as tf from '@tensorflow/tfjs-core';
import { PfeError } from '../../core/errors.js';
import { assertRgbImage } from '../image/rgb-image.js';
import { imageToTensor4d } from '../runtime/image-tensor.js';
import { type CornerBox, iou } from './nms.js';
import { loadFaceApiWeights } from '../runtime/face-api-tensors.js';
import type { FaceDetection, RgbImage } from '../types.js';
import { fiveLandmarksFrom68 } from './five-from-68.js';
import { LANDMARK_68_COUNT, LANDMARK_68_INPUT_SIZE, Landmark68Net } from './landmark-68-net.js';
import { type PlannedPass, type PlannedTile, planPasses, type PyramidOptions } from './pyramid-plan.js';
import { type QuarterTurn, rotateImageTensor, unrotatePoint } from './rotation.js';
import { decodeTinyFaceOutput, TINY_FACE_STRIDE, TinyFaceNet } from './tiny-face-net.js';

/** One face found by `MultiFaceDetector`. Coordinates are the original image's, pixel centres at integers (as alignFace). */
export interface FoundFace extends FaceDetection {
  /** The five points come from the 68-point landmark net. */
  readonly landmarkSource: 'landmark68';
  /** The 68 iBUG-300W points, 136 values x0, y0, x1, y1, ... */
  readonly landmarks68: Float32Array;
  /**
   * Clockwise quarter turn the image needed for this face to stand upright (0 for an
   * upright face). FiveLandmarks keep the subject-based order (subject's right eye first).
   */
  readonly uprightTurn: QuarterTurn;
}

/** Options of the detector. */
export interface MultiFaceDetectorOptions {
  /** Folder holding face-api's weight manifests and .bin files (default: @vladmandic/face-api's model/). */
  readonly modelsDir?: string;
  /** Minimum face score, 0..1 (default 0.5, face-api's TinyFaceDetectorOptions default). */
  readonly minScore?: number;
  /** IoU above which the lower-scored of two boxes is dropped (default 0.4, face-api's tiny detector IOU_THRESHOLD). */
  readonly iouThreshold?: number;
  /** Smallest face side, in original pixels, to look for (default 40). */
  readonly minFaceSize?: number;
  /**
   * Smallest face side as a fraction of the image's long side (default DEFAULT_MIN_FACE_FRACTION);
   * the larger of the two limits applies. 0 looks for minFaceSize everywhere (slow on big photos).
   */
  readonly minFaceFraction?: number;
  /** At most this many faces, best scores first (default 100). */
  readonly maxFaces?: number;
  /** Try 90°, 270° and 180° turns when no face is upright (default true). */
  readonly tryRotations?: boolean;
}

/**
 * Default smallest face relative to the photo's long side: 1/64. A scan for 40-px faces
 * costs about a minute of one core on a 20-megapixel photo (docs/RESULTS.md, "Face
 * detection"); at 1/64 a 5000-px photo is scanned for faces of 78 px and up, and photos up
 * to 2560 px keep the 40-px limit, so any photo takes a few seconds at most. Group photos
 * with smaller faces can lower it.
 */
export const DEFAULT_MIN_FACE_FRACTION = 1 / 64;

/**
 * Tile side in pixels: face-api's default Tiny Face Detector input (416 = 13 cells of 32);
 * the net was trained on whole images at this size, so faces up to about its size.
 */
const TILE_SIZE = 416;
/** Tile side of the finer passes: twice the whole-image side, so the 160-px overlap wastes less (65% of each tile is its own). */
const FINE_TILE_SIZE = 832;
/**
 * Smallest face (tiny-detector box side, pass pixels) found reliably, and the largest a
 * fine pass keeps: faces above it are left to the coarser pass (half the scale), where
 * they are at least MAX_FACE_AT_FINE_LEVEL / 2 px.
 */
const NET_MIN_FACE = 24;
const MAX_FACE_AT_FINE_LEVEL = 160;
/**
 * The net's score depends on where a face falls in its 32-px cell grid (on LFW, a face
 * scoring 0.4 at one grid position scores 0.8 half a cell further), so a tile with a near
 * miss is run again with the grid shifted by half a cell.
 */
const SHIFTED_PHASE = TINY_FACE_STRIDE / 2;
/**
 * A candidate at least this score but below minScore, not overlapping a kept face, is a
 * near miss. Measured on LFW misses: their best unshifted score was 0.21–0.49.
 */
const NEAR_MISS_SCORE = 0.2;
/** A weak candidate overlapping a kept face by more than this IoU is that face, not a near miss. */
const NEAR_MISS_IOU = 0.3;
/** Tiles run through the net together (same size within a pass). */
const TILE_BATCH = 2;
/** A box mostly inside a better-scored kept box (intersection over its own area) is a duplicate from another pass. */
const CONTAINMENT_THRESHOLD = 0.7;

interface Candidate extends CornerBox {
  readonly score: number;
}

/** Average-pooled 2× levels of an image tensor, built on demand and owned (disposed) here. */
class PoolPyramid {
  private readonly levels: tf.Tensor4D[];
  constructor(base: tf.Tensor4D) {
    this.levels = [base];
  }
  level(k: number): tf.Tensor4D {
    while (this.levels.length <= k) {
      const prev = this.levels[this.levels.length - 1]!;
      this.levels.push(tf.avgPool(prev, 2, 2, 'valid'));
    }
    return this.levels[k]!;
  }
  dispose(): void {
    for (const t of this.levels) t.dispose();
  }
}

function roundUpToStride(n: number): number {
  return Math.max(TINY_FACE_STRIDE, Math.ceil(n / TINY_FACE_STRIDE) * TINY_FACE_STRIDE);
}

/** Greedy NMS that also drops boxes mostly contained in a kept one. */
function mergeCandidates(candidates: readonly Candidate[], iouThreshold: number, maxFaces: number): Candidate[] {
  const order = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Candidate[] = [];
  for (const c of order) {
    if (kept.length >= maxFaces) break;
    const area = (c.x1 - c.x0) * (c.y1 - c.y0);
    const duplicate = kept.some((k) => {
      if (iou(c, k) > iouThreshold) return true;
      const iw = Math.min(c.x1, k.x1) - Math.max(c.x0, k.x0);
      const ih = Math.min(c.y1, k.y1) - Math.max(c.y0, k.y0);
      return iw > 0 && ih > 0 && (iw * ih) / area > CONTAINMENT_THRESHOLD;
    });
    if (!duplicate) kept.push(c);
  }
  return kept;
}

/** Tiny Face Detector over a tile pyramid + 68-point landmarks; load with `loadMultiFaceDetector`. */
export class MultiFaceDetector {
  private readonly minScore: number;
  private readonly iouThreshold: number;
  private readonly maxFaces: number;
  private readonly tryRotations: boolean;
  private readonly pyramid: PyramidOptions;
  private readonly minFaceFraction: number;

  constructor(
    private readonly detector: TinyFaceNet,
    private readonly landmarks: Landmark68Net,
    options: MultiFaceDetectorOptions = {},
  ) {
    this.minScore = options.minScore ?? 0.5;
    this.iouThreshold = options.iouThreshold ?? 0.4;
    this.maxFaces = options.maxFaces ?? 100;
    this.tryRotations = options.tryRotations ?? true;
    const minFaceSize = options.minFaceSize ?? 40;
    this.minFaceFraction = options.minFaceFraction ?? DEFAULT_MIN_FACE_FRACTION;
    if (!(this.minFaceFraction >= 0 && this.minFaceFraction < 1)) throw new PfeError('INVALID_ARGUMENT', `minFaceFraction must be in [0, 1), got ${this.minFaceFraction}`);
    if (!(this.minScore >= 0 && this.minScore <= 1)) throw new PfeError('INVALID_ARGUMENT', `minScore must be in [0, 1], got ${this.minScore}`);
    if (!(this.iouThreshold >= 0 && this.iouThreshold <= 1)) throw new PfeError('INVALID_ARGUMENT', `iouThreshold must be in [0, 1], got ${this.iouThreshold}`);
    if (!Number.isInteger(this.maxFaces) || this.maxFaces < 1) throw new PfeError('INVALID_ARGUMENT', `maxFaces must be a positive integer, got ${this.maxFaces}`);
    if (!(minFaceSize > 0)) throw new PfeError('INVALID_ARGUMENT', `minFaceSize must be positive, got ${minFaceSize}`);
    this.pyramid = { tileSize: TILE_SIZE, fineTileSize: FINE_TILE_SIZE, minFaceSize, netMinFace: NET_MIN_FACE, maxFaceAtFineLevel: MAX_FACE_AT_FINE_LEVEL };
  }

  /**
   * Faces in `image`, best score first, each with box, score, FiveLandmarks (from the 68
   * points) and the turn it needed. An image without a face gives [].
   */
  async detectFaces(image: RgbImage): Promise<FoundFace[]> {
    assertRgbImage(image);
    const base = imageToTensor4d(image);
    try {
      const upright = await this.detectTurned(base, 0, image.width, image.height);
      // Turns only when nothing stands upright: the net's scores cannot tell the right turn from a wrong one (on
      // LFW's upright faces, a turned reading outscored a weak upright one in 32 of 1,324 images, up to 0.98 vs 0.64).
      if (upright.length > 0 || !this.tryRotations) return upright;
      let best: FoundFace[] = [];
      for (const turn of [90, 270, 180] as const) {
        const turned = await this.detectTurned(base, turn, image.width, image.height);
        if (turned.length > 0 && (best.length === 0 || turned[0]!.score > best[0]!.score)) best = turned;
      }
      return best;
    } finally {
      base.dispose();
    }
  }

  /** Detection in the image turned by `turn`; results in the original (unturned) image. */
  private async detectTurned(base: tf.Tensor4D, turn: QuarterTurn, width: number, height: number): Promise<FoundFace[]> {
    const turned = turn === 0 ? base : rotateImageTensor(base, turn);
    // The pyramid owns its levels, the base included: dispose only a turned copy.
    const pyramid = new PoolPyramid(turn === 0 ? tf.clone(base) : turned);
    try {
      const [, h, w] = pyramid.level(0).shape;
      const candidates: Candidate[] = [];
      const minFaceSize = Math.max(this.pyramid.minFaceSize, this.minFaceFraction * Math.max(w, h));
      for (const pass of planPasses(w, h, { ...this.pyramid, minFaceSize })) candidates.push(...(await this.runPass(pyramid, pass)));
      const faces = mergeCandidates(candidates, this.iouThreshold, this.maxFaces);
      if (faces.length === 0) return [];
      const points = await this.landmarksOf(pyramid, faces);
      return faces.map((f, i): FoundFace => {
        const back = (x: number, y: number) => {
          const p = unrotatePoint({ x, y }, turn, width, height);
          return { x: p.x - 0.5, y: p.y - 0.5 };
        };
        const corners = [back(f.x0, f.y0), back(f.x1, f.y1)];
        const x0 = Math.min(corners[0]!.x, corners[1]!.x);
        const y0 = Math.min(corners[0]!.y, corners[1]!.y);
        const pts = new Float32Array(2 * LANDMARK_68_COUNT);
        for (let k = 0; k < LANDMARK_68_COUNT; k++) {
          const p = back(points[i]![2 * k]!, points[i]![2 * k + 1]!);
          pts[2 * k] = p.x;
          pts[2 * k + 1] = p.y;
        }
        return {
          box: { x: x0, y: y0, width: Math.abs(corners[1]!.x - corners[0]!.x), height: Math.abs(corners[1]!.y - corners[0]!.y) },
          score: f.score,
          landmarks: fiveLandmarksFrom68(pts),
          landmarkSource: 'landmark68',
          landmarks68: pts,
          uprightTurn: turn,
        };
      });
    } finally {
      pyramid.dispose();
    }
  }

  /** Detections of one pass, as corner boxes in the (turned) level-0 continuous frame. */
  private async runPass(pyramid: PoolPyramid, pass: PlannedPass): Promise<Candidate[]> {
    const source = pyramid.level(pass.level);
    const [, lh, lw] = source.shape;
    const resized = pass.width !== lw || pass.height !== lh;
    const passImage = resized ? tf.image.resizeBilinear(source, [pass.height, pass.width], false, true) : source;
    const found: Candidate[] = [];
    try {
      for (let start = 0; start < pass.tiles.length; start += TILE_BATCH) {
        const tiles = pass.tiles.slice(start, start + TILE_BATCH);
        const first = await this.runTiles(passImage, pass, tiles, 0);
        const again = tiles.filter((_, i) => first[i]!.nearMiss);
        const second = again.length > 0 ? await this.runTiles(passImage, pass, again, SHIFTED_PHASE) : [];
        for (const r of [...first, ...second]) found.push(...r.faces);
      }
    } finally {
      if (resized) passImage.dispose();
    }
    return found;
  }

  /**
   * Runs tiles of one pass (all the same size) through the net with the grid shifted by
   * `phase` pixels; per tile, the faces it keeps (level-0 frame) and whether it had a
   * near miss: a candidate scoring NEAR_MISS_SCORE..minScore away from every kept face.
   */
  private async runTiles(passImage: tf.Tensor4D, pass: PlannedPass, tiles: readonly PlannedTile[], phase: number): Promise<{ faces: Candidate[]; nearMiss: boolean }[]> {
    const tw = tiles[0]!.width;
    const th = tiles[0]!.height;
    const batch = tf.tidy(() => {
      const crops = tiles.map((t) => tf.slice(passImage, [0, t.y, t.x, 0], [1, th, tw, 3]));
      // Black above/left by the phase, below/right up to whole cells (face-api pads at the bottom/right).
      const padH = roundUpToStride(th + phase) - th - phase;
      const padW = roundUpToStride(tw + phase) - tw - phase;
      return tf.pad(tf.concat(crops, 0), [[0, 0], [phase, padH], [phase, padW], [0, 0]]) as tf.Tensor4D;
    });
    let values: Float32Array;
    let rows: number;
    let cols: number;
    try {
      const out = this.detector.forward(batch);
      [, rows, cols] = out.shape;
      values = (await out.data()) as Float32Array;
      out.dispose();
    } finally {
      batch.dispose();
    }
    const perTile = values.length / tiles.length;
    return tiles.map((t, i) => {
      const faces: Candidate[] = [];
      const weak: Candidate[] = [];
      for (const c of decodeTinyFaceOutput(values.subarray(i * perTile, (i + 1) * perTile), rows, cols, Math.min(NEAR_MISS_SCORE, this.minScore))) {
        const side = Math.max(c.x1 - c.x0, c.y1 - c.y0);
        if (side > pass.maxFace) continue;
        const x0 = t.x + c.x0 - phase;
        const y0 = t.y + c.y0 - phase;
        const x1 = t.x + c.x1 - phase;
        const y1 = t.y + c.y1 - phase;
        const cx = (x0 + x1) / 2;
        const cy = (y0 + y1) / 2;
        if (cx < t.coreX0 || cx >= t.coreX1 || cy < t.coreY0 || cy >= t.coreY1) continue;
        (c.score >= this.minScore ? faces : weak).push({ x0, y0, x1, y1, score: c.score });
      }
      const nearMiss = weak.some((w) => faces.every((f) => iou(w, f) < NEAR_MISS_IOU));
      const toLevel0 = (c: Candidate): Candidate => ({ x0: c.x0 / pass.scaleX, y0: c.y0 / pass.scaleY, x1: c.x1 / pass.scaleX, y1: c.y1 / pass.scaleY, score: c.score });
      return { faces: faces.map(toLevel0), nearMiss };
    });
  }

  /**
   * 68 points per face in the (turned) level-0 continuous frame. Each box is cropped from
   * the pyramid level where it is at least 112 px (no aliasing), padded with black bars to a
   * square centred on it and resized to 112×112, as face-api prepares the landmark net's input.
   */
  private async landmarksOf(pyramid: PoolPyramid, faces: readonly Candidate[]): Promise<Float32Array[]> {
    const size = LANDMARK_68_INPUT_SIZE;
    const squares: { x: number; y: number; side: number }[] = [];
    const input = tf.tidy(() => {
      const crops = faces.map((f) => {
        const w = f.x1 - f.x0;
        const h = f.y1 - f.y0;
        const side = Math.max(w, h);
        const level = Math.max(0, Math.floor(Math.log2(side / size)));
        const src = pyramid.level(level);
        const [, sh, sw] = src.shape;
        const k = 2 ** level;
        const sq = { x: (f.x0 + f.x1) / 2 - side / 2, y: (f.y0 + f.y1) / 2 - side / 2, side };
        squares.push(sq);
        // cropAndResize samples pixel index y1·(H−1) + i·(y2−y1)·(H−1)/(size−1); output pixel i should sample the
        // continuous point sq.y + (i + 0.5)·side/size, i.e. pixel index that − 0.5 (level frame: divide by k).
        const step = sq.side / size / k;
        const fy = sq.y / k + step / 2 - 0.5;
        const fx = sq.x / k + step / 2 - 0.5;
        const ly = fy + (size - 1) * step;
        const lx = fx + (size - 1) * step;
        const crop = tf.image.cropAndResize(src, [[fy / Math.max(1, sh - 1), fx / Math.max(1, sw - 1), ly / Math.max(1, sh - 1), lx / Math.max(1, sw - 1)]], [0], [size, size], 'bilinear', 0);
        // Black bars outside the box along its shorter side.
        const mask = new Float32Array(size * size);
        const bx0 = ((f.x0 - sq.x) / side) * size;
        const bx1 = ((f.x1 - sq.x) / side) * size;
        const by0 = ((f.y0 - sq.y) / side) * size;
        const by1 = ((f.y1 - sq.y) / side) * size;
        for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) mask[r * size + c] = c + 0.5 >= bx0 && c + 0.5 < bx1 && r + 0.5 >= by0 && r + 0.5 < by1 ? 1 : 0;
        return tf.mul(crop, tf.tensor4d(mask, [1, size, size, 1]));
      });
      return tf.concat(crops, 0) as tf.Tensor4D;
    });
    let values: Float32Array;
    try {
      const out = this.landmarks.forward(input);
      values = (await out.data()) as Float32Array;
      out.dispose();
    } finally {
      input.dispose();
    }
    return squares.map((sq, i) => {
      const pts = new Float32Array(2 * LANDMARK_68_COUNT);
      for (let k = 0; k < LANDMARK_68_COUNT; k++) {
        pts[2 * k] = sq.x + values[i * 2 * LANDMARK_68_COUNT + 2 * k]! * sq.side;
        pts[2 * k + 1] = sq.y + values[i * 2 * LANDMARK_68_COUNT + 2 * k + 1]! * sq.side;
      }
      return pts;
    });
  }

  /** Frees both networks. */
  dispose(): void {
    this.detector.dispose();
    this.landmarks.dispose();
  }
}

/** Loads the Tiny Face Detector and the 68-point landmark net (a tfjs backend must be initialised, see `initBackend`). */
export async function loadMultiFaceDetector(options: MultiFaceDetectorOptions = {}): Promise<MultiFaceDetector> {
  const dir = options.modelsDir;
  const detector = TinyFaceNet.fromWeights(await loadFaceApiWeights('tiny_face_detector_model', ...(dir === undefined ? [] : [dir])));
  const landmarks = Landmark68Net.fromWeights(await loadFaceApiWeights('face_landmark_68_model', ...(dir === undefined ? [] : [dir])));
  return new MultiFaceDetector(detector, landmarks, options);
}
