import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { MetricsListener } from './metrics-listener.js';
import { MetricsRegistry } from './metrics-registry.js';
import { OperationMetrics } from './operation-metrics.js';
import { ServiceGauges } from './service-gauges.js';

/**
 * One registry per app; global so every capability can register its counters. `/metrics` on the
 * main port (MetricsController, when allowed) and on METRICS_PORT (MetricsListener).
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsRegistry, OperationMetrics, ServiceGauges, MetricsListener],
  exports: [MetricsRegistry],
})
export class MetricsModule {}
