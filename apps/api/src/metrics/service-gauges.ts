import { Inject, Injectable, Logger, OnModuleInit, type Type } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { EVENT_STORE, type EventStore, type Position, lastEvent } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { readInboxBacklog, readInboxProcessorCheckpoint } from '@helpdesk/projections/core/inbox-backlog.js';
import { readCheckpointOrNull } from '@helpdesk/projections/core/projection-status.js';
import { webSocketCounts } from '../notifications/subscription-auth.js';
import { OutboundDispatcher } from '../outbound/outbound-dispatcher.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { MetricsRegistry } from './metrics-registry.js';

/**
 * Counting stops here at a scrape: it reads the log after the processor's checkpoint, and beyond
 * this many payloads the alert fires anyway (the `_capped` gauge says the real number is larger).
 */
export const SCRAPE_BACKLOG_CAP = 100_000;

/**
 * Gauges computed when Prometheus scrapes: each projection's lag, the inbox backlog, the outbound
 * queue, the WebSockets and their operations. Their sources are looked up when scraped, so a partial app (a test module) still serves
 * the rest. Labels are projection names from the code, never input.
 */
@Injectable()
export class ServiceGauges implements OnModuleInit {
  private readonly logger = new Logger('Metrics');

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly modules: ModuleRef,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  onModuleInit(): void {
    this.registry.collectDefaultMetrics();
    const backlog = { payloads: 0, capped: false, oldestAgeSeconds: 0 };
    const refreshBacklog = async () => {
      try {
        const found = await readInboxBacklog(
          this.store,
          await readInboxProcessorCheckpoint(this.store),
          SCRAPE_BACKLOG_CAP,
        );
        backlog.payloads = found.payloads;
        backlog.capped = found.capped;
        backlog.oldestAgeSeconds = found.oldestReceivedAt
          ? Math.max(0, (Date.now() - Date.parse(found.oldestReceivedAt)) / 1000)
          : 0;
      } catch (error) {
        this.logger.warn({ msg: 'Could not count the inbox backlog for the metrics', error: String(error) });
      }
    };
    // prom-client collects every gauge of a scrape at once: the three backlog gauges share one read.
    let reading: Promise<void> | null = null;
    const readBacklog = () => (reading ??= refreshBacklog().finally(() => (reading = null)));
    this.registry.gauge(
      'whatsapp_inbox_backlog_payloads',
      'Webhook payloads stored (Meta heard 200) and not yet processed into commands',
      [],
      async (gauge) => {
        await readBacklog();
        gauge.set(backlog.payloads);
      },
    );
    this.registry.gauge(
      'whatsapp_inbox_backlog_capped',
      `1 when the backlog count stopped at ${SCRAPE_BACKLOG_CAP} payloads (or ten times as many events read): the real backlog is larger`,
      [],
      async (gauge) => {
        await readBacklog();
        gauge.set(backlog.capped ? 1 : 0);
      },
    );
    this.registry.gauge(
      'whatsapp_inbox_backlog_oldest_age_seconds',
      'Age of the oldest unprocessed webhook payload by the server clock (0 when there is none)',
      [],
      async (gauge) => {
        await readBacklog();
        gauge.set(backlog.oldestAgeSeconds);
      },
    );
    this.registry.gauge(
      'outbound_queue_messages',
      'Accepted messages and read receipts the dispatcher took up and has not yet brought to an end (sent, failed, unknown)',
      [],
      (gauge) => {
        const dispatcher = this.optional(OutboundDispatcher);
        if (dispatcher) gauge.set(dispatcher.messagesUnderWay);
      },
    );
    this.registry.gauge(
      'outbound_delivery_enabled',
      '1 when outbound delivery runs (WHATSAPP_ACCESS_TOKEN set); 0: accepted messages wait unsent',
      [],
      (gauge) => {
        const dispatcher = this.optional(OutboundDispatcher);
        if (dispatcher) gauge.set(dispatcher.enabled ? 1 : 0);
      },
    );
    this.registry.gauge(
      'projector_process_up',
      'PROJECTIONS=child-process: 1 while the projector child process runs, 0 while it is down (it is started again after 0.5 s up to 30 s)',
      [],
      (gauge) => {
        const projections = this.optional(ProjectionsService);
        const health = projections?.projectorHealth();
        if (health?.running !== undefined) gauge.set(health.running ? 1 : 0);
      },
    );
    this.registry.gauge(
      'projector_process_restarts',
      'PROJECTIONS=child-process: times the projector child process was started again after it ended unexpectedly, since the API started',
      [],
      (gauge) => {
        const projections = this.optional(ProjectionsService);
        const health = projections?.projectorHealth();
        if (health?.restarts !== undefined) gauge.set(health.restarts);
      },
    );
    const webSocketGauges = [
      ['graphql_websocket_connections', 'WebSockets open at the GraphQL path, acknowledged or not yet', 'connections'],
      [
        'graphql_websocket_operations',
        'Operations (subscriptions, mostly) under way on those WebSockets',
        'operations',
      ],
    ] as const;
    for (const [name, help, count] of webSocketGauges)
      this.registry.gauge(name, help, [], (gauge) => {
        const counts = this.webSockets();
        if (counts) gauge.set(counts[count]);
      });
    this.registry.gauge(
      'projection_lag_seconds',
      "Created time of the newest event minus that of the projection's checkpoint event (0: caught up)",
      ['projection'],
      async (gauge) => {
        const projections = this.optional(ProjectionsService);
        const readStore = this.optional(ReadStore as unknown as Type<ReadStore>);
        if (!projections || !readStore) return;
        try {
          const newest = await lastEvent(this.store);
          for (const projection of projections.projections) {
            const checkpoint = await readCheckpointOrNull(readStore.db, projection);
            gauge.set({ projection: projection.name }, await this.lagSeconds(newest, checkpoint?.position ?? null));
          }
        } catch (error) {
          // The rest of the scrape still answers; the gauge keeps its last values.
          this.logger.warn({ msg: 'Could not read the projections lag for the metrics', error: String(error) });
        }
      },
    );
  }

  private async lagSeconds(newest: Awaited<ReturnType<typeof lastEvent>>, position: Position | null): Promise<number> {
    if (!newest) return 0;
    if (position && position.commit === newest.position.commit && position.prepare === newest.position.prepare) {
      return 0;
    }
    // The event at the checkpoint (readAll is inclusive), or the first event when there is none.
    for await (const event of this.store.readAll({ fromPosition: position ?? 'start', maxCount: 1 })) {
      return Math.max(0, (newest.created.getTime() - event.created.getTime()) / 1000);
    }
    return 0;
  }

  /** Null in an app without WebSockets (a test module). */
  private webSockets(): ReturnType<typeof webSocketCounts> | null {
    const fastify = this.optional(HttpAdapterHost)?.httpAdapter?.getInstance<{
      websocketServer?: { clients: ReadonlySet<object> };
    }>();
    return fastify?.websocketServer ? webSocketCounts(fastify.websocketServer) : null;
  }

  private optional<T>(type: Type<T>): T | null {
    try {
      return this.modules.get(type, { strict: false });
    } catch {
      return null;
    }
  }
}
