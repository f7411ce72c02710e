import { Global, Module } from '@nestjs/common';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_CONFIG, loadConfig } from '@helpdesk/config';
import { phoneNumberIdStreamName } from '@helpdesk/domain';
import { EVENT_STORE, type SqliteEventStore, openSqliteEventStore } from '@helpdesk/event-store';
import { ChannelModule } from '@helpdesk/commands/channel/channel.module.js';
import { ContactModule } from '@helpdesk/commands/contact/contact.module.js';
import { KeptUploads, TestClock } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { UPLOAD_CLAIMS } from '@helpdesk/commands/conversation/upload-claims.js';
import { ConversationModule } from '@helpdesk/commands/conversation/conversation.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { PortalModule } from '@helpdesk/commands/portal/portal.module.js';
import { CLOCK } from '@helpdesk/commands/shared/clock.js';
import { InboxProcessor } from './inbox-processor.js';
import { CHECKPOINT_STREAM } from './processor-checkpoint.js';
import { positionOfFailure, readPayloadFailures } from './processing-failures.js';
import { WebhookInbox } from './webhook-inbox.js';
import { CONNECTED_AT, connectFixtureChannel, eventsOf, textPayload } from './webhook.test-world.js';
import { WebhooksModule } from './webhooks.module.js';

const conversationStream = 'conversation-acme-1122334455667-972987654321';
const wamidsIn = async (store: SqliteEventStore) =>
  (await eventsOf(store, conversationStream))
    .filter((event) => event.type === 'InboundMessageReceived')
    .map((event) => (event.data as { wamid: string }).wamid);

/** The processor's own module wiring on a store the test keeps across restarts. */
async function bootProcessor(store: SqliteEventStore, dataDir: string): Promise<INestApplicationContext> {
  @Global()
  @Module({
    providers: [
      { provide: EVENT_STORE, useValue: store },
      { provide: CLOCK, useValue: new TestClock(new Date(CONNECTED_AT)) },
      // Inbound messages only: the reply handler, wired all the same, never claims an upload here.
      { provide: UPLOAD_CLAIMS, useValue: new KeptUploads() },
      {
        provide: APP_CONFIG,
        useValue: loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test', WHATSAPP_APP_SECRET: 'secret' }),
      },
    ],
    exports: [EVENT_STORE, CLOCK, APP_CONFIG, UPLOAD_CLAIMS],
  })
  class TestStoresModule {}
  @Module({
    imports: [
      CqrsModule.forRoot(),
      TestStoresModule,
      MetricsModule,
      PortalModule,
      ChannelModule,
      ContactModule,
      ConversationModule,
      WebhooksModule,
    ],
  })
  class TestModule {}
  const app = await NestFactory.createApplicationContext(TestModule, { logger: false, abortOnError: false });
  return app.init();
}

describe('The inbox processor against the embedded store', () => {
  let dataDir: string;
  let store: SqliteEventStore;
  let app: INestApplicationContext;
  const processed = (name: string) => app.get(MetricsRegistry).counter(name, '').get();
  const record = (payload: object) =>
    app.get(WebhookInbox).record({
      body: JSON.stringify(payload),
      signature: 'sha256=not-checked-here',
      receivedAt: '2023-10-12T08:00:00.000Z',
      contentType: 'application/json',
    });

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'inbox-processor-'));
    store = openSqliteEventStore({ dataDir });
    app = await bootProcessor(store, dataDir);
    await connectFixtureChannel(app.get(CommandBus));
  });

  afterEach(async () => {
    await app.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes after its durable checkpoint: a restart processes only what was stored meanwhile', async () => {
    const first = await record(textPayload('wamid.before', 'Before the restart'));
    await app.get(InboxProcessor).whenProcessed(first.position);
    await app.close();

    const second = await record(textPayload('wamid.during', 'While it was down'));
    expect(await wamidsIn(store)).toEqual(['wamid.before']);
    app = await bootProcessor(store, dataDir);
    await app.get(InboxProcessor).whenProcessed(second.position);

    expect(await wamidsIn(store)).toEqual(['wamid.before', 'wamid.during']);
    expect(processed('whatsapp_webhook_payloads_processed_total')).toBe(1);
    expect((await store.getStreamMetadata(CHECKPOINT_STREAM))?.metadata.maxCount).toBe(10);
  });

  it('records an unexpected failure, goes on with the next payload, and reprocesses the payload after a fix', async () => {
    // Bad data in the claim of the number's id (the account's own claim, naming no valid number) makes routing throw.
    const index = phoneNumberIdStreamName('1122334455667');
    const link = (phoneNumber: string) => [
      {
        id: randomUUID(),
        type: 'PhoneNumberIdClaimed',
        data: {
          phoneNumberId: '1122334455667',
          phoneNumber,
          accountId: 'account-1',
          portalId: 'acme',
          claimedAt: CONNECTED_AT,
        },
      },
    ];
    await store.append(index, link('not a number'));
    const failing = await record(textPayload('wamid.failing', 'Hit by bad data'));
    const unrouted = await record(
      textPayload('wamid.elsewhere', 'To another number', { phoneNumberId: '999', display: '15550001111' }),
    );
    await app.get(InboxProcessor).whenProcessed(unrouted.position);

    const [failure, ...more] = await readPayloadFailures(store);
    expect(more).toEqual([]);
    expect(failure).toMatchObject({
      payloadEventId: failing.eventId,
      inboxStream: failing.streamName,
      position: { commit: failing.position.commit.toString() },
      failures: [
        {
          where: 'entry[0].changes[0].value.messages[0]',
          error: { name: 'DomainError', code: 'INVALID_PHONE_NUMBER' },
        },
      ],
    });
    expect(processed('whatsapp_webhook_payloads_failed_total')).toBe(1);
    expect(processed('whatsapp_webhook_payloads_processed_total')).toBe(2);
    expect(await wamidsIn(store)).toEqual([]);

    await store.append(index, link('+972123456789'));
    const reports = await app.get(InboxProcessor).reprocess(positionOfFailure(failure));

    expect(reports.map((report) => report.outcomes.map((outcome) => outcome.kind))).toEqual([
      ['message_recorded'],
      ['message_unrouted'],
    ]);
    expect(await wamidsIn(store)).toEqual(['wamid.failing']);
    const again = await app.get(InboxProcessor).reprocessPayload(failing.streamName, failing.eventId);
    expect(again.outcomes).toEqual([expect.objectContaining({ kind: 'message_duplicate' })]);
    expect(await readPayloadFailures(store)).toHaveLength(1);
  });
});
