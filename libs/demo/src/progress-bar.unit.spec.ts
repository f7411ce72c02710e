import { ProgressLine, formatCount, progressBar } from './progress-bar.js';

describe('progressBar', () => {
  it('fills its share of 30 cells and says the percentage, clamped to 0..100%', () => {
    expect(progressBar(0)).toBe(`[${'.'.repeat(30)}]   0.0%`);
    expect(progressBar(0.31)).toBe(`[${'#'.repeat(9)}${'.'.repeat(21)}]  31.0%`);
    expect(progressBar(1)).toBe(`[${'#'.repeat(30)}] 100.0%`);
    expect(progressBar(1.7)).toBe(progressBar(1));
    expect(progressBar(Number.NaN)).toBe(progressBar(0));
    expect(formatCount(12000)).toBe('12,000');
  });
});

describe('ProgressLine', () => {
  function line(isTty: boolean) {
    let now = 0;
    let written = '';
    const progress = new ProgressLine(
      (text) => void (written += text),
      isTty,
      () => now,
      2_000,
      100,
    );
    return { progress, tick: (ms: number) => void (now += ms), written: () => written };
  }

  it('off a terminal prints a line at most every interval, the first and the last always', () => {
    const { progress, tick, written } = line(false);
    let rendered = 0;
    for (let n = 1; n <= 5; n++) {
      progress.update(() => `n=${n} (render ${++rendered})`);
      tick(900);
    }
    progress.done('n=5 done');
    // Printed at 0 ms and 2,700 ms (n=1, n=4): only those were rendered.
    expect(written()).toBe('n=1 (render 1)\nn=4 (render 2)\nn=5 done\n');
  });

  it('on a terminal redraws one line in place and ends it with a newline when done', () => {
    const { progress, tick, written } = line(true);
    progress.update(() => 'a');
    tick(50);
    progress.update(() => 'skipped');
    tick(50);
    progress.update(() => 'b');
    progress.done('c');
    expect(written()).toBe('\r\x1b[2Ka\r\x1b[2Kb\r\x1b[2Kc\n');
  });
});
