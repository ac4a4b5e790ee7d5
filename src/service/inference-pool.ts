/**
 * Inference off the event loop: a fixed set of analyzer backends (one worker thread per
 * core by default) fed from one bounded FIFO queue. When the queue is full a request is
 * refused at once with 503 and a Retry-After estimate, instead of making every caller
 * wait longer (load shedding). An idle backend takes up to `batchSize` queued images at
 * once so the backbone runs batched under load.
 */
import { ApiError } from './api-error.js';
import type { AnalyzerBackend, AnalyzeResult } from './face-analysis.js';

/** Settings of an InferencePool. */
export interface InferencePoolOptions {
  /** Images waiting (not yet running) beyond which new requests get 503. */
  readonly maxQueue: number;
  /** Images one backend call may take. */
  readonly batchSize: number;
  /** Starts a replacement for a backend that broke (e.g. a worker thread that died). */
  readonly replace?: () => Promise<AnalyzerBackend>;
}

interface Job {
  readonly image: Uint8Array;
  readonly resolve: (r: AnalyzeResult) => void;
  readonly reject: (e: Error) => void;
}

/**
 * Smoothing of the service-time average used for Retry-After: each finished batch moves
 * the estimate 20% of the way (about the last 5 batches dominate).
 */
const SERVICE_TIME_SMOOTHING = 0.2;

/** Load counters for /health. */
export interface PoolStats {
  readonly workers: number;
  /** Backends that can work (not died and waiting for a replacement). */
  readonly liveWorkers: number;
  readonly busy: number;
  readonly queued: number;
  readonly maxQueue: number;
  /** Smoothed milliseconds per image. */
  readonly msPerImage: number;
  readonly rejected: number;
}

/** A bounded queue in front of N analyzer backends. */
export class InferencePool {
  private readonly idle: AnalyzerBackend[];
  private readonly all: AnalyzerBackend[];
  private readonly queue: Job[] = [];
  private busyCount = 0;
  private msPerImage = 0;
  private rejected = 0;
  private closed = false;

  constructor(
    backends: readonly AnalyzerBackend[],
    private readonly options: InferencePoolOptions,
  ) {
    if (backends.length === 0) throw new Error('an inference pool needs at least one backend');
    this.all = [...backends];
    this.idle = [...backends];
  }

  /**
   * Analyses one image.
   * @throws ApiError 503 SERVICE_BUSY (with Retry-After) when the queue is full
   */
  async analyze(image: Uint8Array): Promise<AnalyzeResult> {
    this.checkCapacity();
    return new Promise((resolve, reject) => {
      this.queue.push({ image, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Refuses now what `analyze` would refuse: lets the service shed a request before it reads
   * the request's body (under overload, parsing uploads only to refuse them kept the event
   * loop busy and slowed every other answer).
   * @throws ApiError 503 SERVICE_BUSY (with Retry-After) when shutting down or the queue is full
   */
  checkCapacity(): void {
    if (this.closed) throw new ApiError(503, 'SERVICE_BUSY', 'the service is shutting down', { 'Retry-After': '1' });
    if (this.idle.length === 0 && this.queue.length >= this.options.maxQueue) {
      this.rejected++;
      throw new ApiError(503, 'SERVICE_BUSY', `inference queue is full (${this.queue.length} waiting); retry later`, { 'Retry-After': String(this.retryAfterSeconds()) });
    }
  }

  /** Current load. */
  stats(): PoolStats {
    return { workers: this.all.length, liveWorkers: this.all.filter((b) => b.broken !== true).length, busy: this.busyCount, queued: this.queue.length, maxQueue: this.options.maxQueue, msPerImage: this.msPerImage, rejected: this.rejected };
  }

  /** Seconds until the queue has probably drained (at least 1). */
  retryAfterSeconds(): number {
    const waiting = this.queue.length + this.busyCount;
    return Math.max(1, Math.ceil((waiting * this.msPerImage) / this.all.length / 1000));
  }

  /** Refuses new work, waits for nothing, and closes every backend. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new ApiError(503, 'SERVICE_BUSY', 'the service is shutting down', { 'Retry-After': '1' }));
    await Promise.all(this.all.map((b) => b.close()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const backend = this.idle.pop()!;
      const jobs = this.queue.splice(0, this.options.batchSize);
      this.busyCount++;
      const started = performance.now();
      backend.analyze(jobs.map((j) => j.image)).then(
        (results) => {
          this.observe(performance.now() - started, jobs.length);
          jobs.forEach((j, i) => j.resolve(results[i]!));
          this.release(backend);
        },
        (e: unknown) => {
          const err = e instanceof Error ? e : new Error(String(e));
          for (const j of jobs) j.reject(err);
          if (backend.broken === true && this.options.replace !== undefined && !this.closed) this.replaceBroken(backend);
          else this.release(backend);
        },
      );
    }
  }

  private observe(ms: number, images: number): void {
    const perImage = ms / images;
    this.msPerImage = this.msPerImage === 0 ? perImage : this.msPerImage + SERVICE_TIME_SMOOTHING * (perImage - this.msPerImage);
  }

  /** Swaps a broken backend for a new one; until it is up the pool runs one backend short. */
  private replaceBroken(broken: AnalyzerBackend): void {
    this.busyCount--;
    void broken.close().catch(() => undefined);
    this.options.replace!().then(
      (fresh) => {
        const i = this.all.indexOf(broken);
        if (i >= 0) this.all[i] = fresh;
        if (this.closed) {
          void fresh.close();
          return;
        }
        this.idle.push(fresh);
        this.dispatch();
      },
      (e: unknown) => process.stderr.write(`inference pool: could not replace a broken backend: ${e instanceof Error ? e.message : String(e)}\n`),
    );
  }

  private release(backend: AnalyzerBackend): void {
    this.busyCount--;
    if (this.closed) return;
    this.idle.push(backend);
    this.dispatch();
  }
}
