import { TestClock, later } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { RunConversationCommand } from '@helpdesk/commands/conversation/conversation-command.handler.js';
import { ReplyToContactCommand } from '@helpdesk/commands/conversation/reply-to-contact.handler.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { StartCampaignCommand } from '@helpdesk/commands/campaign/start-campaign.handler.js';
import { campaignStreamName } from '@helpdesk/domain';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { CreateViewCommand } from '@helpdesk/commands/view/create-view.handler.js';
import {
  CONNECTED_AT,
  RECEIVED_AT,
  type TicketsWorld,
  acme,
  globex,
  openTicketsWorld,
  phoneNumberId,
  template,
} from '../conversation/tickets.test-world.js';

const PROJECTIONS = `{ projections { name version state position eventsHandled lagEvents lagCapped lagSeconds lastError rows { table rows }
  liveBuild rulesVersion currentRulesVersion stale pendingRebuild { build } rebuild { build } } }`;
const HISTORY = `query History($id: ID!, $asOf: DateTime) {
  conversationHistory(conversationId: $id, asOf: $asOf) { revision created type actor ruleVersion correlationId causationId data state }
}`;
const SECRET_TEXT = 'my card number is 4111 1111 1111 1111';
const HOUR = 3_600_000;

interface Entry {
  revision: string;
  created: string;
  type: string;
  actor: string | null;
  ruleVersion: string | null;
  data: string;
  state: string;
}

