import { CLOCK, systemClock } from '../shared/clock.js';
import { Global, Module } from '@nestjs/common';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conversationStreamName } from '@helpdesk/domain';
import { EVENT_STORE, type SqliteEventStore, openSqliteEventStore } from '@helpdesk/event-store';
import { ChannelModule } from '../channel/channel.module.js';
import { ConnectAccountCommand } from '../channel/connect-account.handler.js';
import { ContactModule } from '../contact/contact.module.js';
import { CreateContactCommand } from '../contact/create-contact.handler.js';
import { PortalModule } from '../portal/portal.module.js';
import { RegisterPortalCommand } from '../portal/register-portal.handler.js';
import { ConversationModule } from './conversation.module.js';
import { UPLOAD_CLAIMS } from './upload-claims.js';
import { KeptUploads, admin, businessPhone, contactPhone, phoneNumberId } from './conversation.test-world.js';
import { ReceiveInboundMessageCommand } from './receive-inbound-message.handler.js';
import { APP_CONFIG, loadConfig } from '@helpdesk/config';

/** Checks the wiring only (Nest resolves every provider, the bus reaches the handlers): the rules are tested elsewhere. */
describe('ConversationModule wired into Nest', () => {
  let dataDir: string;
  let store: SqliteEventStore;
  let app: INestApplicationContext;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'conversation-module-'));
    store = openSqliteEventStore({ dataDir });
    @Global()
    @Module({
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: CLOCK, useValue: systemClock },
        { provide: UPLOAD_CLAIMS, useValue: new KeptUploads() },
        // Without a configuration the channel module refuses every connection (it cannot ask Meta).
        { provide: APP_CONFIG, useValue: loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test' }) },
      ],
      exports: [EVENT_STORE, CLOCK, APP_CONFIG, UPLOAD_CLAIMS],
    })
    class TestStoresModule {}
    @Module({
      imports: [CqrsModule.forRoot(), TestStoresModule, PortalModule, ChannelModule, ContactModule, ConversationModule],
    })
    class TestModule {}
    app = await NestFactory.createApplicationContext(TestModule, { logger: false, abortOnError: false });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('receives a message through the command bus, associates a contact created later, and opens the session', async () => {
    const bus = app.get(CommandBus);
    await bus.execute(
      new RegisterPortalCommand(admin, { name: 'Acme', timeZone: 'Europe/Paris', subscriptionStartedOn: '2024-01-15' }),
    );
    await bus.execute(
      new ConnectAccountCommand(admin, {
        ...{ accountId: 'account-1', wabaId: 'waba-1', name: 'Acme support', timeZone: 'Europe/Paris' },
        ...{
          accountType: 'business',
          businessVerified: true,
          phoneNumbers: [{ phoneNumberId, displayNumber: businessPhone }],
        },
      }),
    );
    const sentAt = new Date(Date.now() + 1000).toISOString();
    const content = { kind: 'text' as const, body: 'Hello' };
    const receipt = await bus.execute(
      new ReceiveInboundMessageCommand({ phoneNumberId, wamid: 'wamid.1', from: contactPhone, sentAt, content }),
    );
    await bus.execute(
      new CreateContactCommand(admin, { contactId: 'contact-1', name: 'Ana', mobilePhoneNumber: contactPhone }),
    );

    const types: string[] = [];
    for await (const event of store.readStream(conversationStreamName(receipt.conversationId))) types.push(event.type);
    expect(types).toEqual([
      'ConversationStarted',
      'TicketOpened',
      'InboundMessageReceived',
      'SessionOpened',
      'ContactAssociated',
    ]);
  });
});
