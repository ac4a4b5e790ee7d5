/**
 * An AnalyzerBackend running in a worker thread with its own TensorFlow.js runtime
 * (the wasm backend is single-threaded in Node: one worker per core uses every core).
 */
import { Worker } from 'node:worker_threads';
import type { FaceEmbedderOptions } from '../face/pipeline/face-embedder.js';
import { ApiError } from './api-error.js';
import type { AnalyzerBackend, AnalyzeResult } from './face-analysis.js';

/** What the worker is started with. */
export interface AnalyzerWorkerData {
  readonly embedder: FaceEmbedderOptions;
  /** .pfehead file to bind, or undefined for the no-head fallback. */
  readonly headFile?: string;
}

/** Messages from analyze-worker.ts. */
export type AnalyzerWorkerReply =
  | { readonly type: 'ready'; readonly id: number }
  | { readonly type: 'results'; readonly id: number; readonly results: AnalyzeResult[] }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

/** One worker thread; one batch at a time. */
export class WorkerAnalyzerBackend implements AnalyzerBackend {
  private pending: { id: number; resolve: (r: AnalyzeResult[]) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private closing = false;
  private nextId = 0;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (msg: AnalyzerWorkerReply) => {
      const p = this.pending;
      if (p === undefined || p.id !== msg.id) return;
      this.pending = undefined;
      if (msg.type === 'results') p.resolve(msg.results);
      else p.reject(new Error(`analyzer worker failed: ${msg.type === 'error' ? msg.message : msg.type}`));
    });
    const fail = (e: Error): void => {
      // Work cut short by close() is the service shutting down, not a server fault.
      if (this.closing) e = new ApiError(503, 'SERVICE_BUSY', 'the service is shutting down', { 'Retry-After': '1' });
      this.failure ??= e;
      this.pending?.reject(e);
      this.pending = undefined;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`analyzer worker exited with code ${code}`)));
  }

  /** Starts a worker and waits until its models are loaded. */
  static start(data: AnalyzerWorkerData): Promise<WorkerAnalyzerBackend> {
    const worker = new Worker(new URL('./analyze-worker.js', import.meta.url), { workerData: data });
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      worker.once('error', onError);
      worker.once('message', (msg: AnalyzerWorkerReply) => {
        worker.off('error', onError);
        if (msg.type === 'ready') resolve(new WorkerAnalyzerBackend(worker));
        else {
          void worker.terminate();
          reject(new Error(`analyzer worker could not start: ${msg.type === 'error' ? msg.message : msg.type}`));
        }
      });
    });
  }

  /** True after the worker died or was closed. */
  get broken(): boolean {
    return this.failure !== undefined;
  }

  analyze(images: readonly Uint8Array[]): Promise<AnalyzeResult[]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.pending !== undefined) return Promise.reject(new Error('WorkerAnalyzerBackend runs one batch at a time'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.worker.postMessage({ id, images });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
    this.failure ??= new Error('analyzer closed');
  }
}
