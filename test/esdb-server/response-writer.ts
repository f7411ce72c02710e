import { once } from 'node:events';
import type { ServerErrorResponse, ServerWritableStream } from '@grpc/grpc-js';

/**
 * The sending side of a server-streaming call, with gRPC flow control: when `call.write`
 * reports a full buffer we wait for 'drain', so a slow reader holds the writer back instead of
 * the server queuing its whole backlog in memory.
 *
 * `signal` aborts when the call is over for any reason (client cancelled, connection dropped,
 * server stopping), which is how long-running readers (subscriptions) learn to stop.
 */
export class ResponseWriter<Response> {
  readonly #call: ServerWritableStream<unknown, Response>;
  readonly #closed = new AbortController();

  constructor(call: ServerWritableStream<unknown, Response>, serverStopping: AbortSignal) {
    this.#call = call;
    const close = (): void => this.#closed.abort();
    call.on('cancelled', close);
    call.on('close', close);
    call.on('finish', close);
    call.on('error', close);
    if (serverStopping.aborted) close();
    else serverStopping.addEventListener('abort', close, { once: true, signal: this.#closed.signal });
  }

  get signal(): AbortSignal {
    return this.#closed.signal;
  }

  get isOpen(): boolean {
    return !this.#closed.signal.aborted;
  }

  async write(response: Response): Promise<void> {
    if (!this.isOpen || this.#call.write(response)) return;
    // once() rejects when the signal aborts: the call is gone, the caller sees `isOpen` false.
    await once(this.#call, 'drain', { signal: this.#closed.signal }).catch(() => undefined);
  }

  /** Ends the call with status OK once everything written so far is sent. */
  end(): void {
    if (this.isOpen) this.#call.end();
  }

  /** Ends the call with an error status (and its trailers) after what was already written. */
  fail(error: ServerErrorResponse): void {
    if (this.isOpen) this.#call.emit('error', error);
  }
}
