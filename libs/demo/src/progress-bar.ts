const WIDTH = 30;

/** `[#########.....................]  31.0%`: the bar `helpdesk campaign progress` and the rebuilds draw. */
export function progressBar(fraction: number, width = WIDTH): string {
  const share = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(1).padStart(5)}%`;
}

/** 12,000: counts as the command-line tools print them. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/**
 * Progress of long work on stderr, never on stdout (which may be parsed or piped). On a terminal
 * one line redrawn in place, at most every `ttyIntervalMs`; elsewhere (a log, CI, a test) a line
 * of its own at most every `intervalMs`. The first update and `done` always print, so a short run
 * still shows where it started and where it ended. `render` is only called for a line that prints,
 * so updating per event costs a clock read.
 */
export class ProgressLine {
  private lastPrinted = -Infinity;

  constructor(
    private readonly write: (text: string) => void,
    private readonly isTty: boolean,
    private readonly clock: () => number = Date.now,
    private readonly intervalMs = 2_000,
    private readonly ttyIntervalMs = 100,
  ) {}

  update(render: () => string): void {
    const now = this.clock();
    if (now - this.lastPrinted < (this.isTty ? this.ttyIntervalMs : this.intervalMs)) return;
    this.lastPrinted = now;
    this.print(render());
  }

  /** The last line of this work: always printed, and ends the redrawn line on a terminal. */
  done(line: string): void {
    this.print(line);
    if (this.isTty) this.write('\n');
    this.lastPrinted = -Infinity;
  }

  private print(line: string): void {
    if (this.isTty) {
      this.write(`\r\x1b[2K${line}`);
    } else {
      this.write(`${line}\n`);
    }
  }
}
