import { type Context, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';

/**
 * W3C Trace Context, version 00 exactly: `00-{32 hex trace id}-{16 hex parent id}-{2 hex flags}`,
 * lower-case, neither id all zeros. The header is the client's: anything else (another version,
 * upper case, extra fields, several headers, a huge value) is ignored and the request starts a
 * trace of its own.
 */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function parseTraceparent(header: unknown): SpanContext | null {
  if (typeof header !== 'string' || header.length !== 55) return null;
  const match = TRACEPARENT.exec(header);
  if (!match) return null;
  const [, traceId, spanId, flags] = match;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  return { traceId, spanId, traceFlags: parseInt(flags, 16), isRemote: true };
}

/** The context a request's spans start from: the client's trace if its header is valid, else none. */
export function parentContextOf(header: unknown): Context {
  const remote = parseTraceparent(header);
  return remote ? trace.setSpanContext(ROOT_CONTEXT, remote) : ROOT_CONTEXT;
}
