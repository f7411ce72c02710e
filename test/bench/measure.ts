import { cpus, totalmem, release, platform } from 'node:os';

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

export function formatTable(figures: readonly Figure[]): string {
  const rows = figures.map((figure) => {
    const sorted = [...figure.runs].sort((a, b) => a - b);
    const fmt = (value: number) => Math.round(value).toLocaleString('en-US');
    return `| ${figure.scenario} | ${fmt(median(figure.runs))} ${figure.unit} | ${fmt(sorted[0])} – ${fmt(sorted[sorted.length - 1])} | ${figure.runs.length} |`;
  });
  return ['| Scenario | Median | Spread (min – max) | Runs |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
