/**
 * Browser counterpart of src/face/runtime/tfjs-runtime.ts (the bundle takes it through package.json `imports`, #platform/*): the
 * tfjs wasm backend with its .wasm binaries served from `wasm/` next to the page, the
 * pure-JS cpu backend as fallback. Same exports and behaviour as the Node module.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { PfeError } from '../core/errors.js';
import type { BackendInfo, BackendName } from '../face/runtime/backend-info.js';

export type { BackendInfo, BackendName } from '../face/runtime/backend-info.js';

let current: BackendInfo | undefined;

/** `wasm/` next to the page, as an absolute URL ending in '/'. */
export function wasmBinariesDir(): string {
  return new URL('wasm/', document.baseURI).href;
}

async function useCpu(requested: BackendName, reason?: string): Promise<BackendInfo> {
  if (!(await tf.setBackend('cpu'))) throw new PfeError('MODEL_LOAD_FAILED', 'the tfjs cpu backend could not be initialised');
  await tf.ready();
  return reason === undefined ? { backend: 'cpu', requested } : { backend: 'cpu', requested, fallbackReason: reason };
}

async function activate(preferred: BackendName): Promise<BackendInfo> {
  if (preferred === 'cpu') return useCpu('cpu');
  try {
    // No threaded build: it would need cross-origin isolation headers (SharedArrayBuffer).
    setWasmPaths({
      'tfjs-backend-wasm.wasm': `${wasmBinariesDir()}tfjs-backend-wasm.wasm`,
      'tfjs-backend-wasm-simd.wasm': `${wasmBinariesDir()}tfjs-backend-wasm-simd.wasm`,
      'tfjs-backend-wasm-threaded-simd.wasm': `${wasmBinariesDir()}tfjs-backend-wasm-threaded-simd.wasm`,
    });
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      return { backend: 'wasm', requested: 'wasm' };
    }
    return await useCpu('wasm', 'tf.setBackend("wasm") returned false');
  } catch (e) {
    return useCpu('wasm', e instanceof Error ? e.message : String(e));
  }
}

/** Makes `preferred` the active tfjs backend (falling back from wasm to cpu); idempotent. */
export async function initBackend(preferred: BackendName = 'wasm'): Promise<BackendInfo> {
  if (current !== undefined && current.requested === preferred && tf.getBackend() === current.backend) return current;
  current = await activate(preferred);
  return current;
}

/** The backend set up by `initBackend`, or undefined before the first call. */
export function backendInUse(): BackendInfo | undefined {
  return current;
}
