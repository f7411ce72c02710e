import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * How long `work` held this process's event loop, net of the machine's own noise: the longest
 * loop delay while it ran, minus the longest delay of an idle window of `idleWindowMs` measured
 * just before. On a loaded machine the OS leaves the process unscheduled for hundreds of ms now
 * and then (298 and 346 ms were seen with two test suites on 2 cores); that shows in the idle
 * window too, while a request that holds the loop shows only in its own.
 */
export async function measureLoopHold<T>(
  work: () => Promise<T>,
  idleWindowMs: number,
): Promise<{ result: T; holdMs: number; elapsedMs: number }> {
  const idle = monitorEventLoopDelay({ resolution: 5 });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, idleWindowMs));
  idle.disable();
  const busy = monitorEventLoopDelay({ resolution: 5 });
  busy.enable();
  const started = performance.now();
  const result = await work();
  // One more turn of the loop, so a delay at the very end is recorded.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const elapsedMs = performance.now() - started;
  busy.disable();
  return { result, holdMs: Math.max(0, busy.max - idle.max) / 1e6, elapsedMs };
}
