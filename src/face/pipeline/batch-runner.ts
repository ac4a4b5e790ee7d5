/**
 * Runners that embed one batch of requests at a time: in this thread, or in a worker
 * thread with its own TensorFlow.js runtime (the wasm backend is single-threaded in
 * Node, so one worker per core is how both cores get used).
 */
import { Worker } from 'node:worker_threads';
import { PfeError } from '../../core/errors.js';
import { type EmbedRequest, type EmbedResult, FaceEmbedder, type FaceEmbedderOptions } from './face-embedder.js';

/** Embeds batches; one batch at a time per runner. */
export interface BatchRunner {
  run(requests: readonly EmbedRequest[]): Promise<EmbedResult[]>;
  close(): Promise<void>;
}

/** Runs batches in the calling thread. */
export class InProcessRunner implements BatchRunner {
  private constructor(private readonly embedder: FaceEmbedder) {}

  static async start(options: FaceEmbedderOptions): Promise<InProcessRunner> {
    return new InProcessRunner(await FaceEmbedder.load(options));
  }

  run(requests: readonly EmbedRequest[]): Promise<EmbedResult[]> {
    return this.embedder.embedBatch(requests);
  }

  async close(): Promise<void> {
    this.embedder.dispose();
  }
}

/** Messages from the worker (see embed-worker.ts). */
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'results'; readonly results: EmbedResult[] }
  | { readonly type: 'error'; readonly message: string };

/** Runs batches in a worker thread. */
export class WorkerRunner implements BatchRunner {
  private pending: { resolve: (r: EmbedResult[]) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (msg: WorkerReply) => {
      const p = this.pending;
      this.pending = undefined;
      if (msg.type === 'results') p?.resolve(msg.results);
      else if (msg.type === 'error') p?.reject(new PfeError('MODEL_LOAD_FAILED', `embedding worker failed: ${msg.message}`));
    });
    const fail = (e: Error): void => {
      this.failure = e;
      this.pending?.reject(e);
      this.pending = undefined;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`embedding worker exited with code ${code}`));
    });
  }

  /** Starts a worker and waits until its models are loaded. */
  static start(options: FaceEmbedderOptions): Promise<WorkerRunner> {
    const worker = new Worker(new URL('./embed-worker.js', import.meta.url), { workerData: options });
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      worker.once('error', onError);
      worker.once('message', (msg: WorkerReply) => {
        worker.off('error', onError);
        if (msg.type === 'ready') resolve(new WorkerRunner(worker));
        else {
          void worker.terminate();
          reject(new PfeError('MODEL_LOAD_FAILED', `embedding worker could not start: ${msg.type === 'error' ? msg.message : msg.type}`));
        }
      });
    });
  }

  run(requests: readonly EmbedRequest[]): Promise<EmbedResult[]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.pending !== undefined) return Promise.reject(new Error('WorkerRunner runs one batch at a time'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(requests);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
