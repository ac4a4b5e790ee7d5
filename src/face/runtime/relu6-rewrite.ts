/**
 * Graph rewrite: Keras exports ReLU6 as three ops, Relu → Minimum(x, 6) → Maximum(x, 0)
 * ("clip_by_value"). tfjs runs them as three kernels with two full-size intermediate
 * tensors; a single Relu6 kernel gives the same values (min(max(x,0),6) in float32)
 * and is about 3× faster for faceres on the wasm backend. Pure: works on the parsed
 * model.json and returns a new one; the file on disk is untouched.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** One node of a TensorFlow GraphDef as serialised in a tfjs model.json. */
export interface GraphNodeJson {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
  device?: string;
}

/** The result of `rewriteClipChainsToRelu6`. */
export interface Relu6RewriteResult {
  /** A new model JSON (the input is not modified). */
  readonly json: tf.io.ModelJSON;
  /** Names of the Maximum nodes that became Relu6 nodes (the chain's output names are kept). */
  readonly rewritten: readonly string[];
}

/** The graph's node list, or undefined when the topology has none. */
export function nodesOf(json: tf.io.ModelJSON): GraphNodeJson[] | undefined {
  const topology = json.modelTopology as { node?: unknown };
  return Array.isArray(topology.node) ? (topology.node as GraphNodeJson[]) : undefined;
}

/** Strips a `:k` output index and a `^` control-dependency prefix from an input reference. */
export function producerName(input: string): string {
  const bare = input.startsWith('^') ? input.slice(1) : input;
  const colon = bare.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(bare.slice(colon + 1)) ? bare.slice(0, colon) : bare;
}

/**
 * Finds every `Maximum(Minimum(Relu(x), c6), c0)` chain where c6 == 6 and c0 == 0
 * (constants looked up with `scalarOf`, which returns the value of a scalar Const
 * node's weight or undefined), and whose Relu and Minimum feed nothing else; replaces
 * each by one `Relu6(x)` node carrying the Maximum's name, so every consumer and every
 * output name stays valid. Minimum/Maximum with swapped operands are accepted.
 */
export function rewriteClipChainsToRelu6(json: tf.io.ModelJSON, scalarOf: (constName: string) => number | undefined): Relu6RewriteResult {
  const nodes = nodesOf(json);
  if (nodes === undefined) return { json, rewritten: [] };
  const byName = new Map<string, GraphNodeJson>();
  for (const n of nodes) byName.set(n.name, n);
  const consumers = new Map<string, number>();
  for (const n of nodes) {
    for (const i of n.input ?? []) {
      const p = producerName(i);
      consumers.set(p, (consumers.get(p) ?? 0) + 1);
    }
  }
  // Signature outputs also "consume" a node: never delete one that is an output.
  const signatureOutputs = new Set<string>();
  const signature = json.signature as { outputs?: Record<string, { name?: string }> } | undefined;
  for (const [key, out] of Object.entries(signature?.outputs ?? {})) {
    signatureOutputs.add(producerName(out.name ?? key));
  }

  /** Splits a binary op's inputs into (the non-constant operand node, the constant's value). */
  const operandAndConstant = (node: GraphNodeJson): [GraphNodeJson, number] | undefined => {
    const inputs = node.input ?? [];
    if (inputs.length !== 2) return undefined;
    for (const [a, b] of [[inputs[0]!, inputs[1]!], [inputs[1]!, inputs[0]!]] as const) {
      const constNode = byName.get(producerName(b));
      const operand = byName.get(producerName(a));
      if (constNode?.op === 'Const' && operand !== undefined) {
        const value = scalarOf(constNode.name);
        if (value !== undefined) return [operand, value];
      }
    }
    return undefined;
  };

  const removed = new Set<string>();
  const replaced = new Map<string, GraphNodeJson>();
  const rewritten: string[] = [];
  for (const max of nodes) {
    if (max.op !== 'Maximum') continue;
    const outer = operandAndConstant(max);
    if (outer === undefined || outer[1] !== 0 || outer[0].op !== 'Minimum') continue;
    const min = outer[0];
    const inner = operandAndConstant(min);
    if (inner === undefined || inner[1] !== 6 || inner[0].op !== 'Relu') continue;
    const relu = inner[0];
    const reluInput = relu.input?.[0];
    if (reluInput === undefined || (relu.input?.length ?? 0) !== 1) continue;
    // The intermediate tensors must have no other reader, or removing them would break the graph.
    if (consumers.get(min.name) !== 1 || consumers.get(relu.name) !== 1) continue;
    if (signatureOutputs.has(min.name) || signatureOutputs.has(relu.name)) continue;
    removed.add(min.name);
    removed.add(relu.name);
    const relu6: GraphNodeJson = { name: max.name, op: 'Relu6', input: [reluInput] };
    if (relu.attr !== undefined) relu6.attr = relu.attr; // Relu's attrs are {T: float}, valid for Relu6.
    if (max.device !== undefined) relu6.device = max.device;
    replaced.set(max.name, relu6);
    rewritten.push(max.name);
  }
  if (rewritten.length === 0) return { json, rewritten };
  const newNodes = nodes.filter((n) => !removed.has(n.name)).map((n) => replaced.get(n.name) ?? n);
  const newJson: tf.io.ModelJSON = { ...json, modelTopology: { ...(json.modelTopology as object), node: newNodes } };
  return { json: newJson, rewritten };
}

/** Names of every Const node of the graph (for looking up their scalar values). */
export function constNodeNames(json: tf.io.ModelJSON): Set<string> {
  const names = new Set<string>();
  for (const n of nodesOf(json) ?? []) if (n.op === 'Const') names.add(n.name);
  return names;
}
