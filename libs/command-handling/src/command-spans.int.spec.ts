import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { type Decider, type DomainCommand, type DomainEvent, StreamCategory, refuse } from '@helpdesk/domain';
import { type EventStore, openSqliteEventStore } from '@helpdesk/event-store';
import { handleCommand } from './handle-command.js';
import { streamCategoryOf } from './command-spans.js';

type Noted = DomainEvent<'Noted', { text: string }>;
type Note = DomainCommand<'Note', { text: string }>;

/** Notes a text once; an empty one is refused with a message that quotes nothing sensitive either way. */
const notes: Decider<Note, Noted, readonly string[]> = {
  initialState: [],
  evolve: (texts, event) => [...texts, event.data.text],
  decide: (command, texts) => {
    if (command.data.text === '') refuse('INVALID_COMMAND', 'empty note from +33612345678');
    return texts.includes(command.data.text) ? [] : [{ type: 'Noted', data: { text: command.data.text } }];
  },
};

const note = (text: string, idempotencyKey?: string): Note => ({
  type: 'Note',
  data: { text },
  context: { portalId: 'acme', actor: { kind: 'system', id: 'test' }, now: new Date(), idempotencyKey },
});

/**
 * The command shell's spans with an SDK registered (no context manager here: parents are the API's
 * concern, checked in apps/api/src/tracing): outcome, refusal code, category, never the stream name.
 */
describe('command spans', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  let dataDir: string;
  let store: EventStore;

  beforeAll(() => {
    expect(trace.setGlobalTracerProvider(provider)).toBe(true);
  });

  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
  });

  beforeEach(() => {
    exporter.reset();
    dataDir = mkdtempSync(join(tmpdir(), 'command-spans-'));
    store = openSqliteEventStore({ dataDir });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const commandSpans = () => exporter.getFinishedSpans().filter((span) => span.name === 'command Note');

  it('names each outcome: appended (with its append span), unchanged, replayed, refused', async () => {
    const stream = `contact-acme-${randomUUID()}`;
    await handleCommand(store, stream, notes, note('hello', 'key-1'), { request: { text: 'hello' } });
    await handleCommand(store, stream, notes, note('hello'));
    await handleCommand(store, stream, notes, note('hello', 'key-1'), { request: { text: 'hello' } });
    await expect(handleCommand(store, stream, notes, note(''))).rejects.toMatchObject({ code: 'INVALID_COMMAND' });

    expect(commandSpans().map((span) => span.attributes['helpdesk.command.outcome'])).toEqual([
      'appended',
      'unchanged',
      'replayed',
      'refused',
    ]);
    const refused = commandSpans()[3];
    expect(refused.attributes['helpdesk.refusal.code']).toBe('INVALID_COMMAND');
    expect(refused.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(refused.events).toEqual([]);
    const appends = exporter.getFinishedSpans().filter((span) => span.name === 'event-store append');
    expect(appends.map((span) => span.attributes)).toEqual([
      {
        'db.system.name': 'eventstore',
        'db.operation.name': 'append',
        'helpdesk.stream.category': 'contact',
        'helpdesk.event.count': 1,
      },
    ]);
    const everything = JSON.stringify(exporter.getFinishedSpans().map((span) => [span.name, span.attributes]));
    expect(everything).not.toContain(stream);
    expect(everything).not.toContain('+33612345678');
  });

  it('marks a failed append as an error by name, and the command as failed', async () => {
    const failing = Object.create(store) as EventStore;
    failing.append = () => Promise.reject(Object.assign(new Error('disk full at /secret/path'), { name: 'DiskError' }));
    await expect(handleCommand(failing, `view-acme-${randomUUID()}`, notes, note('x'))).rejects.toThrow('disk full');
    const [command] = commandSpans();
    expect(command.attributes['helpdesk.command.outcome']).toBe('failed');
    expect(command.status).toEqual({ code: SpanStatusCode.ERROR, message: 'DiskError' });
    const [append] = exporter.getFinishedSpans().filter((span) => span.name === 'event-store append');
    expect(append.status).toEqual({ code: SpanStatusCode.ERROR, message: 'DiskError' });
  });

  it('keeps only a known category of a stream name', () => {
    expect(streamCategoryOf(`${StreamCategory.monthlyQuota}-acme-2024-01`)).toBe('quota-month');
    expect(streamCategoryOf(`${StreamCategory.conversationsByPhone}-acme-33612345678`)).toBe('conversations-by-phone');
    expect(streamCategoryOf(`${StreamCategory.phoneNumberIdClaim}-1122334455`)).toBe('phone_number_id');
    expect(streamCategoryOf('whatsapp-processor-checkpoint')).toBe('whatsapp-processor-checkpoint');
    expect(streamCategoryOf('acme-secret-stream')).toBe('other');
    expect(streamCategoryOf('contact')).toBe('other');
  });
});
