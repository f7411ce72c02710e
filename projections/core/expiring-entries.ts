/**
 * What a process remembers for a while to spare a read store work: at most `maxEntries` values,
 * each for `ttlMs` after it was set; past the bound, the value set first is forgotten. An expired
 * value is forgotten when asked for.
 */
export class ExpiringEntries<V> {
  /** In the order they were set. */
  private readonly entries = new Map<string, { readonly value: V; readonly expires: number }>();

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    if (this.maxEntries <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      const first = this.entries.keys().next();
      if (!first.done) this.entries.delete(first.value);
    }
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
