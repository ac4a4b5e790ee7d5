/**
 * FacePfe in Node on real fixture photos: the same numbers as the separate pieces
 * (FaceEmbedder + compareFaces + DecisionPolicy), the calibration bound to its head,
 * plain errors for bad input.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { FaceEmbedder, type EmbeddedFace } from '../face/pipeline/face-embedder.js';
import { compareFaces } from '../head/compare-faces.js';
import { defaultHeadPath, loadHeadFile } from '../head/model-file.js';
import { calibrationFileForHead, loadCalibrationFile } from '../verify/calibration-file.js';
import { DecisionPolicy } from '../verify/decision.js';
import { fixturePath } from '../testing/paths.js';
import { assertRejectsPfe } from '../testing/pfe-error-assertions.js';
import type { FacePfe, PfeFace } from './face-pfe.js';
import { loadFacePfe } from './load.js';

const photo = (rel: string): string => fixturePath('lfw', 'images', rel);
const A = photo('Abdullah_Gul/Abdullah_Gul_0001.jpg');
const B = photo('Abdullah_Gul/Abdullah_Gul_0002.jpg');
const C = photo('Abdullah_Gul/Abdullah_Gul_0003.jpg');
const OTHER = photo('Adrien_Brody/Adrien_Brody_0001.jpg');

describe('FacePfe (Node)', () => {
  let pfe: FacePfe;
  const faces = new Map<string, PfeFace>();
  before(async () => {
    pfe = await loadFacePfe();
    for (const f of [A, B, C, OTHER]) faces.set(f, await pfe.embed(await readFile(f), path.basename(f)));
  });
  after(() => pfe.dispose());

  it('gives the numbers of FaceEmbedder + compareFaces + DecisionPolicy, computed separately', async () => {
    const embedder = await FaceEmbedder.load({ backend: 'wasm' });
    let separate: EmbeddedFace[];
    try {
      separate = (await embedder.embedBatch([{ path: A }, { path: B }])) as EmbeddedFace[];
    } finally {
      embedder.dispose();
    }
    const head = await loadHeadFile(defaultHeadPath());
    const expected = compareFaces(head, separate[0]!, separate[1]!);
    const got = pfe.compare(faces.get(A)!, faces.get(B)!);
    assert.deepEqual(got, expected);
    const calibration = await loadCalibrationFile(calibrationFileForHead(defaultHeadPath()));
    // The shipped calibration is quality-aware: the pair is decided on the cell of its two uncertainties.
    const u = [got.uncertaintyA, got.uncertaintyB] as const;
    assert.deepEqual(pfe.decide(got), new DecisionPolicy(calibration, 1e-3, true).decide(got.cosine, got.mls, u));
    assert.deepEqual(pfe.decideOnCosine(got), new DecisionPolicy(calibration, 1e-3, false).decide(got.cosine, got.mls, u));
    assert.notEqual(pfe.decide(got).uncertaintyBand, null);
  });

  it('calls two photos of one person the same and two people different, with σ² that rises under blur', async () => {
    const same = pfe.decide(pfe.compare(faces.get(A)!, faces.get(B)!));
    const different = pfe.decide(pfe.compare(faces.get(A)!, faces.get(OTHER)!));
    assert.equal(same.match, true);
    assert.equal(different.match, false);
    const blurred = await pfe.embed(await readFile(B), 'B blurred', [{ kind: 'blur', sigma: 3 }]);
    assert.ok(blurred.uncertainty > faces.get(B)!.uncertainty, `σ² ${blurred.uncertainty} vs ${faces.get(B)!.uncertainty}`);
    // the analysed photo is the blurred one, the crop is the backbone's input size
    assert.equal(blurred.aligned.width, pfe.embedder.backbone.inputSize);
    assert.notDeepEqual(blurred.image.data, faces.get(B)!.image.data);
  });

  it('fuses photos of one person into a template more confident than each (product rule) and scores it', () => {
    const members = [faces.get(A)!, faces.get(C)!];
    const fused = pfe.fuse(members, 'product');
    assert.equal(fused.count, 2);
    assert.ok(members.every((m) => fused.uncertainty < m.uncertainty));
    const s = pfe.score(fused.template, faces.get(B)!.gaussian);
    assert.ok(Number.isFinite(s.mls) && s.cosine > pfe.score(fused.template, faces.get(OTHER)!.gaussian).cosine);
  });

  it('refuses bad input with the embedder’s codes', async () => {
    // The browser decoder gives the same codes (src/browser/decode.ts): no image at all vs an image in another format.
    await assertRejectsPfe(pfe.embed(new TextEncoder().encode('not an image'), 'notes.jpg'), 'IMAGE_DECODE_FAILED', /notes\.jpg/);
    const gif = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 100, b: 50 } } }).gif().toBuffer();
    await assertRejectsPfe(pfe.embed(gif, 'anim.gif'), 'UNSUPPORTED_FORMAT', /gif/);
    const grey = await sharp({ create: { width: 200, height: 200, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer();
    await assertRejectsPfe(pfe.embed(grey, 'grey.png'), 'NO_FACE', /grey\.png/);
  });
});

describe('loadFacePfe', () => {
  it('refuses a calibration made with another head', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pfe-face-'));
    try {
      const content = JSON.parse(await readFile(calibrationFileForHead(defaultHeadPath()), 'utf8')) as { head: { sha256: string } };
      content.head.sha256 = '0'.repeat(64);
      const file = path.join(dir, 'calibration.json');
      await writeFile(file, JSON.stringify(content));
      await assertRejectsPfe(loadFacePfe({ calibrationFile: file }), 'INVALID_FORMAT', /not made with this head/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
