/**
 * An AnalyzerBackend running in a worker thread with its own TensorFlow.js runtime
 * (the wasm backend is single-threaded in Node: one worker per core uses every core).
 */
import type { FaceEmbedderOptions } from '../face/pipeline/face-embedder.js';
import { WorkerChannel } from '../face/runtime/worker-channel.js';
import { ApiError } from './api-error.js';
import type { AnalyzerBackend, AnalyzeResult } from './face-analysis.js';

/** What the worker is started with. */
export interface AnalyzerWorkerData {
  readonly embedder: FaceEmbedderOptions;
  /** .pfehead file to bind, or undefined for the no-head fallback. */
  readonly headFile?: string;
}

/** One worker thread (analyze-worker.ts); one batch at a time. */
export class WorkerAnalyzerBackend implements AnalyzerBackend {
  private constructor(private readonly channel: WorkerChannel<readonly Uint8Array[], AnalyzeResult[]>) {}

  /** Starts a worker and waits until its models are loaded. */
  static async start(data: AnalyzerWorkerData): Promise<WorkerAnalyzerBackend> {
    return new WorkerAnalyzerBackend(
      await WorkerChannel.start(new URL('./analyze-worker.js', import.meta.url), data, {
        name: 'analyzer worker',
        startFailed: (message) => new Error(`analyzer worker could not start: ${message}`),
        requestFailed: (message) => new Error(`analyzer worker failed: ${message}`),
        // Work cut short by close() is the service shutting down, not a server fault.
        closed: () => new ApiError(503, 'SERVICE_BUSY', 'the service is shutting down', { 'Retry-After': '1' }),
      }),
    );
  }

  /** True after the worker died or was closed. */
  get broken(): boolean {
    return this.channel.broken;
  }

  analyze(images: readonly Uint8Array[]): Promise<AnalyzeResult[]> {
    return this.channel.request(images);
  }

  async close(): Promise<void> {
    await this.channel.close();
  }
}
