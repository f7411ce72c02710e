/**
 * An immutable map whose `set` costs O(1) when called on the newest version, which is what a fold
 * does: `evolve` can add a message per event without copying the map (a copy per event made a
 * conversation's fold quadratic). Every version ever handed out keeps its contents: all versions
 * share one log of values per key, each tagged with the version that wrote it, and a read looks up
 * the newest value not after its own version. Setting on an older version (two commands deciding
 * from the same state) copies what that version sees into a log of its own. `delete` writes a
 * tombstone: a key set again after it keeps its first place in the iteration order (a `Map` would
 * move it to the end).
 */
export class AppendOnlyMap<K, V> implements ReadonlyMap<K, V> {
  private constructor(
    private readonly log: VersionLog<K, V>,
    private readonly version: number,
    readonly size: number,
  ) {}

  static empty<K, V>(): AppendOnlyMap<K, V> {
    return new AppendOnlyMap<K, V>({ history: new Map(), newest: 0 }, 0, 0);
  }

  set(key: K, value: V): AppendOnlyMap<K, V> {
    return this.write(key, { value }, this.has(key) ? this.size : this.size + 1);
  }

  /** This map without `key`; the very same version when the key is absent. */
  delete(key: K): AppendOnlyMap<K, V> {
    return this.has(key) ? this.write(key, { deleted: true }, this.size - 1) : this;
  }

  get(key: K): V | undefined {
    return this.present(key)?.value as V | undefined;
  }

  has(key: K): boolean {
    return this.present(key) !== undefined;
  }

  /** In the order the keys were first set, as a `Map` iterates. */
  *entries(): MapIterator<[K, V]> {
    for (const [key, writes] of this.log.history) {
      const write = this.visible(writes);
      if (write && !write.deleted) yield [key, write.value as V];
    }
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  private write(key: K, change: Pick<Write<V>, 'value' | 'deleted'>, size: number): AppendOnlyMap<K, V> {
    const log = this.version === this.log.newest ? this.log : this.copyOfVisible();
    const version = ++log.newest;
    const writes = log.history.get(key);
    if (writes) writes.push({ version, ...change });
    else log.history.set(key, [{ version, ...change }]);
    return new AppendOnlyMap(log, version, size);
  }

  private present(key: K): Write<V> | undefined {
    const writes = this.log.history.get(key);
    const write = writes && this.visible(writes);
    return write && !write.deleted ? write : undefined;
  }

  /** The newest write not after this version; writes are in version order. */
  private visible(writes: readonly Write<V>[]): Write<V> | undefined {
    const last = writes[writes.length - 1];
    if (last.version <= this.version) return last;
    let low = 0;
    let high = writes.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (writes[middle].version <= this.version) low = middle + 1;
      else high = middle;
    }
    return low > 0 ? writes[low - 1] : undefined;
  }

  private copyOfVisible(): VersionLog<K, V> {
    const history = new Map<K, Write<V>[]>();
    for (const [key, value] of this.entries()) history.set(key, [{ version: this.version, value }]);
    return { history, newest: this.version };
  }
}

interface Write<V> {
  readonly version: number;
  readonly value?: V;
  /** A tombstone: the key is absent from this version on. */
  readonly deleted?: true;
}

interface VersionLog<K, V> {
  readonly history: Map<K, Write<V>[]>;
  newest: number;
}
