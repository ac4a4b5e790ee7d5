import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeImage } from '../image/decode.js';
import { type FixtureFace, loadFixtureFaces } from '../../testing/fixture-faces.js';
import { defaultModelsDir } from '../runtime/model-paths.js';
import { initBackend } from '../runtime/tfjs-runtime.js';
import { pickSubjectFace } from '../pipeline/face-embedder.js';
import type { FiveLandmarks } from '../types.js';
import { type FoundFace, type MultiFaceDetector, loadMultiFaceDetector } from './multi-face-detector.js';
import { eyeDistance, greyCanvas, mapLandmarks, meanLandmarkDistance, paste, resizeImage, turnClockwise } from '../../testing/test-scenes.js';
import path from 'node:path';

/** Mean landmark error allowed against MTCNN on the 150-px fixtures, px (measured: 0.9–2.2). */
const MAX_MTCNN_DISTANCE_PX = 3.5;
/** Landmark disagreement allowed between a rescaled/turned scene and the 150-px detection, as a fraction of the eye distance (measured ≤ 0.032 at ×25). */
const MAX_RELATIVE_SHIFT = 0.06;

function sideOf(f: FoundFace): number {
  return Math.max(f.box.width, f.box.height);
}

describe('MultiFaceDetector (face-api Tiny Face Detector + 68-point landmarks)', () => {
  let detector: MultiFaceDetector;
  let bigFaceDetector: MultiFaceDetector;
  let smallFaceDetector: MultiFaceDetector;
  let faces: FixtureFace[] = [];
  let skip: string | false = false;
  /** Each fixture's own 150-px detection (the subject face). */
  const reference = new Map<string, FiveLandmarks>();

  before(async () => {
    await initBackend('wasm');
    detector = await loadMultiFaceDetector();
    // A face filling a 20-megapixel frame: skip the full-resolution passes for small faces.
    bigFaceDetector = await loadMultiFaceDetector({ minFaceSize: 400 });
    smallFaceDetector = await loadMultiFaceDetector({ minFaceFraction: 0 });
    const loaded = await loadFixtureFaces();
    if (typeof loaded === 'string') skip = loaded;
    else faces = loaded;
  });
  after(() => {
    detector?.dispose();
    bigFaceDetector?.dispose();
    smallFaceDetector?.dispose();
  });

  it('finds one face in each 150-px LFW fixture, landmarks near MTCNN', async (t) => {
    if (skip) return t.skip(skip);
    for (const f of faces) {
      const found = await detector.detectFaces(f.image);
      assert.equal(found.length, 1, `${f.name}: ${found.length} faces`);
      const face = found[0]!;
      assert.equal(face.uprightTurn, 0);
      assert.equal(face.landmarks68.length, 136);
      const d = meanLandmarkDistance(face.landmarks, f.mtcnn);
      assert.ok(d < MAX_MTCNN_DISTANCE_PX, `${f.name}: mean landmark distance to MTCNN ${d.toFixed(2)} px`);
      reference.set(f.name, face.landmarks);
    }
  });

  it('finds the face of each fixture enlarged ×25 inside a 5000×4000 (20 MP) frame, landmarks where the 150-px ones map', async (t) => {
    if (skip) return t.skip(skip);
    const scale = 25;
    const [x, y] = [900, 150];
    for (const f of faces) {
      const ref = reference.get(f.name) ?? (await detector.detectFaces(f.image))[0]!.landmarks;
      const canvas = greyCanvas(5000, 4000);
      paste(canvas, await resizeImage(f.image, 150 * scale, 150 * scale), x, y);
      const found = await bigFaceDetector.detectFaces(canvas);
      const subject = pickSubjectFace(found);
      assert.ok(subject !== undefined, `${f.name}: no face in the 20 MP frame`);
      // Two fixtures have real bystanders, found at this scale; no other face may sit on the subject (a duplicate).
      const onSubject = found.filter((g) => {
        const cx = g.box.x + g.box.width / 2;
        const cy = g.box.y + g.box.height / 2;
        return cx > subject.box.x && cx < subject.box.x + subject.box.width && cy > subject.box.y && cy < subject.box.y + subject.box.height;
      });
      assert.equal(onSubject.length, 1, `${f.name}: ${onSubject.length} faces on the subject`);
      const expected = mapLandmarks(ref, scale, x, y);
      const shift = meanLandmarkDistance(subject.landmarks, expected) / eyeDistance(expected);
      assert.ok(shift < MAX_RELATIVE_SHIFT, `${f.name}: landmarks ${(100 * shift).toFixed(1)}% of the eye distance away`);
    }
  });

  it('counts exactly the faces of grids of 2 to 9 fixtures', async (t) => {
    if (skip) return t.skip(skip);
    const cell = 170;
    for (let n = 2; n <= 9; n++) {
      const cols = Math.ceil(Math.sqrt(n));
      const rows = Math.ceil(n / cols);
      const canvas = greyCanvas(cols * cell + 20, rows * cell + 20);
      for (let i = 0; i < n; i++) paste(canvas, faces[i % faces.length]!.image, 20 + (i % cols) * cell, 20 + Math.floor(i / cols) * cell);
      const found = await detector.detectFaces(canvas);
      assert.equal(found.length, n, `grid of ${n}: ${found.length} faces`);
    }
  });

  it('finds small faces (boxes of about 40–55 px) scattered in a 3000×2000 frame with no size limit relative to the frame (minFaceFraction 0)', async (t) => {
    if (skip) return t.skip(skip);
    const canvas = greyCanvas(3000, 2000);
    // 80-px copies of the 150-px fixtures: the detector's face box is about 40–55 px there (measured).
    for (const [i, f] of faces.entries()) paste(canvas, await resizeImage(f.image, 80, 80), 200 + (i % 4) * 700 + ((i * 37) % 200), 300 + Math.floor(i / 4) * 1000);
    const found = await smallFaceDetector.detectFaces(canvas);
    assert.equal(found.length, faces.length, `found ${found.length} of ${faces.length} small faces`);
    for (const f of found) assert.ok(sideOf(f) < 70, `a ${sideOf(f).toFixed(0)}-px box among 40-px faces`);

  });

  it('finds a face turned 90° as one face needing a 270° turn, landmarks where the upright ones turn to', async (t) => {
    if (skip) return t.skip(skip);
    for (const f of faces) {
      const ref = reference.get(f.name) ?? (await detector.detectFaces(f.image))[0]!.landmarks;
      const turned = turnClockwise(f.image);
      const found = await detector.detectFaces(turned);
      assert.equal(found.length, 1, `${f.name} turned 90°: ${found.length} faces`);
      assert.equal(found[0]!.uprightTurn, 270, `${f.name} turned 90°`);
      // Turning clockwise moves pixel (x, y) of the 150-px image to (149 − y, x); the subject order is kept.
      const expected = ref.map((p) => ({ x: f.image.height - 1 - p.y, y: p.x })) as unknown as FiveLandmarks;
      const shift = meanLandmarkDistance(found[0]!.landmarks, expected) / eyeDistance(expected);
      assert.ok(shift < MAX_RELATIVE_SHIFT, `${f.name} turned: landmarks ${(100 * shift).toFixed(1)}% of the eye distance away`);
    }
  });

  it("counts at least the measured faces of @vladmandic/human's samples.jpg", async () => {
    // The sheet: 8 thumbnails (faces mostly under 20 px) above a group photo of about 14 faces, 13 of them
    // covered by Human's own drawn face meshes and labels. Measured with the defaults: 3 faces (the two largest
    // thumbnail faces and the one uncovered face of the group); the covered faces score 0.27–0.46.
    const image = await decodeImage(path.join(defaultModelsDir(), '..', 'assets', 'samples.jpg'));
    const found = await detector.detectFaces(image);
    assert.ok(found.length >= 3, `${found.length} faces`);
    assert.ok(found.length <= 20, `${found.length} faces: false positives`);
    assert.ok(found.some((f) => f.box.x > 250 && f.box.x < 330 && f.box.y > 480 && f.box.y < 550), 'the uncovered group face (near x 290, y 515) is missing');
  });
});
