/**
 * Start-up against stores that do not answer: the real API process (test/crash/api-server.child.cjs,
 * the TypeScript sources) is started with EVENTSTORE_URL or READ_STORE_URL on a closed port. It
 * names the variable and the host (never the password), retries with one line per attempt for
 * STARTUP_RETRY_SECONDS, then exits 1 with one line and no stack trace; a store that comes up
 * within the window is used. Attempts are counted in the output, never timed.
 */
import { jest } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startInProcessEventStoreDB } from '../esdb-server/index.js';

const API = fileURLToPath(new URL('../crash/api-server.child.cjs', import.meta.url));
const PASSWORD = 'hunter2-start-up-secret';
const STACK_LINE = /^\s+at /m;
const ATTEMPT_LINE = /^Start-up attempt \d+ failed: /gm;

jest.setTimeout(240_000);

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'helpdesk-startup-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Run {
  readonly child: ChildProcess;
  stderr: string;
  readonly exited: Promise<number | null>;
}

function startApi(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [API], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      // Start-up is what is tested; from the sources a child projector would need the require hook.
      PROJECTIONS: 'in-process',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const run: Run = {
    child,
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stderr!.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  return run;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, run: Run): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr: ${run.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function attempts(stderr: string): number {
  return stderr.match(ATTEMPT_LINE)?.length ?? 0;
}

function expectOneClearFailure(stderr: string, variable: string, target: string): void {
  const host = target.replace(/[.[\]]/g, '\\$&');
  const lines = stderr.trim().split('\n');
  const last = lines.at(-1)!;
  expect(last).toMatch(new RegExp(`^Failed to start: Cannot reach ${variable} \\(${host}\\) after \\d+ attempts`));
  expect(stderr).not.toContain(PASSWORD);
  expect(stderr).not.toMatch(STACK_LINE);
  // Every line but the last is one failed attempt naming the variable and the host.
  for (const line of lines.slice(0, -1))
    expect(line).toMatch(new RegExp(`^Start-up attempt \\d+ failed: ${variable} \\(${host}\\)`));
}

describe('start-up against stores that do not answer', () => {
  it('READ_STORE_URL on a closed port: retries, names it and the host without the password, exits 1', async () => {
    const port = await closedPort();
    const run = startApi({
      READ_STORE_URL: `postgres://helpdesk:${PASSWORD}@127.0.0.1:${port}/helpdesk`,
      STARTUP_RETRY_SECONDS: '2',
    });
    expect(await run.exited).toBe(1);
    expectOneClearFailure(run.stderr, 'READ_STORE_URL', `127.0.0.1:${port}`);
    expect(attempts(run.stderr)).toBeGreaterThanOrEqual(2);
  });

  it('EVENTSTORE_URL on a closed port: the same', async () => {
    const port = await closedPort();
    const run = startApi({
      EVENTSTORE_URL: `esdb://admin:${PASSWORD}@127.0.0.1:${port}?tls=false`,
      STARTUP_RETRY_SECONDS: '2',
    });
    expect(await run.exited).toBe(1);
    expectOneClearFailure(run.stderr, 'EVENTSTORE_URL', `127.0.0.1:${port}`);
    expect(attempts(run.stderr)).toBeGreaterThanOrEqual(2);
  });

  it('STARTUP_RETRY_SECONDS=0 fails at the first attempt', async () => {
    const port = await closedPort();
    const run = startApi({ EVENTSTORE_URL: `esdb://127.0.0.1:${port}?tls=false`, STARTUP_RETRY_SECONDS: '0' });
    expect(await run.exited).toBe(1);
    expect(attempts(run.stderr)).toBe(0);
    expect(run.stderr.trim()).toMatch(
      /^Failed to start: Cannot reach EVENTSTORE_URL \(127\.0\.0\.1:\d+\) after 1 attempt: /,
    );
  });

  it('a malformed URL is a configuration error: no attempt, no password', async () => {
    const run = startApi({
      READ_STORE_URL: `postgres://helpdesk:${PASSWORD}@127.0.0.1:notaport/helpdesk`,
      STARTUP_RETRY_SECONDS: '60',
    });
    expect(await run.exited).toBe(1);
    expect(run.stderr).toMatch(/Invalid configuration:\n {2}- READ_STORE_URL must be a postgres:\/\//);
    expect(attempts(run.stderr)).toBe(0);
    expect(run.stderr).not.toContain(PASSWORD);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  it('an EventStoreDB that comes up within the window is used', async () => {
    const port = await closedPort();
    const apiPort = await closedPort();
    const run = startApi({
      EVENTSTORE_URL: `esdb://127.0.0.1:${port}?tls=false`,
      STARTUP_RETRY_SECONDS: '600',
      PORT: String(apiPort),
    });
    const server = await (async () => {
      await until(() => attempts(run.stderr) >= 1 || run.child.exitCode !== null, 'a failed attempt', run);
      return startInProcessEventStoreDB({ port });
    })();
    try {
      const healthy = async () => {
        if (run.child.exitCode !== null) throw new Error(`the API exited: ${run.stderr}`);
        const response = await fetch(`http://127.0.0.1:${apiPort}/health`).catch(() => undefined);
        return response?.status === 200;
      };
      await until(healthy, 'the API to answer /health', run);
      expect(run.stderr).not.toContain('Failed to start');
      expect(attempts(run.stderr)).toBeGreaterThanOrEqual(1);
    } finally {
      run.child.kill('SIGKILL');
      await run.exited;
      await server.shutdown();
    }
  });

  const postgresUrl = process.env.READ_STORE_TEST_URL;
  (postgresUrl ? it : it.skip)(
    'a real PostgreSQL refusing the login: the password never printed (READ_STORE_TEST_URL)',
    async () => {
      const url = new URL(postgresUrl!);
      // A role that does not exist: refused even where the server trusts local connections.
      url.username = 'helpdesk_no_such_role';
      url.password = PASSWORD;
      const run = startApi({ READ_STORE_URL: url.toString(), STARTUP_RETRY_SECONDS: '1' });
      expect(await run.exited).toBe(1);
      expectOneClearFailure(run.stderr, 'READ_STORE_URL', `${url.hostname}:${url.port || '5432'}`);
    },
  );
});
