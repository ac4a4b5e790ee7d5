import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { fixturePath } from '../../testing/paths.js';
import { FaceEmbedder } from './face-embedder.js';

const photo = fixturePath('lfw', 'images', 'Adrien_Brody', 'Adrien_Brody_0002.jpg');

describe('FaceEmbedder.embedViewed', () => {
  let embedder: FaceEmbedder;
  before(async () => {
    embedder = await FaceEmbedder.load({ backend: 'wasm' });
  });
  after(() => embedder.dispose());

  it('gives embedBatch’s result for the same request, plus the analysed photo and the aligned crop', async () => {
    const request = { path: photo, degrade: [{ kind: 'blur' as const, sigma: 1.5 }], seed: 0 };
    const [batch] = await embedder.embedBatch([request]);
    const viewed = await embedder.embedViewed(request);
    assert.ok(batch?.status === 'ok' && viewed.status === 'ok');
    const { image, aligned, ...face } = viewed;
    assert.deepEqual(face, batch);
    // the photo is the degraded 150×150 fixture, not the clean one
    const clean = await sharp(photo).raw().toBuffer();
    assert.deepEqual([image.width, image.height], [face.imageWidth, face.imageHeight]);
    assert.notDeepEqual(Buffer.from(image.data), clean);
    assert.deepEqual([aligned.width, aligned.height], [embedder.backbone.inputSize, embedder.backbone.inputSize]);
  });

  it('returns a failure, as embedBatch does, for a photo without a face', async () => {
    const grey = await sharp({ create: { width: 200, height: 200, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer();
    const r = await embedder.embedViewed({ path: 'grey.png', bytes: grey });
    assert.equal(r.status, 'failed');
    assert.equal(r.status === 'failed' ? r.code : '', 'NO_FACE');
  });
});
