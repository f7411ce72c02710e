/**
 * PROJECTIONS=child-process: the API keeps one projector process running. Real child processes
 * (a small stand-in script), real signals; only the restart delays are shortened.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProjectorChild } from './projector-child.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/fake-projector.mjs', import.meta.url));

let dir: string;
let report: string;
let child: ProjectorChild | undefined;
const logged: object[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'projector-child-'));
  report = join(dir, 'report');
  logged.length = 0;
});
afterEach(async () => {
  await child?.stop();
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function start(
  mode: string,
  options: { stopTimeoutMs?: number; restartDelaysMs?: number[]; healthyAfterMs?: number } = {},
): ProjectorChild {
  child = new ProjectorChild({
    script: SCRIPT,
    env: { ...process.env, FAKE_PROJECTOR: mode, FAKE_PROJECTOR_REPORT: report },
    log: { log: (fields) => logged.push(fields), error: (fields) => logged.push(fields) },
    restartDelaysMs: options.restartDelaysMs ?? [20, 40],
    ...options,
  });
  child.start();
  return child;
}

const lines = () => (existsSync(report) ? readFileSync(report, 'utf8').trim().split('\n') : []);

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 30_000) throw new Error(`timed out waiting for ${what}; report: ${lines().join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('starts the projector again when it is killed, and says so', async () => {
  const supervisor = start('run');
  await until(() => lines().length === 1, 'the first start');
  const first = supervisor.pid!;
  process.kill(first, 'SIGKILL');
  await until(() => lines().length === 2, 'the restart');
  expect(supervisor.restarts).toBe(1);
  expect(supervisor.pid).not.toBe(first);
  expect(lines()[1]).toBe(`started ${supervisor.pid}`);
  expect(logged).toContainEqual(expect.objectContaining({ signal: 'SIGKILL', restartInMs: 20 }));
});

it('waits longer after each crash in a row', async () => {
  const supervisor = start('crash');
  await until(() => supervisor.restarts >= 3, 'three restarts');
  const delays = logged.flatMap((fields) => ('restartInMs' in fields ? [fields.restartInMs] : []));
  expect(delays.slice(0, 3)).toEqual([20, 40, 40]);
  expect(logged).toContainEqual(expect.objectContaining({ code: 3 }));
});

it('stop lets the projector finish (SIGTERM), waits for it, and starts nothing again', async () => {
  const supervisor = start('run');
  await until(() => lines().length === 1, 'the start');
  const pid = supervisor.pid;
  await supervisor.stop();
  expect(lines()).toEqual([`started ${pid}`, `stopped ${pid}`]);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(supervisor.restarts).toBe(0);
  expect(lines()).toHaveLength(2);
});

it('stop kills a projector that does not end on SIGTERM', async () => {
  const supervisor = start('stubborn', { stopTimeoutMs: 300 });
  await until(() => lines().length === 1, 'the start');
  const pid = supervisor.pid!;
  await supervisor.stop();
  expect(lines()).toEqual([`started ${pid}`, `ignored SIGTERM ${pid}`]);
  expect(() => process.kill(pid, 0)).toThrow();
});

it('reports itself unhealthy while down and for a minute after an unexpected exit, then healthy', async () => {
  // A long restart delay keeps it down while the report is read; the clock is passed in, not waited for.
  const supervisor = start('run', { restartDelaysMs: [5_000] });
  await until(() => lines().length === 1, 'the first start');
  expect(supervisor.health()).toEqual({ healthy: true, running: true, restarts: 0 });

  process.kill(supervisor.pid!, 'SIGKILL');
  await until(() => !supervisor.health().running, 'the exit to be seen');
  const down = supervisor.health();
  expect(down).toMatchObject({ healthy: false, running: false, restarts: 0 });
  expect(down.detail).toMatch(/^not running: it ended on SIGKILL \d+ s ago; started again in \d s$/);

  await until(() => lines().length === 2 && supervisor.health().running, 'the restart');
  const recovering = supervisor.health();
  expect(recovering).toMatchObject({ healthy: false, running: true, restarts: 1 });
  expect(recovering.detail).toMatch(/^running again; it ended on SIGKILL \d+ s ago$/);
  expect(supervisor.health(Date.now() + 60_000)).toEqual({ healthy: true, running: true, restarts: 1 });
});

it('says how many times in a row it crashed, with its exit code', async () => {
  const supervisor = start('crash', { restartDelaysMs: [20, 20, 5_000] });
  await until(() => supervisor.restarts === 2 && !supervisor.health().running, 'a third crash');
  expect(supervisor.health()).toMatchObject({ healthy: false, running: false, restarts: 2 });
  expect(supervisor.health().detail).toMatch(
    /^not running: it ended with exit code 3 \d+ s ago \(3 times in a row\); started again in \d s$/,
  );
});
