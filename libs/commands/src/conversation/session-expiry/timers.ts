/** The timer source of the expiry service: Node's timers in the app, a hand-driven one in tests. */
export interface Timers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SESSION_EXPIRY_TIMERS = Symbol('SESSION_EXPIRY_TIMERS');

/** Node refuses longer delays (they fire at once); waking up early only re-checks and sleeps again. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export const systemTimers: Timers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, Math.min(delayMs, MAX_TIMER_DELAY_MS)).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
