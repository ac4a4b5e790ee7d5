/**
 * Worker threads that scan a MutableGallery with shared shards, so a probe uses every core
 * and no scan runs on the event loop: the gallery's rows are split into one contiguous
 * range per worker, each worker keeps its own top-k, and the parts are merged here.
 * Workers are unreferenced while idle, so an idle pool never keeps a process alive.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ShardScoreName } from '../core/gallery-shard.js';
import { SCAN_SLOTS, type ScanProbe } from '../core/gallery-shard.js';
import type { MutableGallery } from '../core/mutable-gallery.js';
import { mergeTopK, type ScoredRow } from '../core/top-k.js';
import type { ScanRange, ScanReply, ScanRequest } from './scan-worker.js';

/**
 * Niceness of the scan threads (Linux: per thread): above the event loop's 0, so a busy
 * machine gives the event loop (health checks, request parsing) the CPU first; 5 is the
 * guide's niceness for background jobs.
 */
export const SCAN_THREAD_NICE = 5;

/** Workers at most: each needs its own scan slot in every shard (slot 0 is the owner's). */
export const MAX_SCAN_WORKERS = SCAN_SLOTS - 1;

interface Pending {
  resolve(rows: ScoredRow[]): void;
  reject(error: Error): void;
}

/** A pool of scan worker threads. */
export class ScanPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private inFlight = 0;

  /** @param workers thread count (1..MAX_SCAN_WORKERS; default: the cores, at most MAX_SCAN_WORKERS) */
  constructor(workers = Math.min(MAX_SCAN_WORKERS, os.availableParallelism())) {
    const count = Math.max(1, Math.min(MAX_SCAN_WORKERS, Math.floor(workers)));
    this.workers = Array.from({ length: count }, (_, w) => {
      const worker = new Worker(new URL('./scan-worker.js', import.meta.url), { workerData: { slot: 1 + w, nice: SCAN_THREAD_NICE } });
      worker.on('message', (reply: ScanReply) => this.settle(reply));
      worker.on('error', (error) => this.failAll(error));
      worker.unref();
      return worker;
    });
  }

  /** Number of worker threads. */
  get size(): number {
    return this.workers.length;
  }

  /**
   * The k best rows of `gallery` for a checked probe, best first (ties: lower row first).
   * The gallery must have shared shards and must not change until the promise settles.
   */
  async topK(gallery: MutableGallery, probe: ScanProbe, score: ShardScoreName, k: number): Promise<ScoredRow[]> {
    if (!gallery.shared) throw new Error('the scan pool needs a gallery with shared shards');
    const n = gallery.count;
    if (n === 0 || k < 1) return [];
    const { shardRows } = gallery.geometry;
    const shards = gallery.shardHandles();
    const parts = this.workers.map((worker, w) => {
      const from = Math.floor((w * n) / this.workers.length);
      const to = Math.floor(((w + 1) * n) / this.workers.length);
      const ranges: ScanRange[] = [];
      for (let row = from; row < to; ) {
        const shard = shards[Math.floor(row / shardRows)]!;
        const firstRow = shard.index * shardRows;
        const end = Math.min(to - firstRow, shard.count);
        ranges.push({ memory: shard.memory, firstRow, start: row - firstRow, end });
        row = firstRow + end;
      }
      return this.send(worker, { geometry: gallery.geometry, ranges, probe, score, range: gallery.sigmaRange(), k });
    });
    return mergeTopK(await Promise.all(parts), k);
  }

  /** Stops the workers; pending scans fail. */
  async close(): Promise<void> {
    this.failAll(new Error('the scan pool was closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private send(worker: Worker, request: Omit<ScanRequest, 'id'>): Promise<ScoredRow[]> {
    const id = this.nextId++;
    return new Promise<ScoredRow[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.inFlight++ === 0) for (const w of this.workers) w.ref();
      worker.postMessage({ ...request, id } satisfies ScanRequest);
    });
  }

  private settle(reply: ScanReply): void {
    const waiter = this.pending.get(reply.id);
    if (waiter === undefined) return;
    this.pending.delete(reply.id);
    if (--this.inFlight === 0) for (const w of this.workers) w.unref();
    if ('error' in reply) waiter.reject(new Error(`scan worker: ${reply.error}`));
    else waiter.resolve(reply.rows);
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
    if (this.inFlight > 0) for (const w of this.workers) w.unref();
    this.inFlight = 0;
  }
}

let shared: ScanPool | undefined;

/** The process-wide scan pool (created on first use; idle workers do not keep the process alive). */
export function sharedScanPool(): ScanPool {
  shared ??= new ScanPool();
  return shared;
}
