/**
 * How late the event loop runs, as /v1/health reports it: the delay of a sampling timer past
 * its due time. It is the measure of a starved or blocked loop: a long synchronous task, or
 * CPU taken by the inference and scan threads or by other processes. A slow health answer
 * with a small delay points at the network or the client; one with a large delay points
 * here. Read per window, so a probe sees the last minute, not the process's whole life.
 */
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** The delay over one window, in milliseconds. */
export interface EventLoopDelaySummary {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** How long the window the figures cover lasted, in seconds. */
  readonly windowSeconds: number;
}

/** Length of a window: a minute, the span a liveness probe's operator looks at. */
export const EVENT_LOOP_WINDOW_MS = 60_000;

/** Histogram values are nanoseconds. */
const NS_PER_MS = 1e6;

function summaryOf(histogram: IntervalHistogram, windowMs: number): EventLoopDelaySummary {
  // An empty histogram (no sample yet) reports 0 rather than its sentinel minimum.
  const ms = (ns: number): number => (histogram.count === 0 ? 0 : Math.round((ns / NS_PER_MS) * 100) / 100);
  return { p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max), windowSeconds: Math.round(windowMs / 100) / 10 };
}

/** Samples the event loop's delay (Node's perf_hooks histogram, 10 ms sampling) until stopped. */
export class EventLoopDelayMonitor {
  private readonly histogram = monitorEventLoopDelay();
  private readonly rotation: NodeJS.Timeout;
  private windowStart = performance.now();
  private last: EventLoopDelaySummary | undefined;

  /** @param windowMs length of a window (default EVENT_LOOP_WINDOW_MS) */
  constructor(windowMs: number = EVENT_LOOP_WINDOW_MS) {
    this.histogram.enable();
    this.rotation = setInterval(() => this.rotate(), windowMs);
    // The monitor must not keep a process alive on its own.
    this.rotation.unref();
  }

  /** The last complete window, or the current one until a window has completed. */
  summary(): EventLoopDelaySummary {
    return this.last ?? summaryOf(this.histogram, performance.now() - this.windowStart);
  }

  /** Stops sampling. */
  stop(): void {
    clearInterval(this.rotation);
    this.histogram.disable();
  }

  private rotate(): void {
    const now = performance.now();
    this.last = summaryOf(this.histogram, now - this.windowStart);
    this.histogram.reset();
    this.windowStart = now;
  }
}
