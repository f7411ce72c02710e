import { Controller, Get, Headers, Inject, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import { metricsAccess } from './metrics-access.js';
import { MetricsRegistry } from './metrics-registry.js';

/** For Prometheus to scrape on the main port, when METRICS_TOKEN or the environment allows it (metrics-access.ts). */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly registry: MetricsRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async metrics(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const access = metricsAccess(this.config.metrics, authorization);
    // Refused before anything is collected: a caller without the token costs no store read.
    // Worded as Nest's answer to a route that does not exist: an off /metrics does not tell it is there.
    if (access === 'not_found') throw new NotFoundException('Cannot GET /metrics');
    if (access === 'unauthorized') {
      void reply.header('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedException('A valid METRICS_TOKEN bearer token is required');
    }
    void reply.header('Content-Type', this.registry.contentType()).header('Cache-Control', 'no-store');
    return this.registry.render();
  }
}
