import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@helpdesk/event-store';
import { type TicketsWorld, acme, openTicketsWorld } from '../conversation/tickets.test-world.js';
import { CHANGE_CONTACT, CREATE_CONTACT } from '../contact/contact.test-world.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_PARENT = '00f067aa0ba902b7';
const CLIENT_TRACEPARENT = `00-${TRACE_ID}-${CLIENT_PARENT}-01`;
const W3C = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/** createContact over real HTTP, with the headers given; the events it recorded, found by their contact id. */
async function createContact(world: TicketsWorld, name: string, headers: Record<string, string> = {}) {
  const token = await world.token(acme, 'admin');
  const response = await fetch(`${await world.app.getUrl()}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify({ query: CREATE_CONTACT, variables: { input: { name, phoneNumber: '+33 6 12 34 56 78' } } }),
  });
  const answer = (await response.json()) as { data?: { createContact: { contactId: string } }; errors?: unknown };
  if (!answer.data) throw new Error(`createContact failed: ${JSON.stringify(answer.errors)}`);
  const { contactId } = answer.data.createContact;
  const events: RecordedEvent[] = [];
  const store = world.app.get<EventStore>(EVENT_STORE);
  for await (const event of store.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 20 })) {
    if (JSON.stringify(event.data).includes(contactId)) events.push(event);
  }
  expect(events.length).toBeGreaterThan(0);
  return { contactId, events };
}

const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('tracing on (an in-memory exporter injected)', () => {
  let world: TicketsWorld;
  const exporter = new InMemorySpanExporter();

  beforeAll(async () => {
    world = await openTicketsWorld({ spanExporter: exporter });
  });

  afterAll(() => world.close());

  beforeEach(() => exporter.reset());

  /** The spans of the trace the request's server span belongs to (a request's spans end before its answer). */
  function requestTrace(): { http: ReadableSpan; spans: ReadableSpan[] } {
    const http = exporter
      .getFinishedSpans()
      .find((span) => span.kind === SpanKind.SERVER && span.attributes['http.route'] === '/graphql');
    if (!http) throw new Error('no server span for POST /graphql');
    const traceId = http.spanContext().traceId;
    return { http, spans: exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId) };
  }

  it('records a mutation as HTTP → GraphQL operation → commands → appends, one trace, the command span in the events', async () => {
    const { events } = await createContact(world, 'Ada');
    const { http, spans } = requestTrace();
    expect(http.name).toBe('POST /graphql');
    expect(http.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200 });
    expect(parentOf(http)).toBeUndefined();

    const graphql = spans.filter((span) => span.attributes['graphql.operation.type'] !== undefined);
    expect(graphql.map((span) => [span.name, parentOf(span)])).toEqual([['mutation', idOf(http)]]);

    const commands = spans.filter((span) => span.name.startsWith('command '));
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect(parentOf(command)).toBe(idOf(graphql[0]));
    const createContactSpan = commands.find((span) => span.name === 'command CreateContact')!;
    expect(createContactSpan.attributes).toMatchObject({
      'helpdesk.command.type': 'CreateContact',
      'helpdesk.command.outcome': 'appended',
      'helpdesk.stream.category': 'contact',
    });

    const appends = spans.filter((span) => span.name === 'event-store append');
    expect(appends.map(parentOf).sort()).toEqual(
      commands
        .filter((span) => span.attributes['helpdesk.command.outcome'] === 'appended')
        .map(idOf)
        .sort(),
    );
    const contactAppend = appends.find((span) => parentOf(span) === idOf(createContactSpan))!;
    expect(contactAppend.attributes).toMatchObject({
      'helpdesk.stream.category': 'contact',
      'helpdesk.event.count': 1,
    });
    // Only the category: no stream name, so no portal or contact id, on any span.
    expect(JSON.stringify(spans.map((span) => span.attributes))).not.toContain(acme);

    const contactEvent = events.find((event) => event.streamName.startsWith('contact-'))!;
    expect(contactEvent.metadata.traceparent).toBe(`00-${http.spanContext().traceId}-${idOf(createContactSpan)}-01`);
    for (const event of events) expect(event.metadata.traceparent).toMatch(W3C);
  });

  it("continues a client's trace from a valid traceparent, and stores it with the events", async () => {
    const { events } = await createContact(world, 'Grace', { traceparent: CLIENT_TRACEPARENT });
    const { http, spans } = requestTrace();
    expect(http.spanContext().traceId).toBe(TRACE_ID);
    expect(http.parentSpanContext).toMatchObject({ traceId: TRACE_ID, spanId: CLIENT_PARENT, isRemote: true });
    expect(spans.filter((span) => span.name.startsWith('command ')).length).toBeGreaterThan(0);
    for (const event of events) expect(W3C.exec(String(event.metadata.traceparent))?.[1]).toBe(TRACE_ID);
  });

  it("records a refused command's outcome and code, not as a fault, and never its message", async () => {
    const token = await world.token(acme, 'admin');
    const response = await fetch(`${await world.app.getUrl()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: CHANGE_CONTACT, variables: { input: { contactId: 'nobody-here', name: 'X' } } }),
    });
    const answer = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(answer.errors?.[0]?.extensions?.code).toBe('CONTACT_NOT_FOUND');
    const { spans } = requestTrace();
    const command = spans.find((span) => span.name === 'command ChangeContact')!;
    expect(command.attributes).toMatchObject({
      'helpdesk.command.outcome': 'refused',
      'helpdesk.refusal.code': 'CONTACT_NOT_FOUND',
    });
    expect(command.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(spans.some((span) => span.name === 'event-store append')).toBe(false);
    expect(JSON.stringify(spans.map((span) => [span.attributes, span.events]))).not.toContain('nobody-here');
  });

  it('names a named operation after it', async () => {
    const token = await world.token(acme, 'admin');
    const response = await fetch(`${await world.app.getUrl()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: 'query Other { __typename } query Health { __typename }',
        operationName: 'Health',
      }),
    });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    const { spans } = requestTrace();
    const graphql = spans.find((span) => span.attributes['graphql.operation.type'] !== undefined)!;
    expect(graphql.name).toBe('query Health');
    expect(graphql.attributes['graphql.operation.name']).toBe('Health');
  });

  it.each([
    ['another version', `01-${TRACE_ID}-${CLIENT_PARENT}-01`],
    ['upper case', `00-${TRACE_ID.toUpperCase()}-${CLIENT_PARENT}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${CLIENT_PARENT}-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['an extra field', `${CLIENT_TRACEPARENT}-00`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${CLIENT_PARENT}-01`],
    ['two headers (joined by Node)', `${CLIENT_TRACEPARENT}, ${CLIENT_TRACEPARENT}`],
    ['junk', 'x'.repeat(4000)],
  ])('ignores a traceparent with %s: a trace of its own, nothing of it stored', async (_case, traceparent) => {
    const { events } = await createContact(world, 'Mallory', { traceparent });
    const { http } = requestTrace();
    expect(http.parentSpanContext).toBeUndefined();
    expect(http.spanContext().traceId).not.toBe(TRACE_ID);
    for (const event of events) {
      expect(W3C.exec(String(event.metadata.traceparent))?.[1]).toBe(http.spanContext().traceId);
    }
  });
});

describe('tracing off (no OTEL_* variable, no exporter)', () => {
  let world: TicketsWorld;

  beforeAll(async () => {
    world = await openTicketsWorld();
  });

  afterAll(() => world.close());

  it('starts no SDK and stores no traceparent, even one the client sent', async () => {
    const { events } = await createContact(world, 'Ada', { traceparent: CLIENT_TRACEPARENT });
    for (const event of events) expect(event.metadata).not.toHaveProperty('traceparent');
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    span.end();
  });
});
