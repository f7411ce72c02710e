/** At most `size` calls to Meta at once, whatever the number of conversations waiting. */
export class RequestSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.size) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiting call, so the count never overshoots.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
