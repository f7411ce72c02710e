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

function start(mode: string, options: { stopTimeoutMs?: number } = {}): ProjectorChild {
  child = new ProjectorChild({
    script: SCRIPT,
    env: { ...process.env, FAKE_PROJECTOR: mode, FAKE_PROJECTOR_REPORT: report },
    log: { log: (fields) => logged.push(fields), error: (fields) => logged.push(fields) },
    restartDelaysMs: [20, 40],
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
