/**
 * Runs the page's embedding jobs one after another: tfjs runs on the page's one thread
 * anyway, and in order, a slider moved twice cannot show the first position's result last.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `job` after every job queued before it; resolves or rejects with its result. */
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
