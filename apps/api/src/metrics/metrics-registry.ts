/**
 * A tiny in-process registry of counters, rendered in Prometheus' text format. Counters live as
 * long as the process: Prometheus itself handles resets (`rate()` tolerates restarts).
 */
export type Labels = Readonly<Record<string, string>>;

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[] = [],
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new Error(`Counter ${this.name} only goes up (got ${by})`);
    const names = Object.keys(labels).sort();
    if (names.join() !== [...this.labelNames].sort().join()) {
      throw new Error(
        `Counter ${this.name} takes the labels [${this.labelNames.join(', ')}], got [${names.join(', ')}]`,
      );
    }
    const key = this.labelNames.map((name) => labels[name]).join('\u0000');
    const current = this.values.get(key);
    this.values.set(key, { labels, value: (current?.value ?? 0) + by });
  }

  /** The value for one label set; 0 when never incremented. */
  get(labels: Labels = {}): number {
    return this.values.get(this.labelNames.map((name) => labels[name]).join('\u0000'))?.value ?? 0;
  }

  samples(): readonly { labels: Labels; value: number }[] {
    // A counter without labels is exported from the start (as 0), so dashboards see it exists.
    if (this.values.size === 0 && this.labelNames.length === 0) return [{ labels: {}, value: 0 }];
    return [...this.values.values()];
  }
}

export class MetricsRegistry {
  private readonly counters = new Map<string, Counter>();

  /** Registering the same name twice returns the same counter, so several providers may share one. */
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`'${name}' is not a Prometheus metric name`);
    const existing = this.counters.get(name);
    if (existing) {
      if (existing.labelNames.join() !== labelNames.join()) {
        throw new Error(`Counter ${name} is already registered with the labels [${existing.labelNames.join(', ')}]`);
      }
      return existing;
    }
    const counter = new Counter(name, help, labelNames);
    this.counters.set(name, counter);
    return counter;
  }

  render(): string {
    return renderPrometheusText([...this.counters.values()].sort((a, b) => a.name.localeCompare(b.name)));
  }
}

/** Prometheus text exposition format 0.0.4. */
export function renderPrometheusText(counters: readonly Counter[]): string {
  const lines: string[] = [];
  for (const counter of counters) {
    lines.push(`# HELP ${counter.name} ${escapeHelp(counter.help)}`, `# TYPE ${counter.name} counter`);
    for (const { labels, value } of counter.samples()) {
      const pairs = counter.labelNames.map((name) => `${name}="${escapeLabelValue(labels[name] ?? '')}"`);
      lines.push(`${counter.name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${value}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
