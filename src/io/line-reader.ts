/**
 * Lines of a byte stream (NDJSON and other line formats), read with back-pressure: the
 * stream is asked for its next chunk only when the consumer asks for the next line, so a
 * consumer that pauses (e.g. while a database transaction runs) leaves the rest in the
 * socket, not in memory. One line may hold at most `maxLineBytes` bytes; a longer one is an
 * error naming its number before it is read whole. The stream is never destroyed here: the
 * caller may still answer on the same connection after an error.
 */
import type { Readable } from 'node:stream';

/** One line (without its '\n' or '\r\n'), numbered from 1. */
export interface NumberedLine {
  readonly text: string;
  readonly number: number;
}

/** Why reading lines stopped (errors of the stream itself pass through unchanged). */
export type LineReadErrorKind =
  /** A line is longer than maxLineBytes. */
  | 'TOO_LONG'
  /** A line is not UTF-8. */
  | 'NOT_UTF8'
  /** No bytes arrived for idleMs while a line was awaited. */
  | 'IDLE'
  /** The caller's signal asked to stop. */
  | 'STOPPED';

/** A stream that cannot be read as lines, with the number of the line at fault. */
export class LineReadError extends Error {
  override readonly name = 'LineReadError';
  constructor(
    readonly kind: LineReadErrorKind,
    /** The line being read (1-based). */
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Limits of a line reader. */
export interface LineReaderOptions {
  /** Longest line in bytes, its line break excluded. */
  readonly maxLineBytes: number;
  /** Longest wait for the next bytes while a line is awaited (ms). */
  readonly idleMs: number;
  /** Stops the reader: the wait for the next chunk ends with LineReadError STOPPED. */
  readonly signal?: AbortSignal;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * The non-blank lines of `stream` (blank lines are skipped but counted). The last line needs
 * no line break. Ends when the stream ends; a stream that closes before its end (a client
 * that disconnected) rejects with the stream's error.
 * @throws LineReadError TOO_LONG, NOT_UTF8, IDLE, STOPPED
 */
export async function* readLines(stream: Readable, options: LineReaderOptions): AsyncGenerator<NumberedLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const { maxLineBytes } = options;
  let parts: Buffer[] = [];
  let pendingBytes = 0;
  let number = 1;
  const lineOf = (bytes: Buffer): NumberedLine | undefined => {
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(0, end));
    } catch {
      throw new LineReadError('NOT_UTF8', number, `line ${number} is not valid UTF-8`);
    }
    return text.trim() === '' ? undefined : { text, number };
  };
  const tooLong = (): LineReadError => new LineReadError('TOO_LONG', number, `line ${number} is longer than ${maxLineBytes} bytes`);
  for (;;) {
    const chunk = await nextChunk(stream, options, number);
    if (chunk === null) break;
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE, start); newline >= 0; newline = chunk.indexOf(NEWLINE, start)) {
      if (pendingBytes + newline - start > maxLineBytes) throw tooLong();
      const piece = chunk.subarray(start, newline);
      const line = lineOf(parts.length === 0 ? piece : Buffer.concat([...parts, piece]));
      parts = [];
      pendingBytes = 0;
      if (line !== undefined) yield line;
      number++;
      start = newline + 1;
    }
    if (start < chunk.length) {
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxLineBytes) throw tooLong();
      parts.push(chunk.subarray(start));
    }
  }
  if (pendingBytes > 0) {
    const line = lineOf(Buffer.concat(parts));
    if (line !== undefined) yield line;
  }
}

/**
 * The stream's next chunk, or null at its end; waits at most idleMs. Reads in paused mode
 * ('readable' + read()), so nothing is pulled from the socket beyond the stream's buffer.
 */
function nextChunk(stream: Readable, options: LineReaderOptions, line: number): Promise<Buffer | null> {
  const ready = stream.read() as Buffer | null;
  if (ready !== null) return Promise.resolve(ready);
  if (stream.readableEnded) return Promise.resolve(null);
  const closedEarly = (): Error => stream.errored ?? new Error('the stream closed before its end (the client disconnected)');
  if (stream.destroyed) return Promise.reject(closedEarly());
  const stopped = (): LineReadError => new LineReadError('STOPPED', line, `reading stopped at line ${line}`);
  if (options.signal?.aborted === true) return Promise.reject(stopped());
  return new Promise((resolve, reject) => {
    const settle = (outcome: () => void): void => {
      clearTimeout(timer);
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      options.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onReadable = (): void => {
      const chunk = stream.read() as Buffer | null;
      if (chunk !== null) settle(() => resolve(chunk));
      else if (stream.readableEnded) settle(() => resolve(null));
    };
    const onEnd = (): void => settle(() => resolve(null));
    const onError = (e: Error): void => settle(() => reject(e));
    const onClose = (): void => settle(() => (stream.readableEnded ? resolve(null) : reject(closedEarly())));
    const onAbort = (): void => settle(() => reject(stopped()));
    const timer = setTimeout(() => settle(() => reject(new LineReadError('IDLE', line, `no data for ${options.idleMs / 1000} s while line ${line} was awaited`))), options.idleMs);
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
