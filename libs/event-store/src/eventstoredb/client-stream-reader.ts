/**
 * The part of a Node Readable we use. Structural on purpose: the client is typed against its own
 * copy of @types/node, so its streams are not assignable to our `Readable`.
 */
export interface ClientObjectStream {
  read(): unknown;
  readonly readableLength: number;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * Pulls items one at a time from one of the client's object streams (a read or a subscription).
 *
 * Why not `for await` over the stream: the client reports failures by emitting 'error' without
 * destroying the stream, so an error emitted before the iterator attaches its listeners would be
 * lost and the iteration would hang. Listening from construction avoids that, and counting items lets
 * a subscription slot its own messages (checkpoints, caught-up) at their exact place in the sequence.
 *
 * Items are only taken when the caller asks, so an unread stream fills its buffer and the client stops
 * reading from gRPC: backpressure reaches the server.
 */
export class ClientStreamReader<Item> {
  private failure: { readonly error: unknown } | undefined;
  private ended = false;
  private takenCount = 0;
  private wakeWaiter: (() => void) | undefined;

  constructor(private readonly stream: ClientObjectStream) {
    stream.on('readable', this.wake);
    stream.on('error', (error) => this.fail(error));
    stream.on('end', () => {
      this.ended = true;
      this.wake();
    });
    stream.on('close', () => {
      // A close without end or error means the stream was torn down under us: don't pretend it completed.
      if (!this.ended) this.fail(new Error('The EventStoreDB client closed the stream before it ended'));
    });
  }

  /** Items taken plus items waiting in the buffer: the ordinal the client's next item will get. */
  get producedCount(): number {
    return this.takenCount + this.stream.readableLength;
  }

  get takenSoFar(): number {
    return this.takenCount;
  }

  /** Set once the stream failed; read it only after draining the buffer, so no delivered item is lost. */
  get failed(): { readonly error: unknown } | undefined {
    return this.failure;
  }

  get hasEnded(): boolean {
    return this.ended;
  }

  /** The next buffered item without waiting, or `undefined` when the buffer is empty. */
  takeBuffered(): Item | undefined {
    const item = this.stream.read() as Item | null;
    if (item === null) return undefined;
    this.takenCount += 1;
    return item;
  }

  /** The next item, `undefined` once the stream has ended; throws the stream's error. */
  async next(): Promise<Item | undefined> {
    for (;;) {
      const item = this.takeBuffered();
      if (item !== undefined) return item;
      if (this.failure) throw this.failure.error;
      if (this.ended) return undefined;
      await this.waitForActivity();
    }
  }

  /** Resolves at the next sign of life: an item, the end, an error, or `wake()`. */
  waitForActivity(): Promise<void> {
    return new Promise((resolve) => {
      this.wakeWaiter = resolve;
    });
  }

  /** Makes the reader fail from outside (e.g. the store is closing); the first failure wins. */
  fail(error: unknown): void {
    if (!this.failure) this.failure = { error };
    this.wake();
  }

  readonly wake = (): void => {
    const waiter = this.wakeWaiter;
    this.wakeWaiter = undefined;
    waiter?.();
  };
}
