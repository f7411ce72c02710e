/**
 * PROJECTIONS=child-process, as `npm start` can run it: the real API process (from the TypeScript
 * sources, under the crash tests' require hook, which its projector child inherits) starts the
 * projector as its child; the read models follow events another process appends; a projector
 * killed with SIGKILL is started again and goes on; an API killed with SIGKILL leaves no projector
 * behind. Everything is observed (process table, GraphQL), nothing is timed.
 */
import { jest } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../../apps/cli/src/commands.js';
import { runCli } from '../../apps/cli/src/run-cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REGISTER_TS = join(ROOT, 'test/crash/register-ts.cjs');
const API_MAIN = join(ROOT, 'apps/api/src/main.ts');

jest.setTimeout(300_000);

let dataDir: string;
let api: ChildProcess | undefined;
let output = '';
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'helpdesk-child-projector-'));
  output = '';
});
afterEach(() => {
  api?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const env = (port: number) => ({
  ...process.env,
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  PORT: String(port),
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  PROJECTIONS: 'child-process',
});

/** The helpdesk CLI in this test's process: another process than the API's, as an operator's would be. */
async function cli(port: number, ...argv: string[]): Promise<string> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (text: string) => (stdout += text), stderr: (text: string) => (stderr += text), env: env(port) };
  const code = await runCli(argv, io, COMMANDS);
  if (code !== 0) throw new Error(`helpdesk ${argv.join(' ')} exited ${code}: ${stderr}`);
  return stdout.trim();
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; API output: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The process's children, from Linux's process table. */
function childrenOf(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

async function projector(apiPid: number, not?: number): Promise<number> {
  return until(() => {
    const found = childrenOf(apiPid).find((pid) => pid !== not && commandLine(pid).includes('apps/projector/src/main'));
    return found;
  }, 'the projector child process');
}

async function graphql(port: number, token: string, query: string): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

/** Every read model has applied the whole log, as the API reports it (lag against the head). */
async function caughtUp(port: number, token: string): Promise<void> {
  await until(async () => {
    const { projections } = (await graphql(port, token, '{ projections { name lagEvents position } }')) as {
      projections: { lagEvents: number; position: string | null }[];
    };
    return projections.every((projection) => projection.lagEvents === 0 && projection.position !== null)
      ? true
      : undefined;
  }, 'every read model to catch up');
}

it('the API runs the projector as its child, restarts it after SIGKILL, and takes it down when it dies', async () => {
  if (process.platform !== 'linux') return; // /proc: Linux only, as the machines it runs on
  const port = await freePort();
  // The hook comes through execArgv, so the API's projector child runs the sources too.
  api = spawn(process.execPath, ['--require', REGISTER_TS, '-e', `require(${JSON.stringify(API_MAIN)})`], {
    env: env(port),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  api.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  api.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const apiPid = api.pid!;
  await until(async () => {
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
    return response?.status === 200 ? true : undefined;
  }, 'the API to be ready');
  const first = await projector(apiPid);

  // Events appended by another process (the CLI) reach the read models through the child.
  await cli(port, 'seed-demo', '--out', join(dataDir, 'targets.json'));
  const token = await cli(port, 'mint-token', '--portal', 'demo', '--user', 'op', '--roles', 'agent,admin,operator');
  await caughtUp(port, token);

  const health = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
    return { status: response.status, body: (await response.json()) as { projector: Record<string, unknown> } };
  };
  const restarts = async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return /^projector_process_restarts (\d+)$/m.exec(metrics)?.[1];
  };
  expect((await health()).body.projector).toEqual({ mode: 'child-process', healthy: true, running: true, restarts: 0 });
  expect(await restarts()).toBe('0');

  // Killed: started again, and it applies what is written next (here through the API itself).
  process.kill(first, 'SIGKILL');
  const second = await projector(apiPid, first);
  expect(second).not.toBe(first);
  // Still ready (webhooks are taken without it), and it says what happened: it ran less than a minute ago.
  const afterKill = await health();
  expect(afterKill.status).toBe(200);
  expect(afterKill.body.projector).toMatchObject({ mode: 'child-process', healthy: false, restarts: 1 });
  expect(afterKill.body.projector.detail).toMatch(/ended on SIGKILL/);
  expect(await restarts()).toBe('1');
  await graphql(
    port,
    token,
    'mutation { changeReadReceiptsToContacts(input: { enabled: false }) { readReceiptsToContacts } }',
  );
  await caughtUp(port, token);
  expect(output).toContain('The projector process ended: starting it again');

  // The API killed with SIGKILL: its projector notices (its IPC channel closes) and ends.
  api.kill('SIGKILL');
  await until(() => (alive(second) ? undefined : true), 'the orphaned projector to end');
});
