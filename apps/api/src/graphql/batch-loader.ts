/** Loads values for many keys at once; the answer is aligned with `keys` (null where there is none). */
export type BatchLoad<Key, Value> = (keys: readonly Key[]) => Promise<readonly (Value | null)[]>;

interface Pending<Key, Value> {
  readonly key: Key;
  readonly resolve: (value: Value | null) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A DataLoader in a few lines: the keys asked for while one GraphQL execution wave runs are loaded
 * by one call to `load`, and each key once per loader. A loader lives for one request, so its
 * cache never serves another request (or another portal) anything.
 *
 * The batch waits for `setImmediate`, not a microtask: graphql-js and Nest resolve sibling fields
 * through several promise hops each, and every one of those hops finishes before an immediate runs.
 */
export class BatchLoader<Key, Value> {
  private readonly cache = new Map<string, Promise<Value | null>>();
  private queue: Pending<Key, Value>[] = [];

  constructor(
    private readonly batchLoad: BatchLoad<Key, Value>,
    /** Two keys with the same id are the same key. */
    private readonly idOf: (key: Key) => string,
    /** Bounds the size of one query (SQL parameters); a bigger wave becomes several batches. */
    private readonly maxBatchSize = 500,
  ) {}

  load(key: Key): Promise<Value | null> {
    const id = this.idOf(key);
    const cached = this.cache.get(id);
    if (cached) return cached;
    const loaded = new Promise<Value | null>((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.dispatch());
      this.queue.push({ key, resolve, reject });
    });
    // A failed key is forgotten, so a later load in the same request may try again.
    loaded.catch(() => this.cache.delete(id));
    this.cache.set(id, loaded);
    return loaded;
  }

  private dispatch(): void {
    const queue = this.queue;
    this.queue = [];
    for (let start = 0; start < queue.length; start += this.maxBatchSize) {
      void this.run(queue.slice(start, start + this.maxBatchSize));
    }
  }

  private async run(batch: readonly Pending<Key, Value>[]): Promise<void> {
    try {
      const values = await this.batchLoad(batch.map((pending) => pending.key));
      if (values.length !== batch.length)
        throw new Error(`A batch load answered ${values.length} values for ${batch.length} keys`);
      batch.forEach((pending, index) => pending.resolve(values[index] ?? null));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}
