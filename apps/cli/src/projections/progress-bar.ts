import type { RebuildProgress } from '@helpdesk/projections/core/rebuild-progress.js';
import { formatSeconds } from '@helpdesk/projections/core/projection-status.js';
import { progressBar } from '@helpdesk/demo';

/** `ticket_list build 3 [#########.........]  31.0%  12,000 events  8,100 ev/s  ETA 4s` */
export function formatProgress(progress: RebuildProgress): string {
  const events = `${progress.eventsRead.toLocaleString('en-US')} events`;
  const rate = `${Math.round(progress.eventsPerSecond).toLocaleString('en-US')} ev/s`;
  const eta =
    progress.phase === 'catching_up'
      ? `ETA ${progress.etaSeconds === null ? '?' : formatSeconds(Math.ceil(progress.etaSeconds))}`
      : progress.phase;
  const resumed = progress.resumed ? ' (resumed)' : '';
  return `${progress.projection} build ${progress.build}${resumed} ${progressBar(progress.fraction)}  ${events}  ${rate}  ${eta}`;
}

/**
 * On a terminal the bar redraws one line; elsewhere (logs, CI, tests) it prints a line at most
 * every `intervalMs` and at every change of phase, so a log stays readable.
 */
export class ProgressPrinter {
  private lastPrinted = -Infinity;
  private lastPhase: RebuildProgress['phase'] | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly isTty: boolean,
    private readonly clock: () => number = Date.now,
    private readonly intervalMs = 2_000,
  ) {}

  update(progress: RebuildProgress): void {
    const line = formatProgress(progress);
    if (this.isTty) {
      this.write(`\r\x1b[2K${line}${progress.phase === 'switched' ? '\n' : ''}`);
      return;
    }
    const now = this.clock();
    if (progress.phase === this.lastPhase && now - this.lastPrinted < this.intervalMs) return;
    this.lastPrinted = now;
    this.lastPhase = progress.phase;
    this.write(`${line}\n`);
  }
}
