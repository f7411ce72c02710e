import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { conversationStreamName } from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';
import { AssignTicketCommand, AssignTicketHandler } from '../../../api/src/conversation/assign-ticket.handler.js';
import { agent, conversationOf, inboundMessage } from '../../../api/src/conversation/conversation.test-world.js';
import { AUDITED_STORE_KINDS } from '../audited-stores.test-world.js';
import { type AuditorWorld, openAuditorWorld } from '../auditor.test-world.js';
import { canonicalJson, hashOf } from './export-chain.js';

const sentAt = '2025-03-10T09:00:00.000Z';
const conversationId = conversationOf();
const stream = conversationStreamName(conversationId);

describe.each(AUDITED_STORE_KINDS)('helpdesk export / export verify on $name', (kind) => {
  let world: AuditorWorld;
  let file: string;

  beforeEach(async () => {
    world = await openAuditorWorld(kind, '2025-03-01T08:00:00.000Z');
    file = join(world.dir, 'export.ndjson');
    world.clock.set(sentAt);
    await world.receive(inboundMessage('wamid.a', sentAt));
    await world.receive(inboundMessage('wamid.b', sentAt, '+33699999999'));
    const opened = (await world.eventsOf(stream)).find((event) => event.type === 'TicketOpened')!;
    await new AssignTicketHandler(world.store, world.clock).execute(
      new AssignTicketCommand(agent(), conversationId, { ticketId: (opened.data as { ticketId: string }).ticketId, assigneeId: 'agent-1' }),
    );
  });

  afterEach(() => world.close());

  async function allEvents(): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of world.store.readAll()) events.push(event);
    return events;
  }

  function run(...argv: string[]) {
    return world.run(...argv);
  }

  const fileLines = () => readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, any>);

  it('exports one conversation, and verify passes', async () => {
    const events = (await allEvents()).filter((event) => event.streamName === stream);
    const exported = await run('export', 'conversation', conversationId, '--out', file);
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    expect(exported.stdout).toContain(`wrote ${events.length} events`);

    const lines = fileLines();
    expect(lines).toHaveLength(events.length + 1);
    expect(lines[0]).toMatchObject({ stream, revision: '0', id: events[0].id, type: 'ConversationStarted', created: events[0].created.toISOString() });
    expect(lines[0].position).toEqual({ commit: events[0].position.commit.toString(), prepare: events[0].position.prepare.toString() });
    expect(lines.at(-1)).toEqual({ summary: true, scope: `conversation ${conversationId}`, count: events.length, lastHash: lines.at(-2)!.hash });

    const verified = await run('export', 'verify', file);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`${events.length} events, chain intact`);
  });

  it('exports every stream of a portal (tenantId) across $all, in $all order', async () => {
    const events = await allEvents();
    const streams = new Set(events.filter((event) => event.metadata.tenantId === 'acme').map((event) => event.streamName));
    const expected = events.filter((event) => streams.has(event.streamName));
    expect(streams.size).toBeGreaterThan(3);

    expect((await run('export', 'portal', 'acme', '--out', file)).code).toBe(0);
    const lines = fileLines();
    expect(lines.slice(0, -1).map((line) => line.id)).toEqual(expected.map((event) => event.id));
    expect(new Set(lines.slice(0, -1).map((line) => line.stream))).toEqual(streams);
    expect((await run('export', 'verify', file)).code).toBe(0);

    expect((await run('export', 'portal', 'nobody', '--out', file)).code).toBe(0);
    expect(fileLines()).toEqual([{ summary: true, scope: 'portal nobody', count: 0, lastHash: '0'.repeat(64) }]);
  });

  it('verify fails naming the line when one line of the file is edited', async () => {
    await run('export', 'conversation', conversationId, '--out', file);
    const text = readFileSync(file, 'utf8').split('\n');
    const edited = JSON.parse(text[2]) as Record<string, any>;
    edited.data = { ...edited.data, injected: true };
    text[2] = JSON.stringify(edited);
    writeFileSync(file, text.join('\n'));

    const verified = await run('export', 'verify', file);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toContain('line 3: hash mismatch');
  });

  it('verify fails naming the line when the chain is recomputed over edited data that the store does not have', async () => {
    await run('export', 'conversation', conversationId, '--out', file);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    lines[1].data = { ...lines[1].data, forged: true };
    let prev = lines[1].prevHash as string;
    for (const line of lines.slice(1, -1)) {
      const { prevHash: _p, hash: _h, ...event } = line;
      line.prevHash = prev;
      line.hash = hashOf(prev, event as never);
      prev = line.hash as string;
    }
    lines.at(-1)!.lastHash = prev;
    writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    expect(canonicalJson(lines[1].data)).toContain('forged');

    const verified = await run('export', 'verify', file);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toMatch(/line 2: .*data differs from the store/);
  });

  it('refuses a missing --out and an unknown conversation', async () => {
    expect((await run('export', 'conversation', conversationId)).code).toBe(2);
    const missing = await run('export', 'conversation', 'acme-1-2', '--out', file);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no conversation acme-1-2');
  });
});
