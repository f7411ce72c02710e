/** What one benchmark scenario reports: its section of BENCHMARKS.md and the figures the summary quotes. */
export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  /** The section's body (Markdown), written from this run's measurements. */
  readonly markdown: string;
  readonly metrics: Readonly<Record<string, number | string | null>>;
}
