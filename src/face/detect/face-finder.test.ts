import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gaussianBlur } from '../degrade/blur.js';
import { decodeImage } from '../image/decode.js';
import { initBackend } from '../runtime/tfjs-runtime.js';
import { fixturePath } from '../../testing/paths.js';
import { type FaceFinder, loadFaceFinder } from './face-finder.js';
import { greyCanvas } from '../../testing/test-scenes.js';

describe('FaceFinder (multi-face detector, BlazeFace + FaceMesh fallback)', () => {
  let finder: FaceFinder;
  before(async () => {
    await initBackend('wasm');
    finder = await loadFaceFinder();
  });
  after(() => finder?.dispose());

  it('answers a sharp photo from the multi-face detector', async () => {
    const found = await finder.detectFaces(await decodeImage(fixturePath('lfw', 'images', 'Adrien_Brody', 'Adrien_Brody_0002.jpg')));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.landmarkSource, 'landmark68');
  });

  it('falls back to BlazeFace + FaceMesh where the multi-face detector finds nothing (a photo blurred by σ 3 px)', async () => {
    // Measured: the multi-face detector finds no face in this fixture blurred by 3 px, the fallback finds one.
    const blurred = gaussianBlur(await decodeImage(fixturePath('lfw', 'images', 'Adrien_Brody', 'Adrien_Brody_0002.jpg')), 3);
    const found = await finder.detectFaces(blurred);
    assert.equal(found.length, 1);
    assert.ok(found[0]!.landmarkSource === 'facemesh' || found[0]!.landmarkSource === 'blazeface', `landmarks from ${found[0]!.landmarkSource}`);
  });

  it('finds nothing in a blank picture', async () => {
    assert.deepEqual(await finder.detectFaces(greyCanvas(200, 160)), []);
  });
});
