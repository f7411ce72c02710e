import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CommandBus } from '@nestjs/cqrs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@helpdesk/config';
import { conversationIdOf, conversationStreamName } from '@helpdesk/domain';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@helpdesk/event-store';
import { ConnectAccountCommand } from '@helpdesk/commands/channel/connect-account.handler.js';
import { TestClock } from '@helpdesk/commands/conversation/conversation.test-world.js';
import type { AppOverrides } from '../app.module.js';
import { createApp } from '../create-app.js';
import { RegisterPortalCommand } from '@helpdesk/commands/portal/register-portal.handler.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import { InboxProcessor } from './inbox-processor.js';
import { isInboxStream } from './webhook-inbox.js';
import { signWhatsAppPayload } from './whatsapp-signature.js';
import { eventsOf } from '../../../../test/support/stream-events.js';

export { eventsOf };

/** The booted service over real HTTP, with the pywa fixtures' business number connected to a portal. */
export const APP_SECRET = 'test-app-secret';
export const VERIFY_TOKEN = 'test-verify-token';
export const portalId = 'acme';
export const phoneNumberId = '1122334455667';
export const contactWaId = '972987654321';
export const admin: CommandOrigin = { portalId, actor: { kind: 'user', id: 'admin-1' } };
/** Before every fixture's timestamp: the channel imports them all. */
export const CONNECTED_AT = '2023-10-01T00:00:00.000Z';
/** The clock once the channel is connected: within 24 hours of the fixtures' text message. */
export const RECEIVED_AT = '2023-10-12T08:00:00.000Z';

export interface PostOptions {
  /** Default: Meta's signature of the body; null sends none. */
  readonly signature?: string | null;
  readonly contentType?: string;
}

export async function openWebhookWorld(
  env: Record<string, string> = { WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN, WHATSAPP_APP_SECRET: APP_SECRET },
  /** Given the world's clock, before the app boots (virtual timers advancing it, say). */
  overridesFor: (clock: TestClock) => Omit<AppOverrides, 'clock'> = () => ({}),
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'webhooks-e2e-'));
  const clock = new TestClock(new Date(CONNECTED_AT));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env });
  const app: NestFastifyApplication = await createApp(config, { ...overridesFor(clock), clock });
  await app.listen(0, '127.0.0.1');
  const url = `${await app.getUrl()}/webhooks/whatsapp`;
  const store = app.get<EventStore>(EVENT_STORE);
  const bus = app.get(CommandBus);
  const processor = app.get(InboxProcessor);

  return {
    app,
    url,
    dataDir,
    clock,
    store,
    bus,
    processor,
    connectChannel(): Promise<void> {
      return connectFixtureChannel(bus);
    },
    sign(body: string | Buffer): string {
      return signWhatsAppPayload(body, APP_SECRET);
    },
    post(body: string | Buffer, options: PostOptions = {}): Promise<Response> {
      const signature = options.signature === undefined ? signWhatsAppPayload(body, APP_SECRET) : options.signature;
      const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
      if (signature !== null) headers['x-hub-signature-256'] = signature;
      return fetch(url, { method: 'POST', headers, body });
    },
    verify(query: Record<string, string>): Promise<Response> {
      return fetch(`${url}?${new URLSearchParams(query)}`);
    },
    async metrics(): Promise<string> {
      return (await fetch(url.replace('/webhooks/whatsapp', '/metrics'))).text();
    },
    /** Every event of the inbox streams, oldest first. */
    async inbox(): Promise<RecordedEvent[]> {
      const events: RecordedEvent[] = [];
      for await (const event of store.readAll()) if (isInboxStream(event.streamName)) events.push(event);
      return events;
    },
    /** Waits (no sleep) until the processor has handled everything stored in the inbox so far. */
    async processed(): Promise<void> {
      const stored = await this.inbox();
      if (stored.length > 0) await processor.whenProcessed(stored[stored.length - 1].position);
    },
    async conversation(contact = contactWaId, numberId = phoneNumberId): Promise<RecordedEvent[]> {
      return eventsOf(
        store,
        conversationStreamName(conversationIdOf({ portalId, phoneNumberId: numberId, contactWaId: contact })),
      );
    },
    async close(): Promise<void> {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type WebhookWorld = Awaited<ReturnType<typeof openWebhookWorld>>;

/** A portal whose connected channel holds the fixtures' number; the clock must read CONNECTED_AT. */
export async function connectFixtureChannel(bus: CommandBus): Promise<void> {
  await bus.execute(
    new RegisterPortalCommand(admin, { name: 'Acme', timeZone: 'Asia/Jerusalem', subscriptionStartedOn: '2023-01-15' }),
  );
  await bus.execute(
    new ConnectAccountCommand(admin, {
      ...{ accountId: 'account-1', wabaId: '1234567890987654321', name: 'Acme support', timeZone: 'Asia/Jerusalem' },
      ...{
        accountType: 'business',
        businessVerified: true,
        phoneNumbers: [{ phoneNumberId, displayNumber: '+972123456789' }],
      },
    }),
  );
}

export function receivedWamids(events: readonly RecordedEvent[]): string[] {
  return events
    .filter((event) => event.type === 'InboundMessageReceived')
    .map((event) => (event.data as { wamid: string }).wamid);
}

/** A text message from the fixtures' contact, in Meta's exact envelope. */
export function textPayload(wamid: string, body: string, options: { phoneNumberId?: string; display?: string } = {}) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '1234567890987654321',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: options.display ?? '972123456789',
                phone_number_id: options.phoneNumberId ?? phoneNumberId,
              },
              contacts: [{ profile: { name: 'Test Name' }, wa_id: contactWaId }],
              messages: [{ from: contactWaId, id: wamid, timestamp: '1697043223', type: 'text', text: { body } }],
            },
          },
        ],
      },
    ],
  };
}
