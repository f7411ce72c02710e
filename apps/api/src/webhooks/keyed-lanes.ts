/**
 * Runs up to `limit` tasks at once; tasks sharing a key run strictly one after another, in the
 * order they were given. The inbox processor keys payloads by contact, so one conversation's
 * messages and statuses keep Meta's order while different conversations share group commits.
 */
export class KeyedLanes {
  private readonly tails = new Map<string, Promise<void>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Resolves once another task may start. */
  async slot(): Promise<void> {
    while (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  run(keys: readonly string[], task: () => Promise<void>): Promise<void> {
    const before = keys.flatMap((key) => this.tails.get(key) ?? []);
    this.running++;
    const done = Promise.all(before)
      .then(task)
      .finally(() => {
        this.running--;
        this.waiting.shift()?.();
      });
    const tail = done.catch(() => undefined);
    keys.forEach((key) => this.tails.set(key, tail));
    void tail.then(() => keys.forEach((key) => this.tails.get(key) === tail && this.tails.delete(key)));
    return done;
  }
}
