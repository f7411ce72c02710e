import { conversationStreamName } from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';
import {
  RunConversationCommand,
  RunConversationCommandHandler,
} from '@helpdesk/commands/conversation/conversation-command.handler.js';
import {
  HOUR,
  agent,
  conversationOf,
  inboundMessage,
  later,
} from '@helpdesk/commands/conversation/conversation.test-world.js';
import { ReplyToContactCommand } from '@helpdesk/commands/conversation/reply-to-contact.handler.js';
import { AUDITED_STORE_KINDS } from '../audited-stores.test-world.js';
import { type AuditorWorld, openAuditorWorld } from '../auditor.test-world.js';
import type { CliIo } from '../cli-command.js';
import { replay } from './replay.command.js';
import { QUARANTINE_PLACEHOLDER } from '@helpdesk/audit';

const sentAt = '2025-03-10T09:00:00.000Z';
const assignedAt = later(sentAt, HOUR);
const repliedAt = later(sentAt, 2 * HOUR);
const conversationId = conversationOf();
const stream = conversationStreamName(conversationId);
const SECRET = 'my card number is 4111';

describe.each(AUDITED_STORE_KINDS)('helpdesk replay conversation on $name', (kind) => {
  let world: AuditorWorld;
  let quarantinedId: string;

  beforeEach(async () => {
    world = await openAuditorWorld(kind, '2025-03-01T08:00:00.000Z');
    world.clock.set(sentAt);
    await world.receive({ ...inboundMessage('wamid.a', sentAt), content: { kind: 'text', body: SECRET } });
    world.clock.set(assignedAt);
    await new RunConversationCommandHandler(world.store, world.clock).execute(
      new RunConversationCommand(agent(), conversationId, 'AssignTicket', {
        ticketId: (await ticketId()) ?? '',
        assigneeId: 'agent-1',
      }),
    );
    // The store stamps events with the world's clock: the reply and the quarantine come an hour after the assignment.
    world.clock.set(repliedAt);
    await world.replies.execute(
      new ReplyToContactCommand(agent(), conversationId, { kind: 'text', body: 'We are on it' }),
    );
    const inbound = (await world.eventsOf(stream)).find((event) => event.type === 'InboundMessageReceived')!;
    quarantinedId = (inbound.data as { messageId: string }).messageId;
    await new RunConversationCommandHandler(world.store, world.clock).execute(
      new RunConversationCommand(agent(), conversationId, 'QuarantineMessage', {
        messageId: quarantinedId,
        reason: 'card number',
      }),
    );
  });

  afterEach(() => world.close());

  async function ticketId(): Promise<string | undefined> {
    const opened = (await world.eventsOf(stream)).find((event) => event.type === 'TicketOpened');
    return (opened?.data as { ticketId?: string } | undefined)?.ticketId;
  }

  function storedEvents(): Promise<RecordedEvent[]> {
    return world.eventsOf(stream);
  }

  function run(...argv: string[]) {
    return world.run(...argv);
  }

  it('prints every event as a table with actor, rule version, ids and the state after it, content hidden', async () => {
    const events = await storedEvents();
    const { code, stdout, stderr } = await run('replay', 'conversation', conversationId);

    // Nothing on stderr but the store it opened.
    expect(stderr).toMatch(/^helpdesk replay: event store \S[^\n]*\n$/);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^rev\s+created\s+type\s+actor\s+rule\s+correlation\s+causation$/);
    expect(lines).toHaveLength(1 + 3 * events.length);
    const reply = events.find((event) => event.type === 'ReplyAccepted')!;
    const replyLine = lines.find((line) => line.includes('ReplyAccepted'))!;
    expect(replyLine).toContain('user:agent-1');
    expect(replyLine).toContain(String(reply.metadata.ruleVersion));
    expect(replyLine).toContain(String(reply.metadata.correlationId));
    expect(stdout).toContain('ticket Open (owner agent-1)');
    expect(stdout).toContain('last outbound: We are on it');
    expect(stdout).not.toContain(SECRET);
    expect(stdout).toContain(QUARANTINE_PLACEHOLDER);
  });

  it('prints JSON and NDJSON with the same rows, quarantined content hidden also before the quarantine', async () => {
    const events = await storedEvents();
    const json = await run('replay', 'conversation', conversationId, '--format', 'json');
    const ndjson = await run('replay', 'conversation', conversationId, '--format', 'ndjson');

    expect([json.code, ndjson.code]).toEqual([0, 0]);
    const document = JSON.parse(json.stdout) as {
      conversationId: string;
      revealed: boolean;
      events: Record<string, any>[];
    };
    expect(document).toMatchObject({ conversationId, stream, revealed: false, asOf: null });
    expect(document.events.map((row) => row.type)).toEqual(events.map((event) => event.type));
    const rows = ndjson.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, any>);
    expect(rows).toEqual(document.events);
    const received = rows.find((row) => row.type === 'InboundMessageReceived')!;
    expect(received.data.content).toBe(QUARANTINE_PLACEHOLDER);
    expect(received.state.lastMessage).toEqual({
      messageId: quarantinedId,
      direction: 'inbound',
      text: QUARANTINE_PLACEHOLDER,
    });
    expect(rows[0]).toMatchObject({ revision: '0', type: 'ConversationStarted', actor: expect.any(String) });
    expect(rows.at(-1)).toMatchObject({
      type: 'MessageQuarantined',
      state: { messageCount: 2, ticketOwner: 'agent-1' },
    });
    expect(json.stdout + ndjson.stdout).not.toContain(SECRET);
  });

  it('--as-of stops at the last event created at or before that instant', async () => {
    const events = await storedEvents();
    expect(events.map((event) => event.created.toISOString())).toContain(assignedAt);
    const expected = events.filter((event) => event.created.toISOString() <= assignedAt);
    expect(expected.at(-1)!.type).toBe('TicketAssigned');
    expect(expected.length).toBeLessThan(events.length);

    // Cut exactly at the assignment's instant: "at or before" keeps it, the reply an hour later is left out.
    const { code, stdout } = await run(
      'replay',
      'conversation',
      conversationId,
      '--as-of',
      assignedAt,
      '--format',
      'ndjson',
    );

    expect(code).toBe(0);
    const rows = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, any>);
    expect(rows.map((row) => row.type)).toEqual(expected.map((event) => event.type));
    expect(rows.map((row) => row.type)).not.toContain('ReplyAccepted');
    expect(rows.at(-1)!.state).toMatchObject({ ticketOwner: 'agent-1', messageCount: 1 });
    expect(rows.at(-1)!.state.lastMessage.text).toBe(QUARANTINE_PLACEHOLDER);
  });

  it('--reveal records the reveal through the handler, then shows the content', async () => {
    const before = await storedEvents();
    const clock = { now: () => new Date('2025-03-11T10:00:00.000Z') };
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      env: { ...world.env, LOG_LEVEL: 'silent', NODE_ENV: 'test' },
    };
    const argv = [
      'conversation',
      conversationId,
      '--reveal',
      '--reason',
      'legal hold 42',
      '--auditor',
      'auditor-7',
      '--format',
      'ndjson',
    ];

    expect(await replay(argv, io, clock)).toBe(0);

    const after = await storedEvents();
    expect(after).toHaveLength(before.length + 1);
    const revealed = after.at(-1)!;
    expect(revealed).toMatchObject({
      type: 'QuarantinedContentRevealed',
      data: { messageId: quarantinedId, reason: 'legal hold 42', revealedAt: '2025-03-11T10:00:00.000Z' },
      metadata: { actorId: 'user:auditor-7', tenantId: 'acme', command: 'RevealQuarantinedMessage' },
    });
    expect(stderr).toContain('recorded the reveal of 1 quarantined message(s) by auditor-7');
    const rows = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, any>);
    expect(rows.find((row) => row.type === 'InboundMessageReceived')!.data.content).toEqual({
      kind: 'text',
      body: SECRET,
    });
    expect(rows.at(-1)!.type).toBe('QuarantinedContentRevealed');
    expect(stdout).not.toContain(QUARANTINE_PLACEHOLDER);
  });

  it('refuses --reveal without a reason or an auditor, and a missing conversation', async () => {
    const count = (await storedEvents()).length;
    const noReason = await run('replay', 'conversation', conversationId, '--reveal', '--auditor', 'a');
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reveal needs --reason and --auditor');
    expect(await storedEvents()).toHaveLength(count);

    const missing = await run('replay', 'conversation', 'acme-1-2');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no conversation acme-1-2');

    const badFormat = await run('replay', 'conversation', conversationId, '--format', 'xml');
    expect(badFormat.code).toBe(2);
  });
});
