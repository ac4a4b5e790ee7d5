import { PfeError } from '../core/errors.js';
import { formatPythonLiteral, parsePythonLiteral, type PythonLiteral } from './python-literal.js';

/*
 * numpy `.npy` files holding little-endian float32 (`<f4`) arrays in C order.
 * Pure: works on Uint8Array only, no Node APIs, so it runs unchanged in a browser.
 * Format reference: numpy/lib/_format_impl.py (numpy 2.x; `numpy.lib.format` docs):
 *   magic "\x93NUMPY", major, minor, header length (u16 LE for 1.0, u32 LE for 2.0/3.0),
 *   header = Python dict literal {'descr', 'fortran_order', 'shape'} (latin1 for 1.0/2.0,
 *   utf8 for 3.0), padded with spaces and a final '\n' so the data starts at a multiple
 *   of ARRAY_ALIGN = 64 bytes, then the raw array bytes.
 */

/** An n-dimensional float32 array read from or written to `.npy`; `data` is C-order (row-major). */
export interface NpyArray {
  /** Dimensions; `[]` for a 0-d scalar, `[n]` for 1-D, `[rows, cols]` for 2-D. */
  readonly shape: readonly number[];
  /** The values, length = product of `shape` (1 for a 0-d array). */
  readonly data: Float32Array;
}

/** A 2-D float32 array: rows×cols, row-major (element (i, j) at i*cols + j). */
export interface NpyMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

/** The 6-byte magic prefix: byte 0x93 then "NUMPY". */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] as const;
/** Magic plus the two version bytes (numpy's MAGIC_LEN). */
const MAGIC_LEN = MAGIC.length + 2;
/** numpy pads the header so data starts at a multiple of this (format.py ARRAY_ALIGN). */
const ARRAY_ALIGN = 64;
/**
 * numpy leaves room after the header dict so the growth axis can be enlarged in place:
 * it appends 21 - len(repr(shape[0])) spaces (format.py GROWTH_AXIS_MAX_DIGITS = 21).
 * We copy this so our files are byte-identical to `numpy.save`.
 */
const GROWTH_AXIS_MAX_DIGITS = 21;
/** Largest header length a 1.0 file can store (u16). */
const MAX_V1_HEADER_LENGTH = 0xffff;
/** The only dtype this module reads or writes: little-endian IEEE float32. */
const FLOAT32_DESCR = '<f4';
const FLOAT32_BYTES = 4;

/** True on little-endian hosts (all common ones); typed arrays use host byte order. */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function invalid(message: string, details: Record<string, unknown> = {}): never {
  throw new PfeError('INVALID_FORMAT', message, details);
}

function unsupported(message: string, details: Record<string, unknown> = {}): never {
  throw new PfeError('UNSUPPORTED_FORMAT', message, details);
}

function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Human words for dtypes people commonly save by accident, to make the error actionable. */
function describeDescr(descr: string): string {
  const names: Record<string, string> = {
    '<f8': 'little-endian float64',
    '>f8': 'big-endian float64',
    '>f4': 'big-endian float32',
    '<f2': 'little-endian float16',
    '|u1': 'uint8',
    '|i1': 'int8',
    '|b1': 'bool',
    '|O': 'Python objects (pickled)',
    '<i4': 'little-endian int32',
    '<i8': 'little-endian int64',
  };
  const name = names[descr];
  return name === undefined ? `'${descr}'` : `'${descr}' (${name})`;
}

function decodeLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let k = 0; k < bytes.length; k++) s += String.fromCharCode(bytes[k]!);
  return s;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    return invalid('npy 3.0 header is not valid UTF-8', { cause: String(e) });
  }
}

/** Reads the shape tuple, checking it holds non-negative integers. */
function shapeFromHeader(value: PythonLiteral): number[] {
  if (value.kind !== 'tuple') {
    invalid(`npy header 'shape' is ${formatPythonLiteral(value)}; expected a tuple of integers such as (3, 4)`);
  }
  return value.items.map((item) => {
    if (item.kind !== 'int' || item.value < 0) {
      invalid(`npy header 'shape' is ${formatPythonLiteral(value)}; expected a tuple of non-negative integers`);
    }
    return item.value;
  });
}

/** What the header says about the array, once checked to be a C-order `<f4` array. */
interface NpyHeader {
  readonly shape: number[];
  /** Byte offset of the first data byte from the start of the file. */
  readonly dataOffset: number;
}

