import { type Context, type Span, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type DocumentNode, type GraphQLSchema, Kind, type OperationDefinitionNode } from 'graphql';
import { parentContextOf } from './traceparent.js';

const GRAPHQL_PATH = '/graphql';

interface RequestSpans {
  readonly http: Span;
  graphql?: Span;
  /** What the request's handler runs in: the deepest span so far. */
  context: Context;
  ended: boolean;
}

/** Per request, while it is served; a request forgotten by Fastify takes its entry with it. */
const spansOf = new WeakMap<FastifyRequest, RequestSpans>();

/**
 * One server span per HTTP request, continuing the client's W3C trace when its `traceparent` is
 * valid, and for GraphQL over HTTP a child span per operation; the handler runs with the deepest
 * one active, so the commands it sends (and their appends) are its children. Only when tracing is
 * on: otherwise createApp adds none of these hooks.
 *
 * The handler is entered from preHandler, after the body has been read: the body's stream events
 * do not carry the context entered in onRequest, so it is entered again there.
 *
 * WebSocket upgrades get no span: a subscription lives as long as its socket.
 */
export function useRequestSpans(fastify: FastifyInstance): void {
  const tracer = trace.getTracer('@helpdesk/api');

  fastify.addHook('onRequest', (request, _reply, done) => {
    if (isWebSocketUpgrade(request)) return done();
    const route = request.routeOptions.url;
    const parent = parentContextOf(request.headers.traceparent);
    const http = tracer.startSpan(
      route ? `${request.method} ${route}` : request.method,
      {
        kind: SpanKind.SERVER,
        // The route's template, never the path as sent: ids, tokens in queries, junk of any length.
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, ...(route && { [ATTR_HTTP_ROUTE]: route }) },
      },
      parent,
    );
    const spans: RequestSpans = { http, context: trace.setSpan(parent, http), ended: false };
    spansOf.set(request, spans);
    context.with(spans.context, done);
  });

  fastify.addHook('preHandler', (request, _reply, done) => {
    const spans = spansOf.get(request);
    if (!spans) return done();
    if (request.routeOptions.url === GRAPHQL_PATH && !spans.graphql) {
      // Named once Mercurius has parsed the document (nameOperationSpan).
      spans.graphql = tracer.startSpan('graphql', { kind: SpanKind.INTERNAL }, spans.context);
      spans.context = trace.setSpan(spans.context, spans.graphql);
    }
    context.with(spans.context, done);
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    endSpans(request, reply.statusCode);
    done();
  });

  fastify.addHook('onRequestAbort', (request, done) => {
    endSpans(request, undefined);
    done();
  });
}

function endSpans(request: FastifyRequest, statusCode: number | undefined): void {
  const spans = spansOf.get(request);
  if (!spans || spans.ended) return;
  spans.ended = true;
  spans.graphql?.end();
  if (statusCode === undefined) {
    spans.http.setStatus({ code: SpanStatusCode.ERROR, message: 'aborted by the client' });
  } else {
    spans.http.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
    // A server span's error is the server's: 4xx is the client's (OpenTelemetry's HTTP conventions).
    if (statusCode >= 500) spans.http.setStatus({ code: SpanStatusCode.ERROR });
  }
  spans.http.end();
}

/**
 * Mercurius's preExecution hook: names the request's GraphQL span after the operation it runs
 * (`mutation CreateContact`) with its type and name, never its document or variables. A no-op
 * when the request has no span (tracing off, or a subscription).
 */
export async function nameOperationSpan(
  _schema: GraphQLSchema,
  document: DocumentNode,
  context: { reply?: { request?: FastifyRequest } },
): Promise<void> {
  const request = context.reply?.request;
  const span = request && spansOf.get(request)?.graphql;
  if (!span) return;
  const operation = operationOf(document, operationNameOf(request.method === 'GET' ? request.query : request.body));
  if (!operation) return;
  const name = operation.name?.value;
  span.updateName(name ? `${operation.operation} ${name}` : operation.operation);
  span.setAttribute('graphql.operation.type', operation.operation);
  if (name) span.setAttribute('graphql.operation.name', name);
}

/** The operation GraphQL executes: the one named, or the only one. */
function operationOf(document: DocumentNode, name: string | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (name === undefined) return operations.length === 1 ? operations[0] : undefined;
  return operations.find((operation) => operation.name?.value === name);
}

function operationNameOf(params: unknown): string | undefined {
  const name =
    typeof params === 'object' && params !== null ? (params as { operationName?: unknown }).operationName : undefined;
  return typeof name === 'string' ? name : undefined;
}

function isWebSocketUpgrade(request: FastifyRequest): boolean {
  return String(request.headers.upgrade ?? '').toLowerCase() === 'websocket';
}
