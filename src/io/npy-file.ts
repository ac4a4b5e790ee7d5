import { readFile, writeFile } from 'node:fs/promises';
import { PfeError, withSource } from '../core/errors.js';
import { encodeNpy, matrixFromNpy, parseNpy, type NpyArray, type NpyMatrix } from './npy.js';

/*
 * Node-side file helpers for `.npy`; the format itself lives in the pure ./npy.ts.
 */

/** Turns a failed fs call into IO_ERROR naming the path and the system reason. */
function ioError(action: string, path: string, e: unknown): PfeError {
  const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e);
  return new PfeError('IO_ERROR', `cannot ${action} ${path}: ${reason}`, { path }, { cause: e });
}

/**
 * Reads a `.npy` file holding a C-order little-endian float32 array.
 * @throws PfeError IO_ERROR (unreadable file), INVALID_FORMAT, UNSUPPORTED_FORMAT; messages start with the path.
 */
export async function readNpyFile(path: string): Promise<NpyArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw ioError('read', path, e);
  }
  return withSource(path, () => parseNpy(bytes));
}

/**
 * Reads a `.npy` file that must hold a 2-D float32 array (rows×cols, row-major).
 * @throws PfeError as readNpyFile, and DIMENSION_MISMATCH when the array is not 2-D.
 */
export async function readMatrixNpyFile(path: string): Promise<NpyMatrix> {
  const array = await readNpyFile(path);
  return withSource(path, () => matrixFromNpy(array));
}

/**
 * Writes a C-order float32 array as a `.npy` file (format 1.0, as `numpy.save` would).
 * @param shape dimensions, e.g. [rows, cols].
 * @param data row-major values, length = product of shape.
 * @throws PfeError INVALID_ARGUMENT (shape/data disagree), IO_ERROR (cannot write).
 */
export async function writeNpyFile(path: string, shape: readonly number[], data: Float32Array): Promise<void> {
  const bytes = encodeNpy(shape, data);
  try {
    await writeFile(path, bytes);
  } catch (e) {
    throw ioError('write', path, e);
  }
}
