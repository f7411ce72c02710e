import { type ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Nest token: the projector's entry point for PROJECTIONS=child-process. */
export const PROJECTOR_SCRIPT = Symbol('PROJECTOR_SCRIPT');

/**
 * The projector's entry point beside this API's (no app imports another): the built
 * dist/apps/projector/src/main.js, or, where the API runs from the TypeScript sources under a
 * require hook (the crash tests), apps/projector/src/main.ts, which the child runs under the same
 * hook (a fork inherits `execArgv`).
 */
export function projectorEntryPoint(): string {
  const built = fileURLToPath(new URL('../../../projector/src/main.js', import.meta.url));
  const source = built.replace(/\.js$/, '.ts');
  return !existsSync(built) && existsSync(source) ? source : built;
}

/** Waits before each restart after an unexpected exit: a crash loop costs little, a one-off crash little time. */
const RESTART_DELAYS_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000] as const;

/** What the API says about its projector process (`/health/ready`, `serviceHealth`, `/metrics`). */
export interface ProjectorProcessHealth {
  /** Running, and running for `healthyAfterMs` since it last ended unexpectedly. */
  readonly healthy: boolean;
  readonly running: boolean;
  /** How many times it was started again after an unexpected exit, since the API started. */
  readonly restarts: number;
  /** Why it is not healthy: how it last ended, and when it starts again. */
  readonly detail?: string;
}

export interface ProjectorChildLog {
  log(fields: object): void;
  error(fields: object): void;
}

export interface ProjectorChildOptions {
  /** The projector's entry point (the built `apps/projector/src/main.js`). */
  readonly script: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: ProjectorChildLog;
  readonly restartDelaysMs?: readonly number[];
  /** Running this long counts as recovered: the next crash waits the first delay again. */
  readonly healthyAfterMs?: number;
  /** How long `stop` lets the projector finish its batch before killing it. */
  readonly stopTimeoutMs?: number;
}

/**
 * PROJECTIONS=child-process: the API starts the projector as a child process (its own event loop,
 * so its own core) and starts it again when it ends unexpectedly. The child ends by itself when the
 * API ends, however it ends: it watches its IPC channel. At most one child writes at a time: each
 * one takes the projector lease before writing (see LocalProjectorLease).
 */
export class ProjectorChild {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private failuresInARow = 0;
  private started = 0;
  private exited: Promise<void> = Promise.resolve();
  private lastExit: { readonly at: number; readonly code: number | null; readonly signal: string | null } | undefined;
  private nextStartAt: number | undefined;
  /** How many times it was started again after an unexpected exit. */
  restarts = 0;

  constructor(private readonly options: ProjectorChildOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Unhealthy while it is down (waiting to be started again) and for `healthyAfterMs` after it
   * ended unexpectedly, so a crash loop shows even at the moments it runs.
   */
  health(now = Date.now()): ProjectorProcessHealth {
    const running = this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
    const base = { running, restarts: this.restarts };
    const exit = this.lastExit;
    const recovering = exit !== undefined && now - exit.at < (this.options.healthyAfterMs ?? 60_000);
    if (running && !recovering) return { healthy: true, ...base };
    const how = exit ? `ended ${exit.signal ? `on ${exit.signal}` : `with exit code ${exit.code}`} ` : '';
    const ago = exit ? `${Math.round((now - exit.at) / 1000)} s ago` : '';
    const consecutive = this.failuresInARow > 1 ? ` (${this.failuresInARow} times in a row)` : '';
    const detail = this.stopping
      ? 'stopped with the API'
      : running
        ? `running again; it ${how}${ago}${consecutive}`
        : this.nextStartAt !== undefined
          ? `not running: it ${how}${ago}${consecutive}; started again in ${Math.max(0, Math.ceil((this.nextStartAt - now) / 1000))} s`
          : 'not started yet';
    return { healthy: false, ...base, detail };
  }

  start(): void {
    this.nextStartAt = undefined;
    if (this.stopping || this.child) return;
    const child = startNode(this.options.script, this.options.env);
    this.child = child;
    this.started = Date.now();
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    // A failed spawn (a missing script) is reported through 'exit' as well.
    child.on('error', (error) => this.options.log.error({ msg: 'Projector process error', err: error.message }));
    this.options.log.log({ msg: 'Projector started in a child process (PROJECTIONS=child-process)', pid: child.pid });
  }

  /** Asks the projector to stop (SIGTERM: it finishes its batch), then kills it after the timeout. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs ?? 10_000);
    await this.exited;
    clearTimeout(killer);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = undefined;
    if (this.stopping) return;
    this.lastExit = { at: Date.now(), code, signal };
    const healthyAfter = this.options.healthyAfterMs ?? 60_000;
    if (Date.now() - this.started >= healthyAfter) this.failuresInARow = 0;
    const delays = this.options.restartDelaysMs ?? RESTART_DELAYS_MS;
    const delay = delays[Math.min(this.failuresInARow, delays.length - 1)];
    this.failuresInARow += 1;
    this.options.log.error({
      msg: 'The projector process ended: starting it again (reads wait for the read models meanwhile)',
      code,
      signal,
      restartInMs: delay,
    });
    this.nextStartAt = Date.now() + delay;
    this.restartTimer = setTimeout(() => {
      this.restarts += 1;
      this.start();
    }, delay);
  }
}

/**
 * A built entry is forked. A TypeScript one (the sources, under the require hook this process was
 * started with, which `execArgv` passes on) is required from `-e`: as the main module of an ES
 * module package, Node would hand a `.ts` file to its ES module loader, which cannot read it.
 */
function startNode(script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
  if (!script.endsWith('.ts')) return fork(script, [], { env, stdio });
  const args = [...process.execArgv, '-e', `require(${JSON.stringify(script)})`];
  return spawn(process.execPath, args, { env, stdio });
}
