import { loadConfig } from './load-config.js';
import {
  DEFAULT_STARTUP_RETRY_SECONDS,
  type StoreProbe,
  StoresUnreachableError,
  waitForStores,
} from './startup-retry.js';
import { eventStoreHosts, readStoreHost, redactedDetail } from './store-urls.js';

/** A clock that only moves when the retry loop sleeps: attempts are counted, nothing is timed. */
function fakeTime() {
  let now = 0;
  const pauses: number[] = [];
  return {
    pauses,
    now: () => now,
    sleep: async (ms: number) => {
      pauses.push(ms);
      now += ms;
    },
  };
}

function probe(variable: string, answers: boolean[]): StoreProbe & { asked: number } {
  const result = {
    variable,
    target: 'db.internal:5432',
    asked: 0,
    async check() {
      const healthy = answers[Math.min(result.asked, answers.length - 1)];
      result.asked++;
      return healthy ? { healthy } : { healthy, detail: 'connect ECONNREFUSED' };
    },
  };
  return result;
}

describe('waitForStores', () => {
  it('backs off exponentially up to 10 s, one line per failed attempt, then fails naming the variable and host', async () => {
    const time = fakeTime();
    const lines: string[] = [];
    const store = probe('READ_STORE_URL', [false]);
    const failure = await waitForStores([store], { retrySeconds: 30, log: (line) => lines.push(line), ...time }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StoresUnreachableError);
    expect(time.pauses).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 4500]);
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe(
      'Start-up attempt 1 failed: READ_STORE_URL (db.internal:5432): connect ECONNREFUSED; retrying in 0.5 s',
    );
    expect((failure as StoresUnreachableError).attempts).toBe(8);
    expect((failure as Error).message).toBe(
      'Cannot reach READ_STORE_URL (db.internal:5432) after 8 attempts in 30 s (STARTUP_RETRY_SECONDS): connect ECONNREFUSED',
    );
  });

  it('0 seconds: one attempt, no retry', async () => {
    const time = fakeTime();
    const store = probe('EVENTSTORE_URL', [false]);
    await expect(waitForStores([store], { retrySeconds: 0, log: () => undefined, ...time })).rejects.toThrow(
      /^Cannot reach EVENTSTORE_URL \(db.internal:5432\) after 1 attempt: /,
    );
    expect(store.asked).toBe(1);
  });

  it('returns once every store has answered, asking a store that answered no more', async () => {
    const time = fakeTime();
    const events = probe('EVENTSTORE_URL', [true]);
    const reads = probe('READ_STORE_URL', [false, false, true]);
    await waitForStores([events, reads], { retrySeconds: 60, log: () => undefined, ...time });
    expect([events.asked, reads.asked]).toEqual([1, 3]);
  });

  it('a probe that throws counts as a failed attempt', async () => {
    const time = fakeTime();
    const throwing: StoreProbe = {
      variable: 'READ_STORE_URL',
      target: 'x:1',
      check: () => Promise.reject(new Error('boom')),
    };
    await expect(waitForStores([throwing], { retrySeconds: 0, log: () => undefined, ...time })).rejects.toThrow(
      /: boom$/,
    );
  });
});

describe('STARTUP_RETRY_SECONDS', () => {
  const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/helpdesk-config-test' };
  it('defaults to a minute and takes 0', () => {
    expect(loadConfig(base).startupRetrySeconds).toBe(DEFAULT_STARTUP_RETRY_SECONDS);
    expect(loadConfig({ ...base, STARTUP_RETRY_SECONDS: '0' }).startupRetrySeconds).toBe(0);
  });
  it.each(['-1', 'soon', '3601', '1e3'])('refuses %s', (value) => {
    expect(() => loadConfig({ ...base, STARTUP_RETRY_SECONDS: value })).toThrow(/STARTUP_RETRY_SECONDS must be/);
  });
});

describe('store URLs', () => {
  it('names the hosts, never the credentials', () => {
    expect(eventStoreHosts('esdb://admin:changeit@node1:2113,node2:2113?tls=false')).toBe('node1:2113,node2:2113');
    expect(eventStoreHosts('esdb+discover://cluster.internal:2113/?tls=true')).toBe('cluster.internal:2113');
    expect(readStoreHost('postgres://user:pw@db.internal:6543/helpdesk')).toBe('db.internal:6543');
    expect(readStoreHost('postgresql://db.internal/helpdesk')).toBe('db.internal:5432');
    expect(readStoreHost('postgres:///helpdesk?host=/var/run/postgresql')).toBe('/var/run/postgresql');
  });
  it.each(['esdb://host:notaport?tls=false', 'esdb://a,,b', 'esdb://', 'http://host:2113'])(
    'refuses the event store URL %s',
    (url) => expect(eventStoreHosts(url)).toBeNull(),
  );
  it.each(['postgres://u:p@host:notaport/db', 'mysql://host/db', 'postgres://[::1/db'])(
    'refuses the read store URL %s',
    (url) => expect(readStoreHost(url)).toBeNull(),
  );
  it('masks a password a driver echoed, raw or URL-encoded, and keeps the message on one line', () => {
    const url = 'postgres://u:p%40ss word@host/db?password=other';
    expect(redactedDetail('auth failed for p@ss word\nand other', url)).toBe('auth failed for *** and ***');
  });
});
