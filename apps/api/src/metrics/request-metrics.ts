import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { MetricsRegistry } from './metrics-registry.js';

/** Seconds: from a cached read (a few ms) to a slow mutation or an export (tens of seconds). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const OPERATION_TYPE = Symbol('graphqlOperationType');

type WithOperationType = FastifyRequest & { [OPERATION_TYPE]?: string };

/** Mercurius's preExecution hook tags the request with its operation's type, for the histogram below. */
export function tagOperationType(request: FastifyRequest, operationType: string): void {
  (request as WithOperationType)[OPERATION_TYPE] = operationType;
}

/**
 * Every HTTP response's latency, by route template (never the raw URL: ids in paths and unknown
 * paths collapse to the route's pattern or `unmatched`), method and status class; GraphQL POSTs
 * also by operation type (`none` when refused before execution: bad token, budget, syntax).
 */
export function useRequestMetrics(app: NestFastifyApplication): void {
  const registry = app.get(MetricsRegistry);
  const http = registry.histogram(
    'http_request_duration_seconds',
    'HTTP request latency, by route template, method and status class',
    ['route', 'method', 'status_class'],
    LATENCY_BUCKETS,
  );
  const graphql = registry.histogram(
    'graphql_request_duration_seconds',
    'GraphQL-over-HTTP request latency, by operation type',
    ['operation_type'],
    LATENCY_BUCKETS,
  );
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      const seconds = reply.elapsedTime / 1000;
      const route = request.routeOptions.url ?? 'unmatched';
      const method = METHODS.has(request.method) ? request.method : 'other';
      const statusClass = `${Math.min(5, Math.max(1, Math.floor(reply.statusCode / 100)))}xx`;
      http.observe({ route, method, status_class: statusClass }, seconds);
      if (route === '/graphql' && method !== 'OPTIONS') {
        graphql.observe({ operation_type: (request as WithOperationType)[OPERATION_TYPE] ?? 'none' }, seconds);
      }
      done();
    });
}
