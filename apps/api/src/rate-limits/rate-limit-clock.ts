import { performance } from 'node:perf_hooks';

/** The limiter's own monotonic milliseconds: the app's Clock is wall time (and frozen in tests). */
export const RATE_LIMIT_NOW = Symbol('RATE_LIMIT_NOW');

export const monotonicNow = (): number => performance.now();
