import { Controller, Get, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { GetServiceHealth, ServiceHealth } from './get-service-health.query.js';

/** For load balancers and operators: 503 as soon as either store cannot be reached. */
@Controller('health')
export class HealthController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<ServiceHealth> {
    const health = await this.queries.execute(new GetServiceHealth());
    reply.status(health.healthy ? 200 : 503);
    return health;
  }
}
