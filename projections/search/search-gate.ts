/** Too many expensive searches are running or waiting in this process: the caller should retry later. */
export class SearchBusyError extends Error {
  constructor() {
    super('Too many searches at once; try again in a moment');
    this.name = 'SearchBusyError';
  }
}

/**
 * A per-process limit on expensive searches (those that scan): at most `running` at once, at most
 * `waiting` more queued behind them in arrival order; past that, `admit` refuses with
 * SearchBusyError at once, so a burst of broad searches costs a bounded amount of work and memory.
 */
export class SearchGate {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    readonly running: number,
    readonly waiting: number,
  ) {}

  /** Resolves, once the search may run, to the function that ends its turn (call it exactly once). */
  async admit(): Promise<() => void> {
    if (this.active < this.running) this.active++;
    else if (this.queue.length < this.waiting) await new Promise<void>((resolve) => this.queue.push(resolve));
    else throw new SearchBusyError();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      // The turn passes to the next in line: `active` stays as it is.
      if (next) next();
      else this.active--;
    };
  }

  /** Searches running and waiting: for tests and diagnostics. */
  get load(): { readonly running: number; readonly waiting: number } {
    return { running: this.active, waiting: this.queue.length };
  }
}
