import { setFlagsFromString } from 'node:v8';

/**
 * The V8 flag that fixes the heap's growing factor at 1 + percent/100; null for 0 (V8's own
 * heuristics). V8 reads it each time it sets the next collection's limit
 * (v8/src/heap/heap-controller.cc, `MemoryController<Trait>::GrowingFactor`), so it takes
 * effect when set while the process runs, not only on the command line.
 */
export function heapGrowthFlag(percent: number): string | null {
  if (!Number.isInteger(percent) || percent < 0)
    throw new RangeError(`heap growth must be a whole percent (got ${percent})`);
  return percent === 0 ? null : `--heap-growing-percent=${percent}`;
}

/** Once per process, before the service starts: the API's heap grows at most `percent` past what it keeps. */
export function limitHeapGrowth(percent: number): void {
  const flag = heapGrowthFlag(percent);
  if (flag) setFlagsFromString(flag);
}