function parseHeader(bytes: Uint8Array): NpyHeader {
  if (MAGIC.some((b, k) => k < bytes.length && bytes[k] !== b) || bytes.length === 0) {
    const found = hexBytes(bytes.subarray(0, MAGIC.length));
    // "PK\x03\x04" starts a zip archive, which is what numpy.savez writes.
    const hint = bytes[0] === 0x50 && bytes[1] === 0x4b ? ' (this looks like a zip archive, e.g. an .npz; unpack it first)' : '';
    invalid(`not an npy file: expected magic bytes 93 4e 55 4d 50 59 ("\\x93NUMPY"), found ${found || 'nothing'}${hint}`);
  }
  if (bytes.length < MAGIC_LEN) {
    invalid(`npy file truncated: ${bytes.length} bytes, the magic string and version alone need ${MAGIC_LEN}`);
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (minor !== 0 || major < 1 || major > 3) {
    unsupported(`npy format version ${major}.${minor} is not supported; expected 1.0, 2.0 or 3.0`, { major, minor });
  }
  const lengthBytes = major === 1 ? 2 : 4;
  const headerStart = MAGIC_LEN + lengthBytes;
  if (bytes.length < headerStart) {
    invalid(`npy file truncated: ${bytes.length} bytes, the version ${major}.0 preamble alone needs ${headerStart}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(MAGIC_LEN, true) : view.getUint32(MAGIC_LEN, true);
  const dataOffset = headerStart + headerLength;
  if (bytes.length < dataOffset) {
    invalid(`npy header truncated: the file declares a ${headerLength}-byte header but only ${bytes.length - headerStart} bytes follow`, {
      headerLength,
    });
  }
  const headerBytes = bytes.subarray(headerStart, dataOffset);
  const text = major === 3 ? decodeUtf8(headerBytes) : decodeLatin1(headerBytes);
  const dict = parsePythonLiteral(text);
  if (dict.kind !== 'dict') invalid(`npy header is ${formatPythonLiteral(dict)}; expected a dict`);

  const keys = [...dict.entries.keys()].sort();
  if (keys.join(',') !== 'descr,fortran_order,shape') {
    invalid(`npy header has keys [${keys.join(', ')}]; expected exactly descr, fortran_order, shape`);
  }
  const descr = dict.entries.get('descr')!;
  const fortranOrder = dict.entries.get('fortran_order')!;
  const shape = shapeFromHeader(dict.entries.get('shape')!);

  if (descr.kind === 'list') {
    unsupported(`npy dtype is a structured dtype ${formatPythonLiteral(descr)}; expected '${FLOAT32_DESCR}' (little-endian float32)`);
  }
  if (descr.kind !== 'str') invalid(`npy header 'descr' is ${formatPythonLiteral(descr)}; expected a dtype string`);
  if (descr.value !== FLOAT32_DESCR) {
    unsupported(
      `npy dtype ${describeDescr(descr.value)} is not supported; expected '${FLOAT32_DESCR}' (little-endian float32): ` +
        `save with a.astype('<f4')`,
      { descr: descr.value },
    );
  }
  if (fortranOrder.kind !== 'bool') {
    invalid(`npy header 'fortran_order' is ${formatPythonLiteral(fortranOrder)}; expected True or False`);
  }
  if (fortranOrder.value) {
    unsupported(`npy array is in Fortran (column-major) order; expected C order: save numpy.ascontiguousarray(a)`, { shape });
  }
  return { shape, dataOffset };
}

function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * Parses a `.npy` file (format 1.0, 2.0 or 3.0) holding a C-order little-endian float32 array.
 * The returned `data` is a view into `bytes` (no copy) when the data offset is 4-byte
 * aligned on a little-endian host, otherwise an aligned copy; do not mutate `bytes` afterwards
 * if you keep the result.
 * @param bytes the whole file.
 * @throws PfeError INVALID_FORMAT (bad magic, truncated header or data, malformed header,
 *   data length not matching the shape) or UNSUPPORTED_FORMAT (other dtype, Fortran order,
 *   other format version), with a message saying what was found and what is expected.
 */
export function parseNpy(bytes: Uint8Array): NpyArray {
  const { shape, dataOffset } = parseHeader(bytes);
  const count = shape.reduce((a, b) => a * b, 1);
  const expectedBytes = count * FLOAT32_BYTES;
  const actualBytes = bytes.length - dataOffset;
  if (!Number.isSafeInteger(expectedBytes) || actualBytes !== expectedBytes) {
    invalid(
      `npy data is ${actualBytes} bytes but shape ${formatShape(shape)} of float32 needs ${expectedBytes}` +
        (actualBytes < expectedBytes ? ' (file truncated?)' : ''),
      { shape, actualBytes, expectedBytes },
    );
  }
  const absoluteOffset = bytes.byteOffset + dataOffset;
  if (HOST_IS_LITTLE_ENDIAN && absoluteOffset % FLOAT32_BYTES === 0) {
    return { shape, data: new Float32Array(bytes.buffer, absoluteOffset, count) };
  }
  const data = new Float32Array(count);
  if (HOST_IS_LITTLE_ENDIAN) {
    new Uint8Array(data.buffer).set(bytes.subarray(dataOffset, dataOffset + expectedBytes));
  } else {
    const view = new DataView(bytes.buffer, absoluteOffset, expectedBytes);
    for (let k = 0; k < count; k++) data[k] = view.getFloat32(k * FLOAT32_BYTES, true);
  }
  return { shape, data };
}

/**
 * Parses a `.npy` file that must hold a 2-D float32 array.
 * @throws PfeError as parseNpy, and DIMENSION_MISMATCH when the array is not 2-D.
 */
export function parseMatrixNpy(bytes: Uint8Array): NpyMatrix {
  const { shape, data } = parseNpy(bytes);
  return matrixFromNpy({ shape, data });
}

/**
 * Checks an NpyArray is 2-D and returns it as rows×cols.
 * @throws PfeError DIMENSION_MISMATCH naming the shape that was found.
 */
export function matrixFromNpy(array: NpyArray): NpyMatrix {
  if (array.shape.length !== 2) {
    throw new PfeError('DIMENSION_MISMATCH', `expected a 2-D array (rows, cols), found shape ${formatShape(array.shape)}`, {
      shape: array.shape,
    });
  }
  return { rows: array.shape[0]!, cols: array.shape[1]!, data: array.data };
}

/** The header dict text exactly as numpy writes it for a C-order `<f4` array (format.py _write_array_header). */
function headerDict(shape: readonly number[]): string {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${FLOAT32_DESCR}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const growthRoom = shape.length > 0 ? GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length : 0;
  return dict + ' '.repeat(Math.max(0, growthRoom));
}

/**
 * Encodes a C-order float32 array as `.npy` bytes, byte-identical to `numpy.save` of a
 * `<f4` array: format 1.0, or 2.0 when the header would exceed 1.0's 65535-byte limit.
 * @param shape dimensions (`[]` for a scalar); non-negative integers.
 * @param data row-major values, length = product of shape.
 * @throws PfeError INVALID_ARGUMENT when shape and data disagree.
 */
export function encodeNpy(shape: readonly number[], data: Float32Array): Uint8Array<ArrayBuffer> {
  for (const n of shape) {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new PfeError('INVALID_ARGUMENT', `shape ${formatShape(shape)} must hold non-negative integers`, { shape });
    }
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new PfeError('INVALID_ARGUMENT', `data has ${data.length} values but shape ${formatShape(shape)} needs ${count}`, {
      shape,
      length: data.length,
    });
  }
  const dict = headerDict(shape);
  // numpy: hlen = len(dict) + 1 for the final '\n'; padlen = ALIGN - ((MAGIC_LEN + len_bytes + hlen) % ALIGN), always 1..64 spaces.
  const hlen = dict.length + 1;
  let lengthBytes = 2;
  let padLength = ARRAY_ALIGN - ((MAGIC_LEN + lengthBytes + hlen) % ARRAY_ALIGN);
  let major = 1;
  if (hlen + padLength > MAX_V1_HEADER_LENGTH) {
    major = 2;
    lengthBytes = 4;
    padLength = ARRAY_ALIGN - ((MAGIC_LEN + lengthBytes + hlen) % ARRAY_ALIGN);
  }
  const headerLength = hlen + padLength;
  const dataOffset = MAGIC_LEN + lengthBytes + headerLength;
  const out = new Uint8Array(dataOffset + count * FLOAT32_BYTES);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(MAGIC_LEN, headerLength, true);
  else view.setUint32(MAGIC_LEN, headerLength, true);
  const headerText = dict + ' '.repeat(padLength) + '\n';
  for (let k = 0; k < headerText.length; k++) out[MAGIC_LEN + lengthBytes + k] = headerText.charCodeAt(k); // ASCII only
  if (HOST_IS_LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dataOffset);
  } else {
    for (let k = 0; k < count; k++) view.setFloat32(dataOffset + k * FLOAT32_BYTES, data[k]!, true);
  }
  return out;
}
