import { Module } from '@nestjs/common';
import { GetServiceHealthHandler } from './get-service-health.handler.js';
import { HealthController } from './health.controller.js';
import { HealthResolver } from './health.resolver.js';

@Module({ controllers: [HealthController], providers: [GetServiceHealthHandler, HealthResolver] })
export class HealthModule {}
