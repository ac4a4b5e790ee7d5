import { KERNELS_PLAIN_BASE64, KERNELS_SHARED_BASE64 } from './kernels-binary.js';

/**
 * Loads the WebAssembly SIMD kernels (kernels.wat, embedded by kernels-binary.ts) in Node
 * and in browsers. The core is type-checked without DOM or Node types, so the few parts of
 * the WebAssembly API used here are declared structurally and reached through globalThis.
 */

/** A WebAssembly.Memory (the part used here). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}

/** The exports of kernels.wat; every pointer is a byte offset, every output float64 (see the .wat). */
export interface KernelExports {
  mls_rows(am: number, as: number, base: number, sOff: number, stride: number, count: number, dim: number, scale: number, offset: number, out: number): void;
  mls_pairs(
    aBase: number,
    aSOff: number,
    bBase: number,
    bSOff: number,
    stride: number,
    ia: number,
    ib: number,
    count: number,
    dim: number,
    scale: number,
    offset: number,
    out: number,
  ): void;
  mean_rows(kind: number, a: number, base: number, stride: number, count: number, dim: number, out: number): void;
  mean_pairs(kind: number, aBase: number, bBase: number, stride: number, ia: number, ib: number, count: number, dim: number, out: number): void;
  cosine_records(a: number, aInv: number, base: number, nOff: number, stride: number, count: number, dim: number, out: number): void;
  isotropic_records(a: number, sA: number, base: number, sOff: number, stride: number, count: number, dim: number, constant: number, out: number): void;
}

/** `kind` argument of mean_rows / mean_pairs. */
export const MEAN_KERNEL = { dot: 0, squaredDistance: 1 } as const;

/** Bytes per WebAssembly page. */
export const WASM_PAGE_BYTES = 65536;

/** Pages a 32-bit WebAssembly memory can have at most (4 GiB). */
export const MAX_WASM_PAGES = 65536;

interface WasmModuleHandle {
  readonly brand?: 'WebAssembly.Module';
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModuleHandle;
  Instance: new (module: WasmModuleHandle, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes standard base64 (with '=' padding). */
export function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let k = 0; k < clean.length; k++) {
    const digit = BASE64_ALPHABET.indexOf(clean[k]!);
    if (digit < 0) throw new Error(`invalid base64 character '${clean[k]}'`);
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

const modules = new Map<boolean, WasmModuleHandle | Error>();

/** The compiled module (cached), or the reason it cannot be compiled here (no WebAssembly, no SIMD, no threads). */
function compiledModule(shared: boolean): WasmModuleHandle | Error {
  let module = modules.get(shared);
  if (module === undefined) {
    const api = wasmApi();
    try {
      if (api === undefined) throw new Error('this runtime has no WebAssembly');
      module = new api.Module(decodeBase64(shared ? KERNELS_SHARED_BASE64 : KERNELS_PLAIN_BASE64));
    } catch (error) {
      module = error instanceof Error ? error : new Error(String(error));
    }
    modules.set(shared, module);
  }
  return module;
}

/** Why the wasm kernels cannot run here, or null when they can (plain memory). */
export function wasmUnavailableReason(shared = false): string | null {
  const module = compiledModule(shared);
  return module instanceof Error ? module.message : null;
}

/**
 * A memory for the kernels: shared memories need a maximum (reserved up front by the
 * engine); plain ones grow without one.
 */
export function createKernelMemory(initialPages: number, shared: boolean, maximumPages = MAX_WASM_PAGES): WasmMemory {
  const api = wasmApi();
  if (api === undefined) throw new Error('this runtime has no WebAssembly');
  return shared ? new api.Memory({ initial: initialPages, maximum: maximumPages, shared: true }) : new api.Memory({ initial: initialPages });
}

/**
 * Instantiates the kernels over `memory` (shared memories need the shared variant).
 * @throws Error when WebAssembly SIMD is unavailable (see wasmUnavailableReason)
 */
export function instantiateKernels(memory: WasmMemory, shared: boolean): KernelExports {
  const module = compiledModule(shared);
  if (module instanceof Error) throw module;
  const instance = new (wasmApi()!.Instance)(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}

/** Grows `memory` to hold at least `bytes`; false when it cannot (beyond 4 GiB or refused). */
export function ensureMemoryBytes(memory: WasmMemory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return true;
  const pages = Math.ceil((bytes - have) / WASM_PAGE_BYTES);
  if (have / WASM_PAGE_BYTES + pages > MAX_WASM_PAGES) return false;
  try {
    memory.grow(pages);
    return true;
  } catch {
    return false;
  }
}
