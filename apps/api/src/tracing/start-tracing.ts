import { context, trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '@helpdesk/config';
import { AsyncLocalContextManager } from './async-local-context.js';

/** The SDK this process started; `shutdown` exports what is pending and unregisters it. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK when tracing is configured (or a test hands its own exporter, which
 * then gets every span as it ends), and registers it as the process's global tracer provider and
 * context manager; otherwise starts nothing and answers null, and the spans made through the API
 * stay no-ops.
 *
 * Every request is recorded (AlwaysOn): a client's `traceparent` says which trace to continue, but
 * its sampled flag does not get to switch our tracing off.
 */
export async function startTracing(config: TracingConfig, testExporter?: SpanExporter): Promise<Tracing | null> {
  if (!config.enabled && !testExporter) return null;
  // Loaded only when tracing is on: the service would otherwise carry the SDK and its OTLP exporter
  // for nothing (lint:deps keeps them out of the static imports).
  const [
    { AlwaysOnSampler, BatchSpanProcessor, SimpleSpanProcessor, TracerProvider },
    { OTLPTraceExporter },
    resources,
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const spanProcessor = testExporter
    ? new SimpleSpanProcessor({ exporter: testExporter })
    : new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: config.enabled ? config.tracesUrl : undefined }),
      });
  const provider = new TracerProvider({
    resource: resources.resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    sampler: new AlwaysOnSampler(),
    spanProcessors: [spanProcessor],
  });
  const contextManager = new AsyncLocalContextManager();
  // Globals, once per process: a second SDK would silently lose to the first, so it is refused.
  if (!context.setGlobalContextManager(contextManager)) {
    throw new Error('Tracing is already started in this process (a context manager is registered)');
  }
  if (!trace.setGlobalTracerProvider(provider)) {
    context.disable();
    throw new Error('Tracing is already started in this process (a tracer provider is registered)');
  }
  let stopped: Promise<void> | undefined;
  return {
    shutdown() {
      stopped ??= provider.shutdown().finally(() => {
        trace.disable();
        context.disable();
      });
      return stopped;
    },
  };
}
