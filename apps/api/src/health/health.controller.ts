import { Controller, Get, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { GetServiceHealth, ServiceHealth } from './get-service-health.query.js';

/**
 * For load balancers and operators.
 * - `GET /health/live`: the process is up and its event loop answers. Always 200: restarting the
 *   service does not help a store that is down.
 * - `GET /health/ready` and `GET /health`: 503 as soon as the event store cannot be read or
 *   written (a locked or read-only SQLite file, a commit that just failed; an EventStoreDB node
 *   that is down, without a leader or not ready) or the read store cannot be reached. The body
 *   says which and why.
 */
@Controller('health')
export class HealthController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  health(@Res({ passthrough: true }) reply: FastifyReply): Promise<ServiceHealth> {
    return this.ready(reply);
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ServiceHealth> {
    const health = await this.queries.execute(new GetServiceHealth());
    reply.status(health.healthy ? 200 : 503);
    return health;
  }

  @Get('live')
  live(): { readonly live: true } {
    return { live: true };
  }
}
