/**
 * One request at a time to a worker thread that runs its own TensorFlow.js runtime (the
 * wasm backend is single-threaded in Node, so one worker per core is how every core gets
 * used). Shared by the embedding workers of `pfe embed` and the service's analyzer workers.
 *
 * Protocol: the worker posts `ready` once its models are loaded (or `error` when they could
 * not be), then answers each `{ id, request }` with `results` or `error` carrying that id.
 * `WorkerChannel` is the parent's side, `serveWorkerRequests` the worker's.
 */
import { parentPort, Worker } from 'node:worker_threads';

/** Id of the start-up reply (`ready`, or the `error` of a worker that could not load). */
const START_ID = -1;

/** Messages from a worker. */
export type WorkerReply<R> =
  | { readonly type: 'ready'; readonly id: number }
  | { readonly type: 'results'; readonly id: number; readonly results: R }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

/** Messages to a worker. */
interface WorkerRequest<Q> {
  readonly id: number;
  readonly request: Q;
}

/** How a channel names its worker and words its failures. */
export interface WorkerChannelErrors {
  /** The worker as messages name it, e.g. 'embedding worker'. */
  readonly name: string;
  /** The error `start` rejects with when the worker could not load. */
  startFailed(message: string): Error;
  /** The error a request rejects with when the worker answered it with an error. */
  requestFailed(message: string): Error;
  /** The error of work cut short by `close()` (default: the worker's own exit). */
  closed?(): Error;
}

/** The parent's side: one worker thread, one request at a time. */
export class WorkerChannel<Q, R> {
  private pending: { id: number; resolve: (r: R) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private closing = false;
  private nextId = 0;

  private constructor(
    private readonly worker: Worker,
    private readonly errors: WorkerChannelErrors,
  ) {
    worker.on('message', (msg: WorkerReply<R>) => {
      const p = this.pending;
      if (p === undefined || p.id !== msg.id) return;
      this.pending = undefined;
      if (msg.type === 'results') p.resolve(msg.results);
      else p.reject(errors.requestFailed(msg.type === 'error' ? msg.message : msg.type));
    });
    const fail = (e: Error): void => {
      const error = this.closing && errors.closed !== undefined ? errors.closed() : e;
      // The first failure is the cause; an exit after an error only repeats it.
      this.failure ??= error;
      this.pending?.reject(error);
      this.pending = undefined;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`${errors.name} exited with code ${code}`)));
  }

  /** Starts the worker module `url` with `workerData` and waits until it is ready. */
  static start<Q, R>(url: URL, workerData: unknown, errors: WorkerChannelErrors): Promise<WorkerChannel<Q, R>> {
    const worker = new Worker(url, { workerData });
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      worker.once('error', onError);
      worker.once('message', (msg: WorkerReply<R>) => {
        worker.off('error', onError);
        if (msg.type === 'ready') resolve(new WorkerChannel<Q, R>(worker, errors));
        else {
          void worker.terminate();
          reject(errors.startFailed(msg.type === 'error' ? msg.message : msg.type));
        }
      });
    });
  }

  /** True after the worker died or was closed. */
  get broken(): boolean {
    return this.failure !== undefined;
  }

  /** Sends one request; rejects while another is pending or after the worker failed. */
  request(request: Q): Promise<R> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.pending !== undefined) return Promise.reject(new Error(`the ${this.errors.name} runs one batch at a time`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.worker.postMessage({ id, request } satisfies WorkerRequest<Q>);
    });
  }

  /** Stops the worker; pending work is rejected (with `errors.closed()` when given). */
  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
    this.failure ??= new Error(`${this.errors.name} closed`);
  }
}

/** A worker's answer to one request, with the buffers to transfer instead of copy. */
export interface WorkerAnswer<R> {
  readonly results: R;
  readonly transfer: ArrayBuffer[];
}

/**
 * The worker's side: loads what the worker needs (`load`, e.g. the models), posts `ready`,
 * then answers every request with `handle`. A failed load is posted as the start-up error.
 * @param name the worker module, for the error when it is not run as a worker thread
 */
export async function serveWorkerRequests<Q, R>(name: string, load: () => Promise<(request: Q) => Promise<WorkerAnswer<R>>>): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error(`${name} must run as a worker thread`);
  const post = (reply: WorkerReply<R>, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);
  const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
  try {
    const handle = await load();
    port.on('message', (msg: WorkerRequest<Q>) => {
      handle(msg.request).then(
        (answer) => post({ type: 'results', id: msg.id, results: answer.results }, answer.transfer),
        (e: unknown) => post({ type: 'error', id: msg.id, message: messageOf(e) }),
      );
    });
    post({ type: 'ready', id: START_ID });
  } catch (e) {
    post({ type: 'error', id: START_ID, message: messageOf(e) });
  }
}