/** Operators' projection status and auditors' conversation history, over HTTP on the booted service. */
describe('operations GraphQL API', () => {
  let world: TicketsWorld;
  let conversationId: string;
  /** The store stamps events with this clock: the reply at RECEIVED_AT, the second message an hour later. */
  const storeClock = new TestClock(new Date(CONNECTED_AT));
  /** Between the reply and the second message. */
  const cutAt = later(RECEIVED_AT, HOUR / 2);

  beforeAll(async () => {
    world = await openTicketsWorld({ eventStoreNow: () => storeClock.now().getTime() });
    world.clock.set(RECEIVED_AT);
    storeClock.set(RECEIVED_AT);
    const first = await world.receive('wamid.ops-1', 'Where is my order?');
    conversationId = first.conversationId;
    const origin = { portalId: acme, actor: { kind: 'user' as const, id: 'agent-1' } };
    await world.bus.execute(new ReplyToContactCommand(origin, conversationId, { kind: 'text', body: 'We are on it' }));
    // So that every projection, the views one included, has events to handle.
    await world.bus.execute(
      new CreateViewCommand(origin, { viewId: 'open-ones', name: 'Open ones', sharing: 'everyone', filters: [] }),
    );
    // ...and the campaigns one: a campaign to a contact that does not exist, finished by the runner before going on.
    const { campaignId } = await world.bus.execute(
      new StartCampaignCommand(
        { ...origin, idempotencyKey: 'ops-campaign' },
        {
          fromPhoneNumberId: phoneNumberId,
          template: { name: template.name, language: template.language },
          recipients: [{ contactId: 'c-nobody', parameters: { body: ['Ann', 'A-1'] } }],
        },
      ),
    );
    await campaignFinished(campaignId);
    world.clock.set(later(RECEIVED_AT, HOUR));
    storeClock.set(later(RECEIVED_AT, HOUR));
    const second = await world.receive('wamid.ops-2', SECRET_TEXT);
    const quarantined = await world.bus.execute(
      new RunConversationCommand(origin, conversationId, 'QuarantineMessage', {
        messageId: second.messageId,
        reason: 'card number',
      }),
    );
    await world.app.get(ProjectionsService).whenCaughtUp(quarantined.position ?? undefined);
  });

  afterAll(() => world.close());

  /** Until the runner recorded the campaign's end (it runs on its own): a condition, never a fixed sleep. */
  async function campaignFinished(campaignId: string): Promise<void> {
    const store = world.app.get<EventStore>(EVENT_STORE);
    for (let attempt = 0; attempt < 500; attempt++) {
      const types: string[] = [];
      for await (const event of store.readStream(campaignStreamName(acme, campaignId))) types.push(event.type);
      if (types.includes('CampaignCompleted')) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`campaign ${campaignId} did not finish`);
  }

  it('shows an operator every registered projection, live, caught up and without error', async () => {
    const answer = await world.graphql(PROJECTIONS, {}, await world.token(acme, 'operator', 'ops-1'));
    expect(answer.errors).toBeUndefined();
    const statuses = answer.data?.projections as Record<string, unknown>[];
    const projections = world.app.get(ProjectionsService).projections;
    expect(statuses.map((status) => status.name)).toEqual(projections.map((projection) => projection.name));
    for (const status of statuses) {
      expect(status).toMatchObject({
        state: 'LIVE',
        lastError: null,
        lagEvents: 0,
        lagCapped: false,
        lagSeconds: null,
      });
      // Tables the runners built themselves, under the rules the service runs with; no rebuild yet.
      expect(status).toMatchObject({
        liveBuild: 0,
        stale: false,
        pendingRebuild: null,
        rebuild: null,
        rulesVersion: status.currentRulesVersion,
      });
      expect(status.position).toMatch(/^\d+:\d+$/);
      expect(status.eventsHandled).toBeGreaterThan(0);
    }
    const ticketList = statuses.find((status) => status.name === projections[0].name)!;
    const tables = ticketList.rows as { table: string; rows: number | null }[];
    expect(tables.length).toBe(projections[0].tables.length);
    expect(tables.some((table) => (table.rows ?? 0) > 0)).toBe(true);
    expect(statuses.find((status) => status.name === 'quota')?.currentRulesVersion).toEqual(expect.any(String));
  });

  it('refuses projections to an agent, an auditor and a portal admin, and history to an agent and an operator (FORBIDDEN)', async () => {
    for (const roles of ['agent', 'auditor', 'admin']) {
      const answer = await world.graphql(PROJECTIONS, {}, await world.token(acme, roles));
      expect({ roles, data: answer.data, code: answer.errors?.[0].extensions?.code }).toEqual({
        roles,
        data: null,
        code: 'FORBIDDEN',
      });
    }
    for (const roles of ['agent', 'operator']) {
      const answer = await world.graphql(HISTORY, { id: conversationId }, await world.token(acme, roles));
      expect({ roles, code: answer.errors?.[0].extensions?.code }).toEqual({ roles, code: 'FORBIDDEN' });
    }
  });

  it("replays a conversation for its portal's auditor: every event, with actor and rule version, quarantined text hidden", async () => {
    const answer = await world.graphql(
      HISTORY,
      { id: conversationId },
      await world.token(acme, 'auditor', 'auditor-1'),
    );
    expect(answer.errors).toBeUndefined();
    const entries = answer.data?.conversationHistory as Entry[];
    const types = entries.map((entry) => entry.type);
    expect(types[0]).toBe('ConversationStarted');
    expect(types.filter((type) => type === 'InboundMessageReceived')).toHaveLength(2);
    expect(types[types.length - 1]).toBe('MessageQuarantined');
    expect(entries.map((entry) => entry.revision)).toEqual(entries.map((_, index) => String(index)));
    for (const entry of entries) {
      expect(entry.actor).toMatch(/^(whatsapp|user):/);
      expect(() => JSON.parse(entry.data) as unknown).not.toThrow();
    }
    const reply = entries.find((entry) => entry.type === 'ReplyAccepted')!;
    expect(reply.actor).toBe('user:agent-1');
    expect(reply.ruleVersion).toEqual(expect.any(String));
    expect(reply.ruleVersion).not.toBe('');
    expect(JSON.parse(reply.data)).toMatchObject({ ruleVersion: reply.ruleVersion, content: { body: 'We are on it' } });
    expect(reply.state).toContain('last outbound: We are on it');
    expect(entries[entries.length - 1]).toMatchObject({ actor: 'user:agent-1', ruleVersion: null });
    expect(entries[entries.length - 1].state).toContain('last inbound: [quarantined content hidden]');
    expect(answer.raw).toContain('Where is my order?');
    expect(answer.raw).toContain('[quarantined content hidden]');
    expect(answer.raw).not.toContain(SECRET_TEXT);
    expect(answer.raw).not.toContain('4111');
  });

  it('cuts the history at asOf: only the events created at or before it', async () => {
    const auditor = await world.token(acme, 'auditor', 'auditor-1');
    const whole = (await world.graphql(HISTORY, { id: conversationId }, auditor)).data?.conversationHistory as Entry[];
    const cut = await world.graphql(HISTORY, { id: conversationId, asOf: cutAt }, auditor);
    const entries = cut.data?.conversationHistory as Entry[];
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBeLessThan(whole.length);
    expect(entries).toEqual(whole.filter((entry) => entry.created <= cutAt));
    expect(entries[entries.length - 1].type).toBe('ReplyAccepted');
    expect(entries.map((entry) => entry.type)).not.toContain('MessageQuarantined');
    expect(cut.raw).not.toContain('4111');
    const before = await world.graphql(HISTORY, { id: conversationId, asOf: '2000-01-01T00:00:00Z' }, auditor);
    expect(before.data).toEqual({ conversationHistory: [] });
  });

  it("answers null to another portal's auditor, and for a conversation that does not exist", async () => {
    const other = await world.graphql(
      HISTORY,
      { id: conversationId },
      await world.token(globex, 'auditor', 'auditor-2'),
    );
    expect(other.errors).toBeUndefined();
    expect(other.data).toEqual({ conversationHistory: null });
    expect(other.raw).not.toContain('Where is my order?');
    const missing = await world.graphql(HISTORY, { id: 'no-such-conversation' }, await world.token(acme, 'auditor'));
    expect(missing.data).toEqual({ conversationHistory: null });
  });
});
