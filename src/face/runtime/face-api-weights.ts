/**
 * Reader of the weight files of @vladmandic/face-api's nets (face recognition, SSD
 * detector, 68-point landmarks, ...): a tfjs "weights manifest" JSON — an array of groups
 * `{ paths: [bin files], weights: [{ name, shape, dtype, quantization? }] }` — whose
 * tensors are stored back to back in the group's .bin files, in manifest order. A
 * quantized tensor holds one uint8 (or uint16) q per value and stands for
 * `q * scale + min` (tfjs-core io/io_utils.ts decodeWeights, the format face-api's
 * loaders read). The nets' forward passes are written by us, so only the named float
 * arrays are needed: this module knows nothing about any particular net.
 */
import { PfeError } from '../../core/errors.js';
import { readFaceApiFile, siblingOf } from '#platform/face-api-files';

export { faceApiFile, faceApiModelDir } from '#platform/face-api-files';

/** How a quantized tensor is stored (tfjs `quantization` entry). */
export interface WeightQuantization {
  readonly dtype: 'uint8' | 'uint16';
  readonly scale: number;
  readonly min: number;
}

/** One tensor entry of a manifest. */
export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** The dtype of the dequantized values; only float32 is used by face-api's nets. */
  readonly dtype: 'float32';
  readonly quantization?: WeightQuantization;
}

/** One manifest group: bin files (relative to the manifest) and the tensors they hold in order. */
export interface WeightGroup {
  readonly paths: readonly string[];
  readonly weights: readonly WeightSpec[];
}

