import type { RecordedEvent } from '@helpdesk/event-store';
import { formatReplayJson, formatReplayNdjson } from './format-replay-json.js';
import { formatReplayTable, formatStateSummary } from './format-replay-table.js';
import { QUARANTINE_PLACEHOLDER, type ReplayRow, buildReplay, eventsAsOf, redactData } from './replay-model.js';

let revision = 0n;
function recorded(type: string, data: object, created: string, metadata: Record<string, string> = {}): RecordedEvent {
  const position = { commit: revision, prepare: revision };
  return {
    id: `id-${revision}`,
    type,
    data,
    metadata,
    streamName: 'conversation-c',
    revision: revision++,
    position,
    created: new Date(created),
  };
}

function history(): RecordedEvent[] {
  revision = 0n;
  const meta = { actorId: 'contact:33612345678', correlationId: 'corr-1', causationId: 'cause-1' };
  return [
    recorded(
      'ConversationStarted',
      { conversationId: 'c', portalId: 'acme', phoneNumberId: '1', contactWaId: '2' },
      '2025-03-10T09:00:00.000Z',
      meta,
    ),
    recorded(
      'TicketOpened',
      { ticketId: 't1', openedAt: '2025-03-10T09:00:00.000Z' },
      '2025-03-10T09:00:00.000Z',
      meta,
    ),
    recorded(
      'InboundMessageReceived',
      { messageId: 'm1', wamid: 'w1', ticketId: 't1', content: { kind: 'text', body: 'secret' } },
      '2025-03-10T09:00:00.000Z',
      meta,
    ),
    recorded(
      'SessionOpened',
      { sessionId: 's1', openedAt: '2025-03-10T09:00:00.000Z', expiresAt: '2025-03-11T09:00:00.000Z' },
      '2025-03-10T09:00:00.000Z',
      meta,
    ),
    recorded(
      'TicketAssigned',
      { ticketId: 't1', from: null, to: 'agent-1', assignedAt: '2025-03-10T10:00:00.000Z' },
      '2025-03-10T10:00:00.000Z',
      { actorId: 'user:agent-1' },
    ),
    recorded(
      'ReplyAccepted',
      {
        messageId: 'm2',
        ticketId: 't1',
        sessionId: 's1',
        content: { kind: 'text', body: 'On it' },
        ruleVersion: 'conversations/2024-11-01',
      },
      '2025-03-10T14:02:00.000Z',
      { actorId: 'user:agent-1', ruleVersion: 'conversations/2024-11-01' },
    ),
    recorded(
      'MessageQuarantined',
      { messageId: 'm1', reason: 'pii', quarantinedAt: '2025-03-10T15:00:00.000Z' },
      '2025-03-10T15:00:00.000Z',
      { actorId: 'user:agent-1' },
    ),
  ];
}

describe('buildReplay', () => {
  it('describes each event with its metadata and the state after it', () => {
    const rows = buildReplay(history(), { reveal: false });
    expect(rows).toHaveLength(7);
    expect(rows[0]).toMatchObject({
      revision: '0',
      type: 'ConversationStarted',
      actor: 'contact:33612345678',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      ruleVersion: null,
    });
    expect(rows[5]).toMatchObject({ ruleVersion: 'conversations/2024-11-01', created: '2025-03-10T14:02:00.000Z' });
    expect(rows[5].state).toEqual({
      ticketStatus: 'Open',
      ticketOwner: 'agent-1',
      sessionOpenUntil: '2025-03-11T09:00:00.000Z',
      messageCount: 2,
      lastMessage: { messageId: 'm2', direction: 'outbound', text: 'On it' },
    });
  });

  it('hides quarantined content in every event, also before the quarantine, unless revealed', () => {
    const hidden = buildReplay(history(), { reveal: false });
    expect((hidden[2].data as { content: unknown }).content).toBe(QUARANTINE_PLACEHOLDER);
    expect(hidden[2].state.lastMessage?.text).toBe(QUARANTINE_PLACEHOLDER);
    expect(JSON.stringify(hidden)).not.toContain('secret');

    const shown = buildReplay(history(), { reveal: true });
    expect((shown[2].data as { content: unknown }).content).toEqual({ kind: 'text', body: 'secret' });
    expect(shown[2].state.lastMessage?.text).toBe('secret');
  });

  it('--as-of keeps the events created at or before the instant, and the quarantine still applies', () => {
    const rows = buildReplay(history(), { reveal: false, asOf: new Date('2025-03-10T14:02:00.000Z') });
    expect(rows.map((row) => row.type).at(-1)).toBe('ReplyAccepted');
    expect(rows).toHaveLength(6);
    expect(JSON.stringify(rows)).not.toContain('secret');
    expect(eventsAsOf(history(), new Date('2025-03-10T08:00:00.000Z'))).toEqual([]);
  });

  it('redacts template text and parameters but keeps ids', () => {
    expect(
      redactData('TemplateMessageAccepted', {
        messageId: 'm',
        renderedText: 'x',
        parameters: ['y'],
        templateName: 't',
      }),
    ).toEqual({
      messageId: 'm',
      renderedText: QUARANTINE_PLACEHOLDER,
      parameters: QUARANTINE_PLACEHOLDER,
      templateName: 't',
    });
  });
});

describe('replay formats', () => {
  const rows: ReplayRow[] = buildReplay(history(), { reveal: false });

  it('table: a header, then per event a line, its data and its state', () => {
    const text = formatReplayTable(rows);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 3 * rows.length);
    expect(lines[0]).toMatch(/^rev\s+created\s+type\s+actor\s+rule\s+correlation\s+causation$/);
    expect(lines[1]).toMatch(
      /^0\s+2025-03-10T09:00:00.000Z\s+ConversationStarted\s+contact:33612345678\s+-\s+corr-1\s+cause-1$/,
    );
    expect(lines[2]).toMatch(/^ {4}data {3}\{"conversationId":"c"/);
    expect(lines[3]).toBe('    state  no ticket; no open session; 0 messages; no last message');
    expect(formatReplayTable([])).toBe('no events\n');
  });

  it('state summary in one line', () => {
    expect(formatStateSummary(rows[5].state)).toBe(
      'ticket Open (owner agent-1); session open until 2025-03-11T09:00:00.000Z; 2 messages; last outbound: On it',
    );
  });

  it('json: one document with the header; ndjson: one row per line', () => {
    const header = { conversationId: 'c', stream: 'conversation-c', asOf: null, revealed: false };
    expect(JSON.parse(formatReplayJson(header, rows))).toEqual({ ...header, events: JSON.parse(JSON.stringify(rows)) });
    const lines = formatReplayNdjson(rows).trimEnd().split('\n');
    expect(lines).toHaveLength(rows.length);
    expect(JSON.parse(lines[6])).toMatchObject({ type: 'MessageQuarantined', revision: '6' });
    expect(formatReplayNdjson([])).toBe('');
  });
});
