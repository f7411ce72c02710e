type Environment = Readonly<Record<string, string | undefined>>;

/**
 * STARTUP_RETRY_SECONDS: how long a starting process waits for EVENTSTORE_URL and READ_STORE_URL
 * to answer. A minute covers a compose stack whose database starts at the same time; 0 fails at once.
 */
export const DEFAULT_STARTUP_RETRY_SECONDS = 60;
/** An hour: past that an orchestrator's own restart policy is the better judge. */
export const MAX_STARTUP_RETRY_SECONDS = 3600;
/** The first pause between attempts; each next one doubles, up to STARTUP_RETRY_MAX_DELAY_MS. */
export const STARTUP_RETRY_FIRST_DELAY_MS = 500;
export const STARTUP_RETRY_MAX_DELAY_MS = 10_000;

export function startupRetrySecondsFrom(env: Environment, problems: string[]): number {
  const name = 'STARTUP_RETRY_SECONDS';
  const value = env[name]?.trim();
  if (!value) return DEFAULT_STARTUP_RETRY_SECONDS;
  const seconds = Number(value);
  if (/^\d+(\.\d+)?$/.test(value) && seconds <= MAX_STARTUP_RETRY_SECONDS) return seconds;
  problems.push(`${name} must be a number of seconds from 0 to ${MAX_STARTUP_RETRY_SECONDS} (got '${value}')`);
  return DEFAULT_STARTUP_RETRY_SECONDS;
}

/** One store start-up waits for: the variable that configures it and where it points (never the password). */
export interface StoreProbe {
  readonly variable: string;
  readonly target: string;
  /** Whether the store answers now; `detail` says why not (already free of credentials). */
  check(): Promise<{ readonly healthy: boolean; readonly detail?: string }>;
}

export interface StartupRetryOptions {
  readonly retrySeconds: number;
  /** One line per failed attempt. */
  readonly log: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** The stores did not answer within STARTUP_RETRY_SECONDS: `message` is the one line to print before exit 1. */
export class StoresUnreachableError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'StoresUnreachableError';
  }
}

/**
 * Asks every probe until each has answered once, pausing 0.5 s, 1 s, 2 s... (at most 10 s)
 * between attempts, for at most `retrySeconds`; a store that answered is not asked again.
 * Throws StoresUnreachableError naming what still did not answer.
 */
export async function waitForStores(probes: readonly StoreProbe[], options: StartupRetryOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + options.retrySeconds * 1000;
  let waiting = [...probes];
  let delayMs = STARTUP_RETRY_FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    const results = await Promise.all(waiting.map(async (probe) => ({ probe, ...(await safeCheck(probe)) })));
    const failed = results.filter((result) => !result.healthy);
    if (failed.length === 0) return;
    waiting = failed.map((result) => result.probe);
    const what = failed.map(({ probe, detail }) => `${probe.variable} (${probe.target}): ${detail}`).join('; ');
    const left = deadline - now();
    if (left <= 0) {
      const names = failed.map(({ probe }) => `${probe.variable} (${probe.target})`).join(' and ');
      throw new StoresUnreachableError(
        `Cannot reach ${names} after ${attempt} attempt${attempt === 1 ? '' : 's'}` +
          (options.retrySeconds > 0 ? ` in ${options.retrySeconds} s (STARTUP_RETRY_SECONDS)` : '') +
          `: ${failed.map(({ detail }) => detail).join('; ')}`,
        attempt,
      );
    }
    const pause = Math.min(delayMs, left);
    options.log(`Start-up attempt ${attempt} failed: ${what}; retrying in ${formatSeconds(pause)}`);
    await sleep(pause);
    delayMs = Math.min(delayMs * 2, STARTUP_RETRY_MAX_DELAY_MS);
  }
}

async function safeCheck(probe: StoreProbe): Promise<{ healthy: boolean; detail: string }> {
  try {
    const { healthy, detail } = await probe.check();
    return { healthy, detail: detail ?? 'unhealthy' };
  } catch (error) {
    return { healthy: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
