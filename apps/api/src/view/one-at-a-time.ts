import { setImmediate } from 'node:timers/promises';

/**
 * Runs one request's tasks one after another, each after a turn of the event loop. Yielding in
 * each task is not enough: GraphQL starts every view's count at once, so every yield would end in
 * the same turn and the counts (synchronous underneath on SQLite) would still run back to back.
 * Chained, each count runs in a turn of its own, and health checks, webhooks and other requests
 * are served between them.
 */
export function oneAtATime(): <T>(task: () => Promise<T>) => Promise<T> {
  let previous: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = previous.then(() => setImmediate()).then(task);
    previous = run.catch(() => undefined);
    return run;
  };
}
