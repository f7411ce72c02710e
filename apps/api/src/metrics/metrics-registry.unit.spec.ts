import { MetricsRegistry } from './metrics-registry.js';

describe('MetricsRegistry', () => {
  // prom-client renders in registration order with a blank line between metrics (it used to be sorted by name).
  it('renders counters in the Prometheus text format, unlabelled ones from zero', async () => {
    const registry = new MetricsRegistry();
    const rejected = registry.counter('webhooks_rejected_total', 'Webhooks refused, by reason', ['reason']);
    registry.counter('webhooks_received_total', 'Webhooks stored');
    rejected.inc({ reason: 'bad_signature' });
    rejected.inc({ reason: 'bad_signature' });
    rejected.inc({ reason: 'store_unavailable' }, 3);

    expect(await registry.render()).toBe(
      [
        '# HELP webhooks_rejected_total Webhooks refused, by reason',
        '# TYPE webhooks_rejected_total counter',
        'webhooks_rejected_total{reason="bad_signature"} 2',
        'webhooks_rejected_total{reason="store_unavailable"} 3',
        '',
        '# HELP webhooks_received_total Webhooks stored',
        '# TYPE webhooks_received_total counter',
        'webhooks_received_total 0',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values and help text', async () => {
    const registry = new MetricsRegistry();
    registry.counter('odd_total', 'a \\ help\nline', ['what']).inc({ what: 'say "hi"\\\n' });
    expect(await registry.render()).toContain('# HELP odd_total a \\\\ help\\nline');
    expect(await registry.render()).toContain('odd_total{what="say \\"hi\\"\\\\\\n"} 1');
  });

  it('returns the same counter for the same name and refuses other labels under it', () => {
    const registry = new MetricsRegistry();
    const first = registry.counter('things_total', 'Things', ['kind']);
    expect(registry.counter('things_total', 'Things', ['kind'])).toBe(first);
    expect(() => registry.counter('things_total', 'Things', ['other'])).toThrow(/already registered/);
  });

  it('refuses wrong labels, negative increments and bad names', () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter('things_total', 'Things', ['kind']);
    expect(() => counter.inc({})).toThrow(/takes the labels/);
    expect(() => counter.inc({ kind: 'a', extra: 'b' })).toThrow(/takes the labels/);
    expect(() => counter.inc({ kind: 'a' }, -1)).toThrow(/only goes up/);
    expect(() => registry.counter('bad-name', 'x')).toThrow(/not a Prometheus metric name/);
    counter.inc({ kind: 'a' });
    expect(counter.get({ kind: 'a' })).toBe(1);
    expect(counter.get({ kind: 'b' })).toBe(0);
  });

  it('keeps histograms and scrape-time gauges, one per name, and refuses a name taken by another type', async () => {
    const registry = new MetricsRegistry();
    const histogram = registry.histogram('work_duration_seconds', 'Work', ['kind'], [0.1, 1]);
    expect(registry.histogram('work_duration_seconds', 'Work', ['kind'], [0.1, 1])).toBe(histogram);
    histogram.observe({ kind: 'a' }, 0.5);
    let collected = 0;
    registry.gauge('queue_depth', 'Depth', [], (gauge) => gauge.set(++collected * 10));
    expect(await registry.render()).toContain('work_duration_seconds_bucket{le="1",kind="a"} 1');
    expect(await registry.render()).toContain('queue_depth 20');
    expect(() => registry.counter('queue_depth', 'x')).toThrow(/another type/);
    expect(() => registry.gauge('work_duration_seconds', 'x', ['other'], () => undefined)).toThrow(
      /already registered/,
    );
  });
});
