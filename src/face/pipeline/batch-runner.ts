/**
 * Runners that embed one batch of requests at a time: in this thread, or in a worker
 * thread with its own TensorFlow.js runtime (the wasm backend is single-threaded in
 * Node, so one worker per core is how both cores get used).
 */
import { PfeError } from '../../core/errors.js';
import { WorkerChannel } from '../runtime/worker-channel.js';
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

/** Runs batches in a worker thread (embed-worker.ts). */
export class WorkerRunner implements BatchRunner {
  private constructor(private readonly channel: WorkerChannel<readonly EmbedRequest[], EmbedResult[]>) {}

  /** Starts a worker and waits until its models are loaded. */
  static async start(options: FaceEmbedderOptions): Promise<WorkerRunner> {
    return new WorkerRunner(
      await WorkerChannel.start(new URL('./embed-worker.js', import.meta.url), options, {
        name: 'embedding worker',
        startFailed: (message) => new PfeError('MODEL_LOAD_FAILED', `embedding worker could not start: ${message}`),
        requestFailed: (message) => new PfeError('MODEL_LOAD_FAILED', `embedding worker failed: ${message}`),
      }),
    );
  }

  run(requests: readonly EmbedRequest[]): Promise<EmbedResult[]> {
    return this.channel.request(requests);
  }

  async close(): Promise<void> {
    await this.channel.close();
  }
}
