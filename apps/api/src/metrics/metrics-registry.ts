import * as client from 'prom-client';

/**
 * The process's metrics, on prom-client: counters, histograms, gauges computed at scrape time, and
 * prom-client's default Node.js metrics (event-loop lag, heap, CPU, file descriptors) when asked.
 * Each app instance gets its own registry (tests run several in one process); values live as long
 * as the process, and Prometheus handles resets (`rate()` tolerates restarts).
 */
export type Labels = Readonly<Record<string, string>>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * A prom-client counter with the checks and the synchronous read the capabilities and their tests
 * rely on: exactly the declared labels, never down, `get` without awaiting the registry.
 */
export class Counter {
  private readonly values = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly labelNames: readonly string[],
    private readonly counter: client.Counter,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new Error(`Counter ${this.name} only goes up (got ${by})`);
    requireLabels(this.name, this.labelNames, labels);
    const key = this.key(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
    this.counter.inc({ ...labels }, by);
  }

  /** The value for one label set; 0 when never incremented. */
  get(labels: Labels = {}): number {
    return this.values.get(this.key(labels)) ?? 0;
  }

  private key(labels: Labels): string {
    return this.labelNames.map((name) => labels[name]).join('\u0000');
  }
}

export class MetricsRegistry {
  readonly registry = new client.Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly others = new Map<string, { readonly labelNames: readonly string[]; readonly metric: unknown }>();
  private withDefaults = false;

  /** Registering the same name twice returns the same counter, so several providers may share one. */
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    requireName(name);
    const existing = this.counters.get(name);
    if (existing) {
      if (existing.labelNames.join() !== labelNames.join()) {
        throw new Error(`Counter ${name} is already registered with the labels [${existing.labelNames.join(', ')}]`);
      }
      return existing;
    }
    this.refuseTaken(name);
    const metric = new client.Counter({ name, help, labelNames: [...labelNames], registers: [this.registry] });
    // An unlabelled counter is exported from the start (as 0), so dashboards see it exists.
    if (labelNames.length === 0) metric.inc(0);
    const counter = new Counter(name, labelNames, metric);
    this.counters.set(name, counter);
    return counter;
  }

  /** Latencies in seconds; the same name returns the same histogram. */
  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): client.Histogram {
    return this.other(name, labelNames, () => {
      return new client.Histogram({ name, help, labelNames: [...labelNames], buckets: [...buckets], registers: [] });
    });
  }

  /** A gauge whose value `collect` sets at every scrape (it may read the stores). */
  gauge(
    name: string,
    help: string,
    labelNames: readonly string[],
    collect: (gauge: client.Gauge) => Promise<void> | void,
  ): client.Gauge {
    return this.other(name, labelNames, () => {
      return new client.Gauge({
        name,
        help,
        labelNames: [...labelNames],
        registers: [],
        async collect() {
          await collect(this);
        },
      });
    });
  }

  /** prom-client's default metrics (process_*, nodejs_*: event-loop lag, heap, GC) in this registry's scrape. */
  collectDefaultMetrics(): void {
    this.withDefaults = true;
  }

  contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition format, every gauge collected now. */
  async render(): Promise<string> {
    const own = await this.registry.metrics();
    return this.withDefaults ? `${await processDefaults().metrics()}\n${own}` : own;
  }

  private other<T extends client.Metric>(name: string, labelNames: readonly string[], make: () => T): T {
    requireName(name);
    const existing = this.others.get(name);
    if (existing) {
      if (existing.labelNames.join() !== labelNames.join()) {
        throw new Error(`Metric ${name} is already registered with the labels [${existing.labelNames.join(', ')}]`);
      }
      return existing.metric as T;
    }
    this.refuseTaken(name);
    const metric = make();
    this.registry.registerMetric(metric);
    this.others.set(name, { labelNames, metric });
    return metric;
  }

  private refuseTaken(name: string): void {
    if (this.registry.getSingleMetric(name)) throw new Error(`Metric ${name} is already registered as another type`);
  }
}

let defaults: client.Registry | null = null;

/**
 * The default metrics describe the process, not an app: one set per process, however many apps
 * (tests boot dozens), since each set keeps an event-loop delay monitor and a GC observer running.
 */
function processDefaults(): client.Registry {
  if (!defaults) {
    defaults = new client.Registry();
    client.collectDefaultMetrics({ register: defaults });
  }
  return defaults;
}

function requireName(name: string): void {
  if (!METRIC_NAME.test(name)) throw new Error(`'${name}' is not a Prometheus metric name`);
}

function requireLabels(name: string, labelNames: readonly string[], labels: Labels): void {
  const names = Object.keys(labels).sort();
  if (names.join() !== [...labelNames].sort().join()) {
    throw new Error(`Counter ${name} takes the labels [${labelNames.join(', ')}], got [${names.join(', ')}]`);
  }
}
