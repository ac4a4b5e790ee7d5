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

/**
 * A progress line `label 120/13232 (0.9%) 15.2/s ETA 14m22s`, redrawn in place at most
 * every `intervalMs` on a terminal; silent when the stream is not a terminal (pipes, CI logs).
 * @param now clock in milliseconds (injectable for tests)
 */
export function createProgress(
  label: string,
  total: number,
  stream: ProgressStream,
  options: { intervalMs?: number; now?: () => number } = {},
): Progress {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 250;
  const start = now();
  let count = 0;
  let lastDraw = -Infinity;
  let finished = false;
  const enabled = stream.isTTY === true;

  const line = (): string => {
    const elapsed = (now() - start) / 1000;
    const rate = elapsed > 0 ? count / elapsed : 0;
    const pct = total > 0 ? ((100 * count) / total).toFixed(1) : '100.0';
    const eta = rate > 0 ? formatDuration((total - count) / rate) : '?';
    return `${label} ${count}/${total} (${pct}%) ${rate.toFixed(1)}/s ETA ${eta}`;
  };
  const draw = (force: boolean): void => {
    if (!enabled) return;
    const t = now();
    if (!force && t - lastDraw < interval) return;
    lastDraw = t;
    stream.write(`\r\x1b[2K${line()}`);
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
      if (enabled) stream.write('\n');
    },
  };
}
