import { readFileSync } from 'node:fs';
import { cpus, totalmem, release, platform, loadavg } from 'node:os';

export interface Figure {
  readonly scenario: string;
  readonly unit: string;
  readonly runs: readonly number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Repeats a scenario and returns one rate per run: spread matters as much as the median. */
export async function repeat(runs: number, measureOnce: () => Promise<number>): Promise<number[]> {
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) rates.push(await measureOnce());
  return rates;
}

export async function ratePerSecond(count: number, work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
}

export function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

export function milliseconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

export interface Latency {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles. */
export function latencyOf(values: readonly number[]): Latency {
  if (values.length === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

export interface MemoryPeak {
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
}

/** Samples this process's RSS and V8 heap every `everyMs`: the peaks of a scenario. */
export class MemorySampler {
  private peakRss = 0;
  private peakHeap = 0;
  private timer: NodeJS.Timeout | undefined;

  start(everyMs = 50): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
    return this;
  }

  stop(): MemoryPeak {
    clearInterval(this.timer);
    this.sample();
    return { rssMiB: this.peakRss / 2 ** 20, heapUsedMiB: this.peakHeap / 2 ** 20 };
  }

  private sample(): void {
    const usage = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, usage.rss);
    this.peakHeap = Math.max(this.peakHeap, usage.heapUsed);
  }
}

export function currentMemory(): MemoryPeak {
  const usage = process.memoryUsage();
  return { rssMiB: usage.rss / 2 ** 20, heapUsedMiB: usage.heapUsed / 2 ** 20 };
}

export function describeMachine(): string {
  const cpu = cpus();
  return [
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    `- CPU: ${cpu[0]?.model ?? 'unknown'} (${cpu.length} cores)`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${platform()} ${release()}`,
    `- Node.js: ${process.version}`,
  ].join('\n');
}

export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}

/** 12,345 (integers) or 1.23 (small values), for tables. */
export function fmt(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return String(value);
  const places = digits ?? (Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: places, maximumFractionDigits: places });
}

export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

export function formatTable(figures: readonly Figure[]): string {
  const rows = figures.map((figure) => {
    const sorted = [...figure.runs].sort((a, b) => a - b);
    return [
      figure.scenario,
      `${fmt(median(figure.runs))} ${figure.unit}`,
      figure.runs.length > 1 ? `${fmt(sorted[0])} – ${fmt(sorted[sorted.length - 1])}` : '(one run)',
      String(figure.runs.length),
    ];
  });
  return markdownTable(['Scenario', 'Median', 'Spread (min – max)', 'Runs'], rows);
}

/** Clock ticks per second of /proc's CPU times: 100 on every Linux build these machines run (USER_HZ). */
const USER_HZ = 100;

/**
 * A process's CPU times from Linux's /proc, in clock ticks: utime, stime, cutime, cstime (fields
 * 14-17 of /proc/<pid>/stat, counted after the command name, which may hold spaces). Throws
 * where there is no /proc or the process is gone.
 */
export function procCpuTicks(pid: number | 'self'): {
  readonly user: number;
  readonly system: number;
  readonly children: number;
} {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return { user: fields[11], system: fields[12], children: fields[13] + fields[14] };
}

/** CPU time (user + system, ms) another process has used so far; null elsewhere than Linux or once it is gone. */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const ticks = procCpuTicks(pid);
    return ((ticks.user + ticks.system) * 1000) / USER_HZ;
  } catch {
    return null;
  }
}
