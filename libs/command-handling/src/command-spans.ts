import { type Span, SpanKind, SpanStatusCode, context, isSpanContextValid, trace } from '@opentelemetry/api';
import { DomainError, StreamCategory, SingleStreamName } from '@helpdesk/domain';

/**
 * Spans of the command shell: one per command a stream decides, and one per append. Through the
 * OpenTelemetry API alone: unless the service started the SDK (tracing configured), every span
 * is the API's no-op and costs next to nothing.
 */
const tracer = trace.getTracer('@helpdesk/command-handling');

export type CommandOutcome = 'appended' | 'unchanged' | 'replayed' | 'refused' | 'failed';

/** Runs `run` in a span named after the command; its outcome is set by `run` through `outcome`. */
export function inCommandSpan<Result>(
  commandType: string,
  streamName: string,
  run: (outcome: (value: CommandOutcome) => void) => Promise<Result>,
): Promise<Result> {
  const attributes = { 'helpdesk.command.type': commandType, 'helpdesk.stream.category': streamCategoryOf(streamName) };
  return tracer.startActiveSpan(`command ${commandType}`, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      return await run((value) => span.setAttribute('helpdesk.command.outcome', value));
    } catch (error) {
      endFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Runs an append in a span: the stream's category and the number of events, never the stream's name. */
export function inAppendSpan<Result>(
  streamName: string,
  eventCount: number,
  run: () => Promise<Result>,
): Promise<Result> {
  const attributes = {
    'db.system.name': 'eventstore',
    'db.operation.name': 'append',
    'helpdesk.stream.category': streamCategoryOf(streamName),
    'helpdesk.event.count': eventCount,
  };
  return tracer.startActiveSpan('event-store append', { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await run();
    } catch (error) {
      // A concurrent write (retried by the command) shows here as WrongExpectedVersionError.
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorName(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * A refusal is the command's answer, not a fault: its code is kept, not its message. Otherwise only
 * the error's name: messages (and stacks) may quote data that has no place in a trace backend.
 */
function endFailed(span: Span, error: unknown): void {
  if (error instanceof DomainError) {
    span.setAttributes({ 'helpdesk.command.outcome': 'refused', 'helpdesk.refusal.code': error.code });
    return;
  }
  span.setAttribute('helpdesk.command.outcome', 'failed');
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorName(error) });
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'failed';
}

/**
 * The W3C `traceparent` of the span deciding events, stored in their metadata so an auditor can
 * join an event to its trace. Nothing when tracing is off (no SDK, so no active span).
 */
export function traceMetadata(): { traceparent?: string } {
  const spanContext = trace.getSpanContext(context.active());
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return { traceparent: `00-${spanContext.traceId}-${spanContext.spanId}-${flags}` };
}

const KNOWN_CATEGORIES = Object.values(StreamCategory).sort((a, b) => b.length - a.length);
const SINGLE_STREAMS: readonly string[] = Object.values(SingleStreamName);

/**
 * A stream's category as a span may show it: names carry portal, contact and phone ids, so only a
 * known category (the longest that prefixes the name, since some contain '-') or a known single
 * stream's whole name is kept; anything else is `other`.
 */
export function streamCategoryOf(streamName: string): string {
  if (SINGLE_STREAMS.includes(streamName)) return streamName;
  return KNOWN_CATEGORIES.find((category) => streamName.startsWith(`${category}-`)) ?? 'other';
}
