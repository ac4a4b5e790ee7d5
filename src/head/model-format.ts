/**
 * The head model file format (`.pfehead`), pure bytes in and out (browser-safe):
 *
 *   bytes 0..7    ASCII magic "PFEHEAD1"
 *   bytes 8..11   uint32 little-endian L: length of the JSON header in bytes
 *   bytes 12..    UTF-8 JSON header, padded with spaces so that 12 + L is a multiple of 4
 *   then          float32 little-endian arrays, concatenated in the order of header.tensors
 *
 * The header: { format: "pfe-uncertainty-head", version: 1, backbone, architecture
 * (HeadArchitecture: inputKind, inputDim, hiddenDim, outputDim, muDim, sigmaMode, bnEpsilon),
 * training (free-form: data, config, loss, date), tensors: [{ name, shape }] }.
 * Tensor names and shapes are those of HeadWeights / headWeightShapes.
 */
import { PfeError } from '../core/errors.js';
import { type BackboneName, DEFAULT_BACKBONE } from '../face/backbone/names.js';
import { checkHead, HEAD_WEIGHT_NAMES, headWeightShapes, type HeadArchitecture, type HeadWeights, type UncertaintyHead } from './head-model.js';

/** File magic, 8 ASCII bytes. */
export const HEAD_FILE_MAGIC = 'PFEHEAD1';
/** Value of header.format. */
export const HEAD_FORMAT_NAME = 'pfe-uncertainty-head';
/** Value of header.version. */
export const HEAD_FORMAT_VERSION = 1;

interface HeaderJson {
  format: string;
  version: number;
  backbone: string;
  architecture: HeadArchitecture;
  training: Record<string, unknown>;
  tensors: { name: string; shape: number[] }[];
}

/** Serialises a head (checked first) into the `.pfehead` byte layout. */
export function encodeHead(head: UncertaintyHead): Uint8Array<ArrayBuffer> {
  checkHead(head);
  const shapes = headWeightShapes(head.architecture);
  const header: HeaderJson = {
    format: HEAD_FORMAT_NAME,
    version: HEAD_FORMAT_VERSION,
    backbone: head.backbone,
    architecture: head.architecture,
    training: { ...head.training },
    tensors: HEAD_WEIGHT_NAMES.map((name) => ({ name, shape: shapes[name] })),
  };
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  if (pad > 0) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const floats = HEAD_WEIGHT_NAMES.reduce((s, name) => s + head.weights[name].length, 0);
  const bytes = new Uint8Array(12 + json.length + 4 * floats);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < 8; k++) bytes[k] = HEAD_FILE_MAGIC.charCodeAt(k);
  view.setUint32(8, json.length, true);
  bytes.set(json, 12);
  let offset = 12 + json.length;
  for (const name of HEAD_WEIGHT_NAMES) {
    const arr = head.weights[name];
    for (let k = 0; k < arr.length; k++, offset += 4) view.setFloat32(offset, arr[k]!, true);
  }
  return bytes;
}

function formatError(message: string): PfeError {
  return new PfeError('INVALID_FORMAT', `not a valid head file: ${message}`);
}

/**
 * Parses `.pfehead` bytes into a checked head.
 * @throws PfeError INVALID_FORMAT (bad magic, header, sizes), UNSUPPORTED_FORMAT (other version), and checkHead's codes
 */
export function decodeHead(bytes: Uint8Array): UncertaintyHead {
  if (bytes.length < 12) throw formatError(`${bytes.length} bytes is shorter than the 12-byte preamble`);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== HEAD_FILE_MAGIC) throw formatError(`magic is '${magic.replace(/[^\x20-\x7e]/g, '?')}', expected '${HEAD_FILE_MAGIC}'`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw formatError(`header length ${headerLength} runs past the end of the file`);
  let header: HeaderJson;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as HeaderJson;
  } catch (e) {
    throw formatError(`header is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (header.format !== HEAD_FORMAT_NAME) throw formatError(`header.format is '${String(header.format)}'`);
  if (header.version !== HEAD_FORMAT_VERSION) throw new PfeError('UNSUPPORTED_FORMAT', `head file version ${String(header.version)} is not supported (expected ${HEAD_FORMAT_VERSION})`);
  if (typeof header.architecture !== 'object' || header.architecture === null || !Array.isArray(header.tensors)) throw formatError('header lacks architecture or tensors');
  const shapes = headWeightShapes(header.architecture);
  const weights = {} as Record<keyof HeadWeights, Float32Array>;
  let offset = 12 + headerLength;
  for (const t of header.tensors) {
    if (!(HEAD_WEIGHT_NAMES as readonly string[]).includes(t.name)) throw formatError(`unknown tensor '${t.name}'`);
    const name = t.name as keyof HeadWeights;
    if (JSON.stringify(t.shape) !== JSON.stringify(shapes[name])) throw formatError(`tensor ${name} has shape ${JSON.stringify(t.shape)}, the architecture needs ${JSON.stringify(shapes[name])}`);
    const length = shapes[name].reduce((p, v) => p * v, 1);
    if (offset + 4 * length > bytes.length) throw formatError(`tensor ${name} runs past the end of the file (${bytes.length} bytes)`);
    const arr = new Float32Array(length);
    for (let k = 0; k < length; k++, offset += 4) arr[k] = view.getFloat32(offset, true);
    weights[name] = arr;
  }
  if (offset !== bytes.length) throw formatError(`${bytes.length - offset} bytes follow the last tensor`);
  for (const name of HEAD_WEIGHT_NAMES) if (weights[name] === undefined) throw formatError(`tensor ${name} is missing`);
  const head: UncertaintyHead = { architecture: header.architecture, weights, backbone: String(header.backbone), training: header.training ?? {} };
  checkHead(head);
  return head;
}

/** File name of the head shipped for a backbone, in models/ and next to the browser page. */
export function headFileNameForBackbone(backbone: BackboneName): string {
  return `pfe-head-${backbone}.pfehead`;
}

/** File name of the shipped head of the default backbone. */
export const DEFAULT_HEAD_FILE_NAME = headFileNameForBackbone(DEFAULT_BACKBONE);
