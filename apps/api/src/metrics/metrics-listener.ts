import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import { MetricsRegistry } from './metrics-registry.js';

/**
 * METRICS_PORT: `/metrics` on a listener of its own, so the scrape stays on the internal network
 * while the main port faces clients. It answers `GET /metrics` and nothing else; METRICS_TOKEN,
 * when set, is not asked here (the port is the boundary).
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | null = null;

  constructor(
    private readonly registry: MetricsRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { port } = this.config.metrics;
    if (port === null) return;
    const server = createServer((request, response) => {
      const path = (request.url ?? '').split('?')[0];
      if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
        response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
        return;
      }
      this.registry.render().then(
        (text) => {
          response.writeHead(200, { 'Content-Type': this.registry.contentType(), 'Cache-Control': 'no-store' });
          response.end(request.method === 'HEAD' ? undefined : text);
        },
        (error: unknown) => {
          this.logger.error({ msg: 'Collecting the metrics failed', error: String(error) });
          response.writeHead(500, { 'Content-Type': 'text/plain' }).end('Collecting the metrics failed\n');
        },
      );
    });
    // Scrapes are tiny: a slow or idle client is not kept around.
    server.requestTimeout = 10_000;
    server.headersTimeout = 10_000;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log({ msg: 'Metrics listener on', port: this.port, path: '/metrics' });
  }

  /** The port it listens on (METRICS_PORT=0 picks a free one); null when off. */
  get port(): number | null {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return address ? address.port : null;
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
