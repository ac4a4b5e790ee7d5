import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import type * as tfTypes from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { artifactsFromShards, graphModelFromArtifacts } from '../runtime/model-artifacts.js';
import { readLocalModelArtifacts } from '../runtime/local-model.js';
import type { GraphNodeJson } from '../runtime/relu6-rewrite.js';
import { initBackend } from '../runtime/tfjs-runtime.js';
import { mobileFaceNetModelPath } from './mobilefacenet.js';
import { repairMobileFaceNetGraph } from './mobilefacenet-repair.js';

/** Channels of the synthetic graph. */
const C = 2;
const floatConst = (name: string, dims: number[]): GraphNodeJson => ({
  name,
  op: 'Const',
  attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: dims.map((d) => ({ size: String(d) })) } } } },
});
/** The PReLU pattern of the shipped graph on `x`, with `pos` as its positive branch. */
const prelu = (scope: string, x: string, pos: string): GraphNodeJson[] => [
  { name: `${scope}/Abs`, op: 'Abs', input: [x] },
  { name: `${scope}/sub`, op: 'Sub', input: [x, `${scope}/Abs`] },
  { name: `${scope}/mul_1`, op: 'Mul', input: [`${scope}/sub`, `${scope}/mul`] },
  { name: `${scope}/add`, op: 'Add', input: [pos, `${scope}/mul_1`] },
];

/**
 * A two-block miniature of the shipped graph, input [1, 1, 4, C]:
 *  A: conv stand-in (Identity) → PReLU with a separate Relu (only the sign fault);
 *  B: 1×1 depthwise conv (weights 1, bias 0) with Relu fused → PReLU whose positive branch
 *     is the fused node itself (both faults), then `out`.
 */
function miniGraph(): tfTypes.io.ModelJSON {
  const node: GraphNodeJson[] = [
    { name: 'img', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '1' }, { size: '1' }, { size: '4' }, { size: String(C) }] } } } },
    floatConst('A/mul', [C]),
    floatConst('B/mul', [C]),
    floatConst('B/w', [1, 1, C, 1]),
    floatConst('B/bias', [C]),
    { name: 'A/conv', op: 'Identity', input: ['img'] },
    { name: 'A/Relu', op: 'Relu', input: ['A/conv'] },
    ...prelu('A', 'A/conv', 'A/Relu'),
    {
      name: 'B/depthwise',
      op: 'FusedDepthwiseConv2dNative',
      input: ['A/add', 'B/w', 'B/bias'],
      attr: { strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: btoa('SAME') }, fused_ops: { list: { s: [btoa('BiasAdd'), btoa('Relu')] } }, num_args: { i: '1' } },
    },
    ...prelu('B', 'B/depthwise', 'B/depthwise'),
    { name: 'out', op: 'Identity', input: ['B/add'] },
  ];
  const weights = [
    { name: 'A/mul', shape: [C], dtype: 'float32' as const },
    { name: 'B/mul', shape: [C], dtype: 'float32' as const },
    { name: 'B/w', shape: [1, 1, C, 1], dtype: 'float32' as const },
    { name: 'B/bias', shape: [C], dtype: 'float32' as const },
  ];
  return { modelTopology: { node, library: {}, versions: {} }, weightsManifest: [{ paths: [], weights }], format: 'graph-model' };
}
/** Slope constants (the `mul` of each PReLU, per channel), depthwise weights 1, bias 0. */
const ALPHA_A = [0.25, -0.5];
const ALPHA_B = [0.75, 0.125];
const WEIGHTS = new Float32Array([...ALPHA_A, ...ALPHA_B, 1, 1, 0, 0]);
const INPUT = [-2, 1, 3, -4, -1, -0.5, 0.5, 2]; // (x, c) row-major, 4 positions × C
const nodesOf = (json: tfTypes.io.ModelJSON) => (json.modelTopology as { node: GraphNodeJson[] }).node;
const byName = (json: tfTypes.io.ModelJSON, name: string) => nodesOf(json).find((n) => n.name === name)!;

/** PReLU as the authors wrote it, relu(v) + alpha·(v − |v|)·0.5, with slope s = 2·mul for v < 0. */
const preluOf = (v: number, slope: number) => (v >= 0 ? v : slope * v);

async function run(json: tfTypes.io.ModelJSON): Promise<number[]> {
  const model = await graphModelFromArtifacts(artifactsFromShards(json, [new Uint8Array(WEIGHTS.buffer)]), 'synthetic');
  const x = tf.tensor4d(INPUT, [1, 1, 4, C]);
  const y = model.execute(x, 'out') as tfTypes.Tensor;
  const values = Array.from(await y.data());
  tf.dispose([x, y]);
  model.dispose();
  return values;
}

