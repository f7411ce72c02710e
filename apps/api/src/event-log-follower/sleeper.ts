import type { Timers } from '@helpdesk/commands/conversation/session-expiry/timers.js';

/** Waits on the injected timers; every wait ends early (false) once the follower stops. */
export class Sleeper {
  private readonly cancels = new Set<() => void>();
  private stopped = false;

  constructor(private readonly timers: Timers) {}

  sleep(ms: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      let handle: unknown;
      const finish = (woke: boolean) => {
        this.cancels.delete(cancel);
        resolve(woke);
      };
      const cancel = () => {
        this.timers.clearTimeout(handle);
        finish(false);
      };
      this.cancels.add(cancel);
      handle = this.timers.setTimeout(() => finish(true), Math.max(0, ms));
    });
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of [...this.cancels]) cancel();
  }

  resume(): void {
    this.stopped = false;
  }
}
