import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@helpdesk/config';
import { conversationIdOf, conversationStreamName } from '@helpdesk/domain';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { FakeGraphApi } from '@helpdesk/fake-graph-api';
import { ConnectAccountCommand } from '@helpdesk/commands/channel/connect-account.handler.js';
import { TestClock } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { ReceiveInboundMessageCommand } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import { ReplyToContactCommand } from '@helpdesk/commands/conversation/reply-to-contact.handler.js';
import { createApp } from '../create-app.js';
import { RegisterPortalCommand } from '@helpdesk/commands/portal/register-portal.handler.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import { OutboundDispatcher } from './outbound-dispatcher.js';

const admin: CommandOrigin = { portalId: 'acme', actor: { kind: 'user', id: 'admin-1' } };
const agent: CommandOrigin = { portalId: 'acme', actor: { kind: 'user', id: 'agent-1' } };
const phoneNumberId = '106540352242922';
const conversationId = conversationIdOf({ portalId: 'acme', phoneNumberId, contactWaId: '33612345678' });

describe('Outbound delivery in the booted service', () => {
  let graph: FakeGraphApi;
  let dataDir: string;
  let app: NestFastifyApplication;

  async function boot(env: Record<string, string>): Promise<CommandBus> {
    dataDir = mkdtempSync(join(tmpdir(), 'outbound-e2e-'));
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env });
    app = await createApp(config, { clock: new TestClock(new Date('2025-03-10T09:00:00.000Z')) });
    await app.listen(0, '127.0.0.1');
    const bus = app.get(CommandBus);
    await bus.execute(
      new RegisterPortalCommand(admin, { name: 'Acme', timeZone: 'Europe/Paris', subscriptionStartedOn: '2024-01-15' }),
    );
    await bus.execute(
      new ConnectAccountCommand(admin, {
        ...{ accountId: 'account-1', wabaId: 'waba-1', name: 'Acme support', timeZone: 'Europe/Paris' },
        ...{
          accountType: 'business',
          businessVerified: false,
          phoneNumbers: [{ phoneNumberId, displayNumber: '+15550001111' }],
        },
      }),
    );
    const content = { kind: 'text' as const, body: 'Where is my order?' };
    const inbound = {
      phoneNumberId,
      wamid: 'wamid.in-1',
      from: '+33612345678',
      sentAt: '2025-03-10T09:00:00.000Z',
      content,
    };
    await bus.execute(new ReceiveInboundMessageCommand(inbound));
    return bus;
  }

  beforeEach(async () => {
    graph = await FakeGraphApi.start({ accessToken: 'e2e-token' });
  });

  afterEach(async () => {
    await app.close();
    await graph.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("sends an agent's reply to the Graph API configured by WHATSAPP_API_URL and records Meta's id", async () => {
    const bus = await boot({ WHATSAPP_ACCESS_TOKEN: 'e2e-token', WHATSAPP_API_URL: graph.baseUrl });
    const receipt = await bus.execute(
      new ReplyToContactCommand(agent, conversationId, { kind: 'text', body: 'On its way' }),
    );
    await app.get(OutboundDispatcher).whenIdle(receipt.position);

    expect(graph.requestsFor(receipt.messageId)).toEqual([
      expect.objectContaining({ authorization: 'Bearer e2e-token', outcome: 200 }),
    ]);
    const types: string[] = [];
    for await (const event of app.get<EventStore>(EVENT_STORE).readStream(conversationStreamName(conversationId)))
      types.push(event.type);
    expect(types.slice(-3)).toEqual(['ReplyAccepted', 'OutboundSendAttempted', 'OutboundWamidRecorded']);
  });

  it('stays off without WHATSAPP_ACCESS_TOKEN: the reply is accepted and waits', async () => {
    const bus = await boot({ WHATSAPP_API_URL: graph.baseUrl });
    const receipt = await bus.execute(
      new ReplyToContactCommand(agent, conversationId, { kind: 'text', body: 'On its way' }),
    );

    expect(receipt.recorded).toEqual(['ReplyAccepted']);
    expect(app.get(OutboundDispatcher).enabled).toBe(false);
    expect(graph.requests).toEqual([]);
  });
});
