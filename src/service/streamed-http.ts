/**
 * HTTP plumbing for a request whose body is a stream of unbounded length (the bulk import)
 * beside requests that must arrive whole: Node's `requestTimeout` gives every request one
 * deadline for its whole body, which would cut a long upload, so the server turns it off
 * and applies the deadline here, per request, to the routes that are not streamed; the
 * streamed one gets a deadline between two pieces of its body instead (line-reader.ts).
 * Also: an answer streamed as NDJSON, and the close of a connection whose upload is still
 * arriving after the answer.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * How long the rest of an upload that arrives after its answer is read and dropped before
 * the connection is closed. Closing at once, with unread bytes in the socket, makes the
 * kernel reset the connection, and a client still sending may then lose the answer that
 * tells it why (the "lingering close" of HTTP servers). Long enough for a client to read
 * the answer and stop; short enough that one that never looks cannot hold the connection.
 */
export const LINGER_MS = 5000;

/**
 * Gives a request `ms` to arrive whole (headers and body), as Node's requestTimeout does for
 * all: when its body has not fully arrived by then, `onExpired` gets its socket (to answer
 * 408 and close). Cleared when the answer is done.
 */
export function startRequestDeadline(request: FastifyRequest, reply: FastifyReply, ms: number, onExpired: (socket: Socket) => void): void {
  const timer = setTimeout(() => {
    if (!request.raw.complete && !request.raw.socket.destroyed) onExpired(request.raw.socket);
  }, ms);
  reply.raw.once('close', () => clearTimeout(timer));
}

/**
 * After the answer to a request whose body has not all arrived (an error before its end):
 * drops what still arrives, and closes the connection when the upload has not ended within
 * LINGER_MS. An upload that ends in time leaves the connection open for the next request.
 */
export function lingerThenClose(raw: IncomingMessage, ms: number = LINGER_MS): void {
  if (raw.complete || raw.socket.destroyed) return;
  const socket = raw.socket;
  const timer = setTimeout(() => socket.destroy(), ms);
  raw.once('end', () => clearTimeout(timer));
  socket.once('close', () => clearTimeout(timer));
  raw.resume();
}

/**
 * An answer of NDJSON lines (one JSON value a line), begun with status 200 at its first line:
 * until then the route can still answer with an error status; from then on only with a line.
 */
export class NdjsonAnswer {
  private begun = false;

  constructor(
    private readonly reply: FastifyReply,
    private readonly requestId: string,
  ) {}

  /** True once the status and the first line are sent. */
  get started(): boolean {
    return this.begun;
  }

  /** Sends one line (starting the answer). Lines to a client that is gone are dropped. */
  line(value: unknown): void {
    const res = this.reply.raw;
    if (!this.begun) {
      // From here Fastify no longer answers for this route: the answer is written here.
      void this.reply.hijack();
      res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store', 'x-request-id': this.requestId });
      this.begun = true;
    }
    if (!res.destroyed && !res.writableEnded) res.write(`${JSON.stringify(value)}\n`);
  }

  /** Ends the answer (no-op when not started or already ended). */
  end(): void {
    const res = this.reply.raw;
    if (this.begun && !res.writableEnded) res.end();
  }
}
