import { rmSync } from 'node:fs';
import { conversationStreamName } from '@helpdesk/domain';
import { type RecordedEvent, openSqliteEventStore } from '@helpdesk/event-store';
import { eventsOf } from '../../../../test/support/stream-events.js';
import { AssignTicketCommand, AssignTicketHandler } from '../../../api/src/conversation/assign-ticket.handler.js';
import {
  HOUR,
  agent,
  conversationOf,
  inboundMessage,
  later,
  openWorld,
} from '../../../api/src/conversation/conversation.test-world.js';
import { QuarantineMessageCommand, QuarantineMessageHandler } from '../../../api/src/conversation/quarantine-message.handler.js';
import { ReplyToContactCommand } from '../../../api/src/conversation/reply-to-contact.handler.js';
import type { CliIo } from '../cli-command.js';
import { runHelpdesk } from '../cli.test-world.js';
import { replay } from './replay.command.js';
import { QUARANTINE_PLACEHOLDER } from './replay-model.js';

const sentAt = '2025-03-10T09:00:00.000Z';
const conversationId = conversationOf();
const stream = conversationStreamName(conversationId);
const SECRET = 'my card number is 4111';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('helpdesk replay conversation against a temporary DATA_DIR', () => {
  let dataDir: string;
  let cut: Date;
  let quarantinedId: string;

  beforeEach(async () => {
    const world = await openWorld({ connectedAt: '2025-03-01T08:00:00.000Z' });
    dataDir = world.dataDir;
    world.clock.set(sentAt);
    await world.receive({ ...inboundMessage('wamid.a', sentAt), content: { kind: 'text', body: SECRET } });
    world.clock.set(later(sentAt, HOUR));
    await new AssignTicketHandler(world.store, world.clock).execute(
      new AssignTicketCommand(agent(), conversationId, { ticketId: (await ticketId(world.store)) ?? '', assigneeId: 'agent-1' }),
    );
    await sleep(20);
    cut = new Date();
    await sleep(20);
    await world.replies.execute(new ReplyToContactCommand(agent(), conversationId, { kind: 'text', body: 'We are on it' }));
    const inbound = (await world.eventsOf(stream)).find((event) => event.type === 'InboundMessageReceived')!;
    quarantinedId = (inbound.data as { messageId: string }).messageId;
    await new QuarantineMessageHandler(world.store, world.clock).execute(
      new QuarantineMessageCommand(agent(), conversationId, { messageId: quarantinedId, reason: 'card number' }),
    );
    await world.store.close();
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  async function ticketId(store: Parameters<typeof eventsOf>[0]): Promise<string | undefined> {
    const opened = (await eventsOf(store, stream)).find((event) => event.type === 'TicketOpened');
    return (opened?.data as { ticketId?: string } | undefined)?.ticketId;
  }

  async function storedEvents(): Promise<RecordedEvent[]> {
    const store = openSqliteEventStore({ dataDir });
    try {
      return await eventsOf(store, stream);
    } finally {
      await store.close();
    }
  }

  async function run(...argv: string[]) {
    return runHelpdesk(dataDir, ...argv);
  }

  it('prints every event as a table with actor, rule version, ids and the state after it, content hidden', async () => {
    const events = await storedEvents();
    const { code, stdout, stderr } = await run('replay', 'conversation', conversationId);

    expect(stderr).toBe('');
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
    const document = JSON.parse(json.stdout) as { conversationId: string; revealed: boolean; events: Record<string, any>[] };
    expect(document).toMatchObject({ conversationId, stream, revealed: false, asOf: null });
    expect(document.events.map((row) => row.type)).toEqual(events.map((event) => event.type));
    const rows = ndjson.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    expect(rows).toEqual(document.events);
    const received = rows.find((row) => row.type === 'InboundMessageReceived')!;
    expect(received.data.content).toBe(QUARANTINE_PLACEHOLDER);
    expect(received.state.lastMessage).toEqual({ messageId: quarantinedId, direction: 'inbound', text: QUARANTINE_PLACEHOLDER });
    expect(rows[0]).toMatchObject({ revision: '0', type: 'ConversationStarted', actor: expect.any(String) });
    expect(rows.at(-1)).toMatchObject({ type: 'MessageQuarantined', state: { messageCount: 2, ticketOwner: 'agent-1' } });
    expect(json.stdout + ndjson.stdout).not.toContain(SECRET);
  });

  it('--as-of stops at the last event created at or before that instant', async () => {
    const events = await storedEvents();
    const expected = events.filter((event) => event.created.getTime() <= cut.getTime());
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(events.length);

    const { code, stdout } = await run('replay', 'conversation', conversationId, '--as-of', cut.toISOString(), '--format', 'ndjson');

    expect(code).toBe(0);
    const rows = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
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
      env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' },
    };
    const argv = ['conversation', conversationId, '--reveal', '--reason', 'legal hold 42', '--auditor', 'auditor-7', '--format', 'ndjson'];

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
    const rows = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    expect(rows.find((row) => row.type === 'InboundMessageReceived')!.data.content).toEqual({ kind: 'text', body: SECRET });
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
