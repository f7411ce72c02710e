import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHelpdeskWith } from '../cli.test-world.js';

const PASSWORD = 'cli-start-up-secret';

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('helpdesk commands against stores that do not answer', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'helpdesk-cli-stores-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('replay on a closed EVENTSTORE_URL: one attempt line per retry, then one line naming it and the host, exit 1', async () => {
    const port = await closedPort();
    const run = await runHelpdeskWith(
      {
        DATA_DIR: dataDir,
        EVENTSTORE_URL: `esdb://admin:${PASSWORD}@127.0.0.1:${port}?tls=false`,
        STARTUP_RETRY_SECONDS: '1',
      },
      'replay',
      'conversation',
      'c-1',
    );
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^helpdesk replay: event store EventStoreDB esdb:\/\/\*\*\*@127\.0\.0\.1:\d+/);
    expect(lines.at(-1)).toMatch(
      new RegExp(`^helpdesk replay: Cannot reach EVENTSTORE_URL \\(127\\.0\\.0\\.1:${port}\\) after \\d+ attempts`),
    );
    expect(lines.slice(1, -1).length).toBeGreaterThanOrEqual(1);
    for (const line of lines.slice(1, -1))
      expect(line).toMatch(/^helpdesk replay: Start-up attempt \d+ failed: EVENTSTORE_URL/);
    expect(run.stderr).not.toContain(PASSWORD);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);

  it('export on a closed EVENTSTORE_URL with STARTUP_RETRY_SECONDS=0: one attempt, one line, exit 1', async () => {
    const port = await closedPort();
    const run = await runHelpdeskWith(
      { DATA_DIR: dataDir, EVENTSTORE_URL: `esdb://127.0.0.1:${port}?tls=false`, STARTUP_RETRY_SECONDS: '0' },
      'export',
      'conversation',
      'c-1',
      '--out',
      join(dataDir, 'out.ndjson'),
    );
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^helpdesk export: Cannot reach EVENTSTORE_URL \\(127\\.0\\.0\\.1:${port}\\) after 1 attempt: `),
    );
    expect(run.stderr).not.toMatch(/Start-up attempt/);
  }, 120_000);
});