/** A dequantized tensor: values row-major in `shape` (tfjs order, e.g. conv filters [kh, kw, in, out]). */
export interface NamedWeight {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

const QUANT_BYTES: Readonly<Record<WeightQuantization['dtype'], number>> = { uint8: 1, uint16: 2 };

function fail(source: string, message: string, details: Record<string, unknown> = {}): PfeError {
  return new PfeError('MODEL_LOAD_FAILED', `${source}: ${message}`, { path: source, ...details });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseSpec(raw: unknown, where: string, source: string): WeightSpec {
  if (!isRecord(raw)) throw fail(source, `${where} is not an object`);
  const { name, shape, dtype, quantization } = raw;
  if (typeof name !== 'string' || name === '') throw fail(source, `${where} has no name`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) throw fail(source, `weight ${name}: shape must be a list of non-negative integers`, { weight: name });
  if (dtype !== 'float32') throw fail(source, `weight ${name}: dtype ${String(dtype)} is not supported (float32 only)`, { weight: name });
  if (quantization === undefined) return { name, shape: shape as number[], dtype };
  if (!isRecord(quantization)) throw fail(source, `weight ${name}: quantization is not an object`, { weight: name });
  const q = quantization;
  if (q['dtype'] !== 'uint8' && q['dtype'] !== 'uint16') throw fail(source, `weight ${name}: quantization dtype ${String(q['dtype'])} is not supported (uint8, uint16)`, { weight: name });
  if (typeof q['scale'] !== 'number' || !Number.isFinite(q['scale']) || typeof q['min'] !== 'number' || !Number.isFinite(q['min'])) {
    throw fail(source, `weight ${name}: quantization needs finite scale and min`, { weight: name });
  }
  return { name, shape: shape as number[], dtype, quantization: { dtype: q['dtype'], scale: q['scale'], min: q['min'] } };
}

/**
 * Parses and validates a weights manifest (the JSON text).
 * @param source the file name used in error messages
 * @throws PfeError MODEL_LOAD_FAILED for invalid JSON or an entry that is not as described above
 */
export function parseWeightsManifest(text: string, source: string): WeightGroup[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw fail(source, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!Array.isArray(json) || json.length === 0) throw fail(source, 'a weights manifest is a non-empty array of groups');
  return json.map((g: unknown, gi: number): WeightGroup => {
    if (!isRecord(g) || !Array.isArray(g['paths']) || !Array.isArray(g['weights'])) throw fail(source, `group ${gi} needs "paths" and "weights" arrays`);
    const paths = g['paths'];
    if (paths.length === 0 || !paths.every((p) => typeof p === 'string' && p !== '')) throw fail(source, `group ${gi}: "paths" must be non-empty file names`);
    return { paths: paths as string[], weights: g['weights'].map((w: unknown, wi: number) => parseSpec(w, `group ${gi} weight ${wi}`, source)) };
  });
}

/** Number of values of a shape (1 for a scalar []). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Decodes the tensors of one group from its concatenated bin bytes: float32 values are
 * copied (little-endian, as tfjs writes them), quantized ones expanded to q*scale + min.
 * @throws PfeError MODEL_LOAD_FAILED when the bytes are fewer or more than the specs need
 */
export function decodeWeightGroup(bytes: Uint8Array, specs: readonly WeightSpec[], source: string): Map<string, NamedWeight> {
  const out = new Map<string, NamedWeight>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  for (const spec of specs) {
    const n = shapeSize(spec.shape);
    const q = spec.quantization;
    const byteLength = n * (q === undefined ? 4 : QUANT_BYTES[q.dtype]);
    if (offset + byteLength > bytes.byteLength) {
      throw fail(source, `weight ${spec.name} needs bytes ${offset}..${offset + byteLength} but the bin data has ${bytes.byteLength}`, { weight: spec.name });
    }
    const values = new Float32Array(n);
    if (q === undefined) {
      for (let i = 0; i < n; i++) values[i] = view.getFloat32(offset + 4 * i, true);
    } else if (q.dtype === 'uint8') {
      for (let i = 0; i < n; i++) values[i] = bytes[offset + i]! * q.scale + q.min;
    } else {
      for (let i = 0; i < n; i++) values[i] = view.getUint16(offset + 2 * i, true) * q.scale + q.min;
    }
    if (out.has(spec.name)) throw fail(source, `weight ${spec.name} appears twice`, { weight: spec.name });
    out.set(spec.name, { shape: spec.shape, values });
    offset += byteLength;
  }
  if (offset !== bytes.byteLength) throw fail(source, `the bin data has ${bytes.byteLength} bytes but the manifest describes ${offset}`);
  return out;
}

/**
 * Loads every tensor of a weights manifest and its bin files (read from the manifest's folder).
 * @throws PfeError MODEL_LOAD_FAILED naming the file for a missing or unreadable file or bad contents
 */
export async function loadWeightsManifest(manifestPath: string): Promise<Map<string, NamedWeight>> {
  const text = new TextDecoder().decode(await readFaceApiFile(manifestPath, 'weights manifest'));
  const groups = parseWeightsManifest(text, manifestPath);
  const all = new Map<string, NamedWeight>();
  for (const group of groups) {
    const parts: Uint8Array[] = [];
    for (const p of group.paths) parts.push(await readFaceApiFile(siblingOf(manifestPath, p), `weights file of ${manifestPath}`));
    for (const [name, w] of decodeWeightGroup(concatBytes(parts), group.weights, manifestPath)) {
      if (all.has(name)) throw fail(manifestPath, `weight ${name} appears twice`, { weight: name });
      all.set(name, w);
    }
  }
  return all;
}

/** The parts one after another (a group's tensors may span several bin files). */
function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The tensor `name` of `weights`, checked to have exactly `shape`.
 * @throws PfeError MODEL_LOAD_FAILED naming the weight when it is missing or has another shape
 */
export function requireWeight(weights: ReadonlyMap<string, NamedWeight>, name: string, shape: readonly number[], source: string): NamedWeight {
  const w = weights.get(name);
  if (w === undefined) throw fail(source, `weight ${name} is missing`, { weight: name });
  if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
    throw fail(source, `weight ${name} has shape [${w.shape.join(', ')}], expected [${shape.join(', ')}]`, { weight: name, shape: w.shape, expected: shape });
  }
  return w;
}
