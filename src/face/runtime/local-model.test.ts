import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isPfeError } from '../../core/errors.js';
import { loadLocalGraphModel, readLocalModelArtifacts } from './local-model.js';
import { bundledModelPath } from './model-paths.js';
import { initBackend } from './tfjs-runtime.js';

describe('local graph models', () => {
  let dir = '';
  before(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(path.join(tmpdir(), 'pfe-model-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a model whose weights are split over several shards and groups, with the same outputs', async () => {
    const original = bundledModelPath('facemesh');
    const json = JSON.parse(await readFile(original, 'utf8')) as tf.io.ModelJSON;
    const bin = await readFile(path.join(path.dirname(original), 'facemesh.bin'));
    // Three shards of one group split at arbitrary byte offsets, as tfjs's converter writes them.
    const cuts = [0, 100_001, 700_003, bin.byteLength];
    const paths = ['s1.bin', 's2.bin', 's3.bin'];
    for (let k = 0; k < 3; k++) await writeFile(path.join(dir, paths[k]!), bin.subarray(cuts[k], cuts[k + 1]));
    const weights = json.weightsManifest.flatMap((g) => g.weights);
    const split = { ...json, weightsManifest: [{ paths, weights }] };
    await writeFile(path.join(dir, 'model.json'), JSON.stringify(split));
    const artifacts = await readLocalModelArtifacts(path.join(dir, 'model.json'));
    assert.equal(artifacts.weightData.byteLength, bin.byteLength);
    assert.deepEqual(Buffer.from(artifacts.weightData), bin);
    const [a, b] = await Promise.all([loadLocalGraphModel(original), loadLocalGraphModel(path.join(dir, 'model.json'))]);
    // The signature is carried through: the model knows its named outputs.
    assert.ok(a.outputs.length === 3 && a.outputs.some((o) => o.name.startsWith('Identity_2')), JSON.stringify(a.outputs.map((o) => o.name)));
    const x = tf.fill([1, 192, 192, 3], 0.5);
    const ya = a.execute(x, 'Identity_2') as tf.Tensor;
    const yb = b.execute(x, 'Identity_2') as tf.Tensor;
    assert.deepEqual(Array.from(await ya.data()), Array.from(await yb.data()));
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });

  it('reports a missing shard and a file that is not a model with MODEL_LOAD_FAILED and the path', async () => {
    await writeFile(path.join(dir, 'broken.json'), JSON.stringify({ modelTopology: { node: [] }, weightsManifest: [{ paths: ['nope.bin'], weights: [] }] }));
    await assert.rejects(readLocalModelArtifacts(path.join(dir, 'broken.json')), (e) => isPfeError(e, 'MODEL_LOAD_FAILED') && /nope\.bin/.test(e.message));
    await writeFile(path.join(dir, 'other.json'), '{"hello": 1}');
    await assert.rejects(readLocalModelArtifacts(path.join(dir, 'other.json')), (e) => isPfeError(e, 'MODEL_LOAD_FAILED') && /other\.json/.test(e.message));
  });
});
