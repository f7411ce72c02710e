import { runWithOneRetry } from './retry-scenario.js';
import type { ScenarioResult } from './scenario.js';

const measured = (id: string): ScenarioResult => ({
  id,
  title: `Scenario ${id}`,
  markdown: 'a table',
  metrics: { rate: 1 },
});

/** A scenario that throws its errors in turn, then measures. */
function scenario(id: string, errors: string[]): { run: () => Promise<ScenarioResult>; attempts: () => number } {
  let attempts = 0;
  return {
    run: async () => {
      const error = errors[attempts++];
      if (error) throw new Error(`${error}\n    at the stack nobody reads`);
      return measured(id);
    },
    attempts: () => attempts,
  };
}

describe('A benchmark scenario that fails', () => {
  const log: string[] = [];
  const record = (text: string) => void log.push(text);

  it('is retried once, and when it fails again its section says why, with no figures', async () => {
    const peers = scenario('peers', ['SQLITE_BUSY: cannot commit transaction', 'SQLITE_BUSY: again']);
    const result = await runWithOneRetry('peers', 'Side by side', peers.run, record);
    expect(peers.attempts()).toBe(2);
    expect(result).toEqual({
      id: 'peers',
      title: 'Side by side',
      markdown: expect.stringContaining('failed twice') as unknown as string,
      metrics: {},
    });
    expect(result.markdown).toContain('- First attempt: SQLITE_BUSY: cannot commit transaction');
    expect(result.markdown).toContain('- Second attempt: SQLITE_BUSY: again');
    expect(result.markdown).not.toContain('the stack nobody reads');
  });

  it('keeps its figures from the second attempt when only the first failed, and says so', async () => {
    const lag = scenario('lag', ['timed out']);
    let cleaned = 0;
    const result = await runWithOneRetry('lag', 'Lag', lag.run, record, { beforeRetry: () => void cleaned++ });
    expect([lag.attempts(), cleaned]).toEqual([2, 1]);
    expect(result.metrics).toEqual({ rate: 1 });
    expect(result.markdown).toBe(
      'a table\n- In this run the first attempt failed (timed out); these figures are from the second, run from scratch.',
    );
  });

  it('is not retried when a retry could not start over, and says so', async () => {
    const amplify = scenario('amplify', ['disk full', 'never reached']);
    const result = await runWithOneRetry('amplify', 'Set-up', amplify.run, record, {
      notRetried: 'it changes data in place',
    });
    expect(amplify.attempts()).toBe(1);
    expect(result.markdown).toContain('not retried: it changes data in place');
    expect(result.markdown).toContain('disk full');
  });

  it('runs a scenario that succeeds once, untouched, and lets the scenarios after a failed one run', async () => {
    const order = [scenario('a', []), scenario('b', ['x', 'y']), scenario('c', [])];
    const results: ScenarioResult[] = [];
    for (const [index, each] of order.entries())
      results.push(await runWithOneRetry(String(index), 'title', each.run, record));
    expect(order.map((each) => each.attempts())).toEqual([1, 2, 1]);
    expect(results[0]).toEqual(measured('a'));
    expect(results[2]).toEqual(measured('c'));
    expect(results[1].metrics).toEqual({});
  });
});
