import type { ScenarioResult } from './scenario.js';

/** The first line of what a scenario threw (its process sends the whole stack). */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim() || 'no message';
}

export interface RetryPolicy {
  /** Puts back what the failed attempt left half done (e.g. empties its directory), so the retry starts from scratch. */
  readonly beforeRetry?: () => void | Promise<void>;
  /** Why this scenario is not retried: it changes data a retry could not start over from. */
  readonly notRetried?: string;
}

/**
 * A scenario that fails is run once more, from scratch: on a loaded machine a peer or a timeout can
 * fail once for reasons of its own. If it fails again, its section says why in place of its figures,
 * and this never throws, so the scenarios after it still run.
 */
export async function runWithOneRetry(
  id: string,
  title: string,
  run: () => Promise<ScenarioResult>,
  log: (text: string) => void,
  policy: RetryPolicy = {},
): Promise<ScenarioResult> {
  let first: string;
  try {
    return await run();
  } catch (error) {
    first = reason(error);
  }
  if (policy.notRetried !== undefined) {
    log(`${id} FAILED (not retried: ${policy.notRetried}): ${first}`);
    return {
      id,
      title,
      markdown: `**Not measured in this run: the scenario failed** (not retried: ${policy.notRetried}).\n\n- ${first}`,
      metrics: {},
    };
  }
  log(`${id} failed (${first}); running it once more`);
  try {
    await policy.beforeRetry?.();
    const result = await run();
    const note = `- In this run the first attempt failed (${first}); these figures are from the second, run from scratch.`;
    return { ...result, markdown: `${result.markdown}\n${note}` };
  } catch (error) {
    const second = reason(error);
    log(`${id} FAILED twice: ${second}`);
    return {
      id,
      title,
      markdown: [
        '**Not measured in this run: the scenario failed twice** (each attempt in a fresh process, from scratch).',
        '',
        `- First attempt: ${first}`,
        `- Second attempt: ${second}`,
      ].join('\n'),
      metrics: {},
    };
  }
}
