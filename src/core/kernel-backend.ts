import { PfeError } from './errors.js';
import { wasmUnavailableReason } from './kernels/wasm/wasm-runtime.js';

/**
 * Which backend computes the score kernels behind the public ops: 'wasm' (WebAssembly SIMD,
 * kernels/wasm/kernels.wat; the default wherever it loads) or 'js' (the JavaScript kernels
 * in kernels/*.ts: the fallback, and the oracle the wasm kernels are tested against).
 * The ops check their input the same way under both; results agree within float32 rounding.
 * Select with setKernelBackend, or in Node with the environment variable PFE_KERNELS=js|wasm.
 */
export type KernelBackend = 'wasm' | 'js';

/** Every KernelBackend. */
export const KERNEL_BACKENDS: readonly KernelBackend[] = ['wasm', 'js'];

let selected: KernelBackend | undefined;

/** The environment's choice (Node's PFE_KERNELS), read without Node's types. */
function environmentChoice(): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['PFE_KERNELS'];
}

/**
 * Parses a backend name (a CLI flag, PFE_KERNELS).
 * @throws PfeError INVALID_ARGUMENT listing the valid names
 */
export function parseKernelBackend(name: string): KernelBackend {
  if (!(KERNEL_BACKENDS as readonly string[]).includes(name)) {
    throw new PfeError('INVALID_ARGUMENT', `unknown kernel backend '${name}'; expected one of ${KERNEL_BACKENDS.join(', ')}`, { name });
  }
  return name as KernelBackend;
}

/** The backend in use: the one set last, else PFE_KERNELS, else 'wasm' when it loads here, else 'js'. */
export function kernelBackend(): KernelBackend {
  if (selected === undefined) {
    const chosen = environmentChoice();
    selected = chosen !== undefined && chosen !== '' ? parseKernelBackend(chosen) : wasmUnavailableReason() === null ? 'wasm' : 'js';
    if (selected === 'wasm' && wasmUnavailableReason() !== null) selected = 'js';
  }
  return selected;
}

/**
 * Selects the backend for every later op call in this thread (worker threads choose their own).
 * @throws PfeError INVALID_ARGUMENT when 'wasm' cannot load here (the message says why)
 */
export function setKernelBackend(backend: KernelBackend): void {
  parseKernelBackend(backend);
  if (backend === 'wasm') {
    const reason = wasmUnavailableReason();
    if (reason !== null) throw new PfeError('INVALID_ARGUMENT', `the wasm kernels cannot run here: ${reason}`, { reason });
  }
  selected = backend;
}

/** Runs `run` with `backend` selected, then restores the previous selection (tests, benchmarks). */
export function withKernelBackend<T>(backend: KernelBackend, run: () => T): T {
  const previous = kernelBackend();
  setKernelBackend(backend);
  try {
    return run();
  } finally {
    selected = previous;
  }
}
