import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import type * as tfTypes from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { alignFace } from '../align/align.js';
import { FACERES_CONV_NODE, FACERES_DESCRIPTOR_NODE, FACERES_RELU6_CHAINS, loadFaceresGraph } from '../backbone/faceres.js';
import { loadFixtureFaces } from '../../testing/fixture-faces.js';
import { packImageBatch } from './image-tensor.js';
import { readLocalModelArtifacts, readScalarWeights } from './local-model.js';
import { bundledModelPath } from './model-paths.js';
import { constNodeNames, type GraphNodeJson, rewriteClipChainsToRelu6 } from './relu6-rewrite.js';
import { initBackend } from './tfjs-runtime.js';

/** A graph x → Relu → Minimum(·, six) → Maximum(·, zero) → Identity, with optional extras. */
function chainGraph(extra: GraphNodeJson[] = [], swap = false): tfTypes.io.ModelJSON {
  const node: GraphNodeJson[] = [
    { name: 'x', op: 'Placeholder' },
    { name: 'six', op: 'Const' },
    { name: 'zero', op: 'Const' },
    { name: 'r', op: 'Relu', input: ['x'], attr: { T: { type: 'DT_FLOAT' } } },
    { name: 'm', op: 'Minimum', input: swap ? ['six', 'r'] : ['r', 'six'] },
    { name: 'clip', op: 'Maximum', input: swap ? ['zero', 'm:0'] : ['m', 'zero'] },
    { name: 'out', op: 'Identity', input: ['clip'] },
    ...extra,
  ];
  return { modelTopology: { node }, weightsManifest: [] };
}
const constants = (six: number) => (name: string) => (name === 'six' ? six : name === 'zero' ? 0 : undefined);
const nodes = (json: tfTypes.io.ModelJSON) => (json.modelTopology as { node: GraphNodeJson[] }).node;

describe('rewriteClipChainsToRelu6 on synthetic graphs', () => {
  it('replaces the chain by one Relu6 with the Maximum name, in either operand order', () => {
    for (const swap of [false, true]) {
      const input = chainGraph([], swap);
      const before = JSON.stringify(input);
      const { json, rewritten } = rewriteClipChainsToRelu6(input, constants(6));
      assert.deepEqual(rewritten, ['clip']);
      const ops = nodes(json).map((n) => `${n.name}:${n.op}`);
      assert.deepEqual(ops, ['x:Placeholder', 'six:Const', 'zero:Const', 'clip:Relu6', 'out:Identity']);
      assert.deepEqual(nodes(json).find((n) => n.name === 'clip')!.input, ['x']);
      assert.equal(JSON.stringify(input), before, 'input JSON untouched');
    }
  });
  it('leaves a clip to 5, or a chain whose Relu has another reader, alone', () => {
    assert.deepEqual(rewriteClipChainsToRelu6(chainGraph(), constants(5)).rewritten, []);
    const shared = chainGraph([{ name: 'other', op: 'Identity', input: ['r'] }]);
    assert.deepEqual(rewriteClipChainsToRelu6(shared, constants(6)).rewritten, []);
    assert.deepEqual(rewriteClipChainsToRelu6(chainGraph(), () => undefined).rewritten, []);
  });
});

describe('rewriteClipChainsToRelu6 on faceres', () => {
  let skip: string | false = false;
  before(async () => {
    await initBackend('wasm');
    const faces = await loadFixtureFaces();
    if (typeof faces === 'string') skip = faces;
  });

  it(`finds the ${FACERES_RELU6_CHAINS} ReLU6 chains, checked against the weights`, async () => {
    const artifacts = await readLocalModelArtifacts(bundledModelPath('faceres'));
    const scalars = readScalarWeights(artifacts, constNodeNames(artifacts.json));
    const { json, rewritten } = rewriteClipChainsToRelu6(artifacts.json, (n) => scalars.get(n));
    assert.equal(rewritten.length, FACERES_RELU6_CHAINS);
    assert.ok(rewritten.includes(FACERES_CONV_NODE));
    const ops = nodes(json).map((n) => n.op);
    assert.equal(ops.filter((o) => o === 'Relu6').length, 27);
    assert.equal(ops.filter((o) => o === 'Minimum' || o === 'Maximum' || o === 'Relu').length, 0);
  });

  it('gives the same descriptor and conv map as the original graph on a real face', async (t) => {
    if (skip) return t.skip(skip);
    const faces = await loadFixtureFaces();
    assert.ok(typeof faces !== 'string');
    const face = alignFace(faces[0]!.image, faces[0]!.mtcnn, 224).image;
    const input = tf.tensor4d(packImageBatch([face], 224), [1, 224, 224, 3]);
    const results: Float32Array[][] = [];
    for (const relu6Rewrite of [false, true]) {
      const { model, rewrittenChains } = await loadFaceresGraph({ relu6Rewrite });
      assert.equal(rewrittenChains, relu6Rewrite ? 27 : 0);
      const out = model.execute(input, [FACERES_DESCRIPTOR_NODE, FACERES_CONV_NODE]) as tfTypes.Tensor[];
      results.push([(await out[0]!.data()) as Float32Array, (await out[1]!.data()) as Float32Array]);
      tf.dispose(out);
      model.dispose();
    }
    input.dispose();
    const [[d0, c0], [d1, c1]] = results as [[Float32Array, Float32Array], [Float32Array, Float32Array]];
    assert.equal(d0.length, 1024);
    assert.equal(c0.length, 7 * 7 * 1024);
    let maxDiff = 0;
    for (let k = 0; k < d0.length; k++) maxDiff = Math.max(maxDiff, Math.abs(d0[k]! - d1[k]!));
    for (let k = 0; k < c0.length; k++) maxDiff = Math.max(maxDiff, Math.abs(c0[k]! - c1[k]!));
    assert.ok(maxDiff <= 1e-6, `max |difference| ${maxDiff}`);
    assert.ok(d0.some((v) => v > 0), 'descriptor is not all zero');
  });
});