describe('repairMobileFaceNetGraph on a synthetic graph', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('unfuses the depthwise Relu, adds one Relu on the positive branch and swaps every PReLU Sub', () => {
    const input = miniGraph();
    const before = JSON.stringify(input);
    const r = repairMobileFaceNetGraph(input);
    assert.deepEqual(r.unfusedDepthwise, ['B/depthwise']);
    assert.deepEqual(r.insertedRelu, ['B/depthwise/prelu_positive_relu']);
    assert.deepEqual([...r.negatedPrelus].sort(), ['A/sub', 'B/sub']);
    assert.equal(JSON.stringify(input), before, 'input JSON untouched');
    const dw = byName(r.json, 'B/depthwise');
    assert.deepEqual((dw.attr!['fused_ops'] as { list: { s: string[] } }).list.s, [btoa('BiasAdd')]);
    assert.deepEqual(byName(r.json, 'B/add').input, ['B/depthwise/prelu_positive_relu', 'B/mul_1']);
    assert.deepEqual(byName(r.json, 'B/sub').input, ['B/Abs', 'B/depthwise']);
    assert.deepEqual(byName(r.json, 'A/sub').input, ['A/Abs', 'A/conv']);
    // The new Relu comes right after its producer, so the node list stays in topological order.
    const names = nodesOf(r.json).map((n) => n.name);
    assert.equal(names.indexOf('B/depthwise/prelu_positive_relu'), names.indexOf('B/depthwise') + 1);
  });

  it('finds nothing to repair in an already repaired graph (the slopes are never negated twice)', () => {
    const once = repairMobileFaceNetGraph(miniGraph()).json;
    const twice = repairMobileFaceNetGraph(once);
    assert.equal(twice.unfusedDepthwise.length + twice.insertedRelu.length + twice.negatedPrelus.length, 0);
    assert.equal(twice.json, once);
  });

  it('repairs one fault at a time when asked', () => {
    const unfuse = repairMobileFaceNetGraph(miniGraph(), { negatePreluSlopes: false });
    assert.equal(unfuse.unfusedDepthwise.length, 1);
    assert.equal(unfuse.negatedPrelus.length, 0);
    assert.deepEqual(byName(unfuse.json, 'A/sub').input, ['A/conv', 'A/Abs']);
    const negate = repairMobileFaceNetGraph(miniGraph(), { unfuseDepthwiseRelu: false });
    assert.equal(negate.unfusedDepthwise.length, 0);
    assert.equal(negate.negatedPrelus.length, 2);
  });

  it('leaves graphs without the PReLU pattern alone', () => {
    const g = miniGraph();
    // A Sub whose second operand is not Abs of its first: no PReLU.
    nodesOf(g).find((n) => n.name === 'A/sub')!.input = ['A/conv', 'img'];
    nodesOf(g).find((n) => n.name === 'B/Abs')!.input = ['img'];
    const r = repairMobileFaceNetGraph(g);
    assert.equal(r.unfusedDepthwise.length + r.negatedPrelus.length + r.insertedRelu.length, 0);
    assert.equal(r.json, g);
    const empty: tfTypes.io.ModelJSON = { modelTopology: {}, weightsManifest: [] };
    assert.equal(repairMobileFaceNetGraph(empty).json, empty);
  });

  it('computes PReLU with negated slopes after the repair, and the broken function before', async () => {
    const expectedA = (slopeSign: number) => INPUT.map((v, k) => preluOf(v, slopeSign * 2 * ALPHA_A[k % C]!));
    // Repaired: both PReLUs with slope −2·mul.
    const a = expectedA(-1);
    const repaired = a.map((v, k) => preluOf(v, -2 * ALPHA_B[k % C]!));
    const got = await run(repairMobileFaceNetGraph(miniGraph()).json);
    got.forEach((v, k) => assert.ok(Math.abs(v - repaired[k]!) < 1e-6, `repaired out[${k}] = ${v}, expected ${repaired[k]}`));
    // As shipped: slope +2·mul in A, and B's negative branch is dead (plain ReLU).
    const broken = expectedA(1).map((v) => Math.max(v, 0));
    const gotBroken = await run(miniGraph());
    gotBroken.forEach((v, k) => assert.ok(Math.abs(v - broken[k]!) < 1e-6, `shipped out[${k}] = ${v}, expected ${broken[k]}`));
    assert.notDeepEqual(got, gotBroken);
  });
});

describe('repairMobileFaceNetGraph on the fetched model', () => {
  it('finds 16 fused depthwise ReLUs and 33 PReLUs', async (t) => {
    let artifacts;
    try {
      artifacts = await readLocalModelArtifacts(mobileFaceNetModelPath());
    } catch {
      return t.skip(`MobileFaceNet not fetched (${mobileFaceNetModelPath()}); run \`npm run models:mobilefacenet\``);
    }
    const r = repairMobileFaceNetGraph(artifacts.json);
    // Counted in the shipped JSON: 17 FusedDepthwiseConv2dNative nodes, 16 with [BiasAdd, Relu]
    // (the 17th, the linear global depthwise conv Logits/SeparableConv2d, has no activation);
    // 33 Abs/Sub/Mul PReLU triples (16 after depthwise convs, 17 after 1×1/3×3 convs).
    assert.equal(r.unfusedDepthwise.length, 16);
    assert.equal(r.insertedRelu.length, 16);
    assert.equal(r.negatedPrelus.length, 33);
    const ops = nodesOf(r.json).map((n) => n.op);
    assert.equal(ops.filter((o) => o === 'Relu').length, 17 + 16);
    const stillFused = nodesOf(r.json).filter((n) => n.op === 'FusedDepthwiseConv2dNative' && JSON.stringify(n.attr?.['fused_ops']).includes(btoa('Relu')));
    assert.equal(stillFused.length, 0);
    assert.equal(repairMobileFaceNetGraph(r.json).negatedPrelus.length, 0, 'a second pass finds nothing');
  });
});
