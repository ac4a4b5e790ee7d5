import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { uncertaintyScores } from '../core/uncertainty.js';
import { parseDegradeSpec } from '../face/degrade/spec.js';
import { LFW_LANDMARK_SCALE_150, loadLfwLandmarks } from '../face/landmarks-file/lfw-landmarks.js';
import { FaceEmbedder, type EmbeddedFace } from '../face/pipeline/face-embedder.js';
import { fixturePath } from '../testing/paths.js';
import { BACKBONE_DESCRIPTIONS, BACKBONE_NAMES, DEFAULT_BACKBONE } from '../face/backbone/names.js';
import { applyHead } from './head-inference.js';
import { defaultHeadPath, loadHeadFile } from './model-file.js';

/** Fixture faces (all with MTCNN landmarks in the fixture file). */
const FACES = ['Abdullah_Gul/Abdullah_Gul_0001.jpg', 'Abdullah_Gul/Abdullah_Gul_0002.jpg', 'Adrien_Brody/Adrien_Brody_0001.jpg', 'Adrien_Brody/Adrien_Brody_0002.jpg', 'AJ_Cook/AJ_Cook_0001.jpg', 'Aaron_Eckhart/Aaron_Eckhart_0001.jpg'];

describe('the shipped uncertainty head (models/)', () => {
  let embedder: FaceEmbedder;
  before(async () => {
    embedder = await FaceEmbedder.load({ backend: 'wasm' });
  });
  after(() => embedder.dispose());

  it('exists, loads from disk without network, and belongs to the default backbone', async () => {
    assert.ok(existsSync(defaultHeadPath()), `${defaultHeadPath()} must ship with the package`);
    const head = await loadHeadFile(defaultHeadPath());
    assert.equal(head.backbone, DEFAULT_BACKBONE);
    assert.equal(head.architecture.muDim, BACKBONE_DESCRIPTIONS[DEFAULT_BACKBONE].dim);
  });

  it('every head shipped in models/ is named after the backbone it was trained on', async () => {
    for (const name of BACKBONE_NAMES) {
      const file = defaultHeadPath(name);
      if (!existsSync(file)) continue;
      const head = await loadHeadFile(file);
      assert.equal(head.backbone, name, file);
      assert.equal(head.architecture.muDim, BACKBONE_DESCRIPTIONS[name].dim, file);
    }
  });

  it('gives level-4 degraded copies a larger harmonic-mean σ² than the clean images, on average', async () => {
    const head = await loadHeadFile(defaultHeadPath());
    const landmarks = await loadLfwLandmarks(fixturePath('lfw', 'ldmark_lfw_mtcnncaffe.txt'), { scale: LFW_LANDMARK_SCALE_150 });
    const requests = FACES.map((f) => ({ path: fixturePath('lfw', 'images', ...f.split('/')), landmarks: landmarks.get(f)! }));
    const steps = parseDegradeSpec('level:4');
    const clean = (await embedder.embedBatch(requests)) as EmbeddedFace[];
    const degraded = (await embedder.embedBatch(requests.map((r, i) => ({ ...r, degrade: steps, seed: i })))) as EmbeddedFace[];
    const meanUncertainty = (faces: EmbeddedFace[]): number => {
      const kind = head.architecture.inputKind;
      const d = head.architecture.muDim;
      const mu = new Float32Array(faces.length * d);
      const feats = new Float32Array(faces.length * head.architecture.inputDim);
      faces.forEach((f, i) => {
        assert.equal(f.status, 'ok');
        mu.set(f.mu, i * d);
        feats.set(kind === 'mu' ? f.mu : kind === 'pooled_global' ? f.pooledGlobal : f.pooledGrid2x2, i * head.architecture.inputDim);
      });
      const e = applyHead(head, mu, feats);
      return uncertaintyScores(e).reduce((s, u) => s + u, 0) / faces.length;
    };
    const c = meanUncertainty(clean);
    const d = meanUncertainty(degraded);
    assert.ok(d > c, `mean harmonic σ²: clean ${c}, level 4 ${d}`);
  });
});
