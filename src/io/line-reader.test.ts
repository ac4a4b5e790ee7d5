import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { test } from 'node:test';
import { LineReadError, type LineReaderOptions, type NumberedLine, readLines } from './line-reader.js';

const LIMITS: LineReaderOptions = { maxLineBytes: 64, idleMs: 5000 };

async function all(stream: Readable, options: LineReaderOptions = LIMITS): Promise<NumberedLine[]> {
  const out: NumberedLine[] = [];
  for await (const line of readLines(stream, options)) out.push(line);
  return out;
}

/** A stream of the given chunks, produced one per read() call, counting how many were produced. */
function countingStream(chunks: readonly Buffer[]): { stream: Readable; produced: () => number } {
  let next = 0;
  const stream = new Readable({
    highWaterMark: 1,
    read() {
      this.push(next < chunks.length ? chunks[next++] : null);
    },
  });
  return { stream, produced: () => next };
}

test('lines split across chunks, CRLF, blank lines counted but skipped, last line without a break', async () => {
  const text = 'alpha\r\n\nbe' + 'ta\n  \n{"x": "é"}\nlast';
  const bytes = Buffer.from(text);
  // Every possible split of the bytes into two chunks gives the same lines.
  for (let cut = 0; cut <= bytes.length; cut++) {
    const lines = await all(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)].filter((b) => b.length > 0)));
    assert.deepEqual(lines, [
      { text: 'alpha', number: 1 },
      { text: 'beta', number: 3 },
      { text: '{"x": "é"}', number: 5 },
      { text: 'last', number: 6 },
    ], `cut at ${cut}`);
  }
  assert.deepEqual(await all(Readable.from([])), []);
});

test('a line longer than the limit is refused by number before it is read whole', async () => {
  const ok = 'x'.repeat(LIMITS.maxLineBytes);
  assert.deepEqual((await all(Readable.from([Buffer.from(`${ok}\n`)]))).map((l) => l.number), [1]);
  // Line 2 never ends: 100 chunks of 40 bytes without a line break.
  const chunks = [Buffer.from('short\nyyyy'), ...Array.from({ length: 100 }, () => Buffer.alloc(40, 0x79))];
  const { stream, produced } = countingStream(chunks);
  await assert.rejects(all(stream), (e: unknown) => e instanceof LineReadError && e.kind === 'TOO_LONG' && e.line === 2 && /line 2 is longer than 64 bytes/.test(e.message));
  assert.ok(produced() <= 4, `read ${produced()} chunks of a line that can only be refused`);
  // The last line (no break) is held to the limit too.
  await assert.rejects(all(Readable.from([Buffer.from('a\n' + 'z'.repeat(65))])), (e: unknown) => e instanceof LineReadError && e.kind === 'TOO_LONG' && e.line === 2);
});

test('bytes that are not UTF-8 are refused with the line number', async () => {
  await assert.rejects(all(Readable.from([Buffer.from('ok\n'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a])])), (e: unknown) => e instanceof LineReadError && e.kind === 'NOT_UTF8' && e.line === 2);
});

test('back-pressure: the source is read only as far as the consumer has asked', async () => {
  const chunks = Array.from({ length: 1000 }, (_, i) => Buffer.from(`line ${i}\n`));
  const { stream, produced } = countingStream(chunks);
  const lines = readLines(stream, LIMITS);
  for (let i = 0; i < 3; i++) assert.equal((await lines.next()).value?.text, `line ${i}`);
  // The consumer now pauses (a transaction would run here): nothing more is pulled.
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(produced() <= 6, `${produced()} chunks produced for 3 lines`);
  await lines.return(undefined);
  assert.equal(stream.destroyed, false, 'the reader leaves the stream to its owner');
});

test('a silent source times out, a stream that closes early rejects, a signal stops the wait', async () => {
  const silent = new PassThrough();
  silent.write('first\n');
  const seen: number[] = [];
  await assert.rejects(
    (async () => {
      for await (const l of readLines(silent, { maxLineBytes: 64, idleMs: 50 })) seen.push(l.number);
    })(),
    (e: unknown) => e instanceof LineReadError && e.kind === 'IDLE' && e.line === 2,
  );
  assert.deepEqual(seen, [1]);

  const cut = new PassThrough();
  cut.write('one\ntw');
  setTimeout(() => cut.destroy(), 10);
  await assert.rejects(all(cut), /closed before its end/);

  const waiting = new PassThrough();
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 10);
  await assert.rejects(all(waiting, { ...LIMITS, signal: controller.signal }), (e: unknown) => e instanceof LineReadError && e.kind === 'STOPPED');
});
