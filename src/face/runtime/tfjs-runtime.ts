/**
 * TensorFlow.js runtime set-up for Node: picks the WebAssembly backend (SIMD, no
 * threads in Node) and falls back to the pure-JS CPU backend. tfjs-node is not used:
 * it does not install on the target machines.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { PfeError } from '../../core/errors.js';
import type { BackendInfo, BackendName } from './backend-info.js';

export type { BackendInfo, BackendName } from './backend-info.js';

let current: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

/**
 * The folder holding tfjs-backend-wasm's .wasm binaries, found through Node's module
 * resolution (no network), ending in a path separator: in Node the wasm backend reads
 * `<prefix>tfjs-backend-wasm-simd.wasm` from the file system.
 */
export function wasmBinariesDir(): string {
  const require = createRequire(import.meta.url);
  // The package's "main" is dist/tf-backend-wasm.node.js, beside the .wasm files.
  const main = require.resolve('@tensorflow/tfjs-backend-wasm');
  return path.dirname(main) + path.sep;
}

async function activate(preferred: BackendName): Promise<BackendInfo> {
  if (preferred === 'wasm') {
    try {
      // The wasm backend registers itself when its module is imported; setWasmPaths must come first.
      setWasmPaths(wasmBinariesDir());
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return { backend: 'wasm', requested: 'wasm' };
      }
      return await fallBackToCpu('tf.setBackend("wasm") returned false');
    } catch (e) {
      return await fallBackToCpu(e instanceof Error ? e.message : String(e));
    }
  }
  if (!(await tf.setBackend('cpu'))) {
    throw new PfeError('MODEL_LOAD_FAILED', 'the tfjs cpu backend could not be initialised');
  }
  await tf.ready();
  return { backend: 'cpu', requested: 'cpu' };
}

async function fallBackToCpu(reason: string): Promise<BackendInfo> {
  if (!(await tf.setBackend('cpu'))) {
    throw new PfeError('MODEL_LOAD_FAILED', `neither the wasm backend (${reason}) nor the cpu backend could be initialised`);
  }
  await tf.ready();
  return { backend: 'cpu', requested: 'wasm', fallbackReason: reason };
}

/**
 * Makes `preferred` the active tfjs backend (falling back from wasm to cpu) and says
 * which one is in use. Idempotent: once a backend is up, later calls asking for the
 * same backend return the same answer without re-initialising; asking for another
 * backend switches to it.
 */
export async function initBackend(preferred: BackendName = 'wasm'): Promise<BackendInfo> {
  if (current !== undefined && current.requested === preferred && tf.getBackend() === current.backend) return current;
  if (pending === undefined) {
    pending = activate(preferred).finally(() => {
      pending = undefined;
    });
  }
  const info = await pending;
  current = info;
  if (info.requested !== preferred) return initBackend(preferred);
  return info;
}

/** The backend set up by `initBackend`, or undefined before the first call. */
export function backendInUse(): BackendInfo | undefined {
  return current;
}
