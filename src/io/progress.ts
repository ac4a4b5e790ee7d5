/** Minimal writable surface we need (process.stderr in the CLI, a buffer in tests). */
export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

/** Progress of a long job: count, rate, ETA. */
export interface Progress {
  /** Records `n` more finished items (default 1). */
  tick(n?: number): void;
  /** Prints the final line (on a terminal) and stops updating. */
  done(): void;
}

/** Formats seconds as `1h02m`, `3m05s` or `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** How often a log (a stream that is not a terminal) gets a progress line: long runs stay visible in log files without flooding them. */
export const LOG_PROGRESS_INTERVAL_MS = 30_000;

/**
 * A progress line `label 120/13232 (0.9%) 15.2/s ETA 14m22s`, redrawn in place at most
 * every `intervalMs` on a terminal; on a pipe or log file, written as a whole line at most
 * every `logIntervalMs` (default LOG_PROGRESS_INTERVAL_MS) and once at the end.
 * @param now clock in milliseconds (injectable for tests)
 */
export function createProgress(
  label: string,
  total: number,
  stream: ProgressStream,
  options: { intervalMs?: number; logIntervalMs?: number; now?: () => number } = {},
): Progress {
  const now = options.now ?? (() => performance.now());
  const tty = stream.isTTY === true;
  const interval = tty ? (options.intervalMs ?? 250) : (options.logIntervalMs ?? LOG_PROGRESS_INTERVAL_MS);
  const start = now();
  let count = 0;
  let lastDraw = -Infinity;
  let finished = false;

  const line = (): string => {
    const elapsed = (now() - start) / 1000;
    const rate = elapsed > 0 ? count / elapsed : 0;
    const pct = total > 0 ? ((100 * count) / total).toFixed(1) : '100.0';
    const eta = rate > 0 ? formatDuration((total - count) / rate) : '?';
    return `${label} ${count}/${total} (${pct}%) ${rate.toFixed(1)}/s ETA ${eta}`;
  };
  const draw = (force: boolean): void => {
    const t = now();
    // The first line of a log waits one interval, so short runs do not log at all.
    if (!tty && lastDraw === -Infinity) lastDraw = start;
    if (!force && t - lastDraw < interval) return;
    lastDraw = t;
    stream.write(tty ? `\r\x1b[2K${line()}` : `${line()}\n`);
  };
  return {
    tick(n = 1) {
      if (finished) return;
      count += n;
      draw(false);
    },
    done() {
      if (finished) return;
      finished = true;
      draw(true);
      if (tty) stream.write('\n');
    },
  };
}
