import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '@helpdesk/config';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@helpdesk/event-store';
import { createApp } from '../../apps/api/src/create-app.js';
import { InboxProcessor } from '../../apps/api/src/webhooks/inbox-processor.js';
import { readPayloadFailures } from '../../apps/api/src/webhooks/processing-failures.js';
import { isInboxStream } from '../../apps/api/src/webhooks/webhook-inbox.js';
import { seedDemo, type SeedDemoReport } from '../../apps/cli/src/seed-demo/seed-demo.js';
import { generateTraffic } from '../../apps/simulator/src/generate-traffic.js';
import type { MessageType } from '../../apps/simulator/src/message-types.js';
import { createPrng } from '@helpdesk/demo';
import { runSimulation, webhookUrl } from '../../apps/simulator/src/run-simulation.js';
import type { TrafficOptions } from '../../apps/simulator/src/traffic-options.js';

const APP_SECRET = 'demo-app-secret';
const SEED = 11;

/** The README's demo, end to end: seed a fresh install, boot the API, send it simulated traffic. */
describe('Demo: seed-demo, then the simulator against the booted API', () => {
  let dataDir: string;
  let config: AppConfig;
  let app: NestFastifyApplication;
  let seeded: SeedDemoReport;
  let traffic: TrafficOptions;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'demo-traffic-'));
    config = loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: 'verify',
    });
    const connectedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    seeded = await seedDemo(config, { portalId: 'demo', numbers: 2, timeZone: 'Europe/Amsterdam', connectedAt });
    app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    traffic = {
      appSecret: APP_SECRET,
      targets: seeded.targets.numbers.map((number) => ({ ...number, wabaId: seeded.targets.wabaId })),
      knownContacts: seeded.targets.contacts,
      contacts: 12,
      count: 100,
      rate: 250,
      startAt: new Date(),
      duplicates: 0.05,
      outOfOrder: 0.2,
      unknownNumber: 0.03,
      batch: 2,
    };
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 200 to every payload, then turns the messages to connected numbers into conversations', async () => {
    const summary = await runSimulation({
      url: webhookUrl(await app.getUrl()),
      seed: SEED,
      traffic,
      concurrency: 16,
      retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 500, timeoutMs: 5000 },
    });

    expect(summary).toMatchObject({
      payloads: 100,
      requests: 100,
      delivered: 100,
      gaveUp: 0,
      responses: { '200': 100 },
    });

    const store = app.get<EventStore>(EVENT_STORE);
    // Meta's redeliveries are the same bytes again: answered 200, stored once.
    const sent = [...generateTraffic(traffic, createPrng(SEED))].filter(
      (payload) => payload.description.duplicateOf === undefined,
    );
    expect(sent.length).toBeLessThan(100);
    const inbox = await eventsOf(store, (event) => isInboxStream(event.streamName));
    expect(inbox).toHaveLength(sent.length);
    await app.get(InboxProcessor).whenProcessed(inbox[inbox.length - 1].position);

    const toConnected = sent
      .filter((payload) => !payload.description.unknownNumber)
      .flatMap((payload) => payload.description.messages);
    const toUnknown = sent
      .filter((payload) => payload.description.unknownNumber)
      .flatMap((payload) => payload.description.messages);
    const received = await eventsOf(
      store,
      (event) => event.type === 'InboundMessageReceived' || event.type === 'UnsupportedMessageReceived',
    );
    const shownAs = new Map(received.map((event) => [(event.data as { wamid: string }).wamid, kindOf(event)]));
    const conversations = new Set(received.map((event) => event.streamName));

    expect(conversations.size).toBeGreaterThan(1);
    expect([...conversations].every((stream) => stream.startsWith('conversation-demo-'))).toBe(true);
    expect(received).toHaveLength(toConnected.length);
    for (const { type, wamid } of toConnected)
      expect([type, wamid, shownAs.get(wamid)]).toEqual([type, wamid, SHOWN_AS[type]]);
    expect(toUnknown.length).toBeGreaterThan(0);
    for (const message of toUnknown) expect(shownAs.has(message.wamid)).toBe(false);
    // Anna, seed-demo's first contact, writes most: her conversations are associated with her contact.
    const associated = await eventsOf(store, (event) => event.type === 'ContactAssociated');
    expect(associated.map((event) => (event.data as { contactId: string }).contactId)).toContain('demo-anna');
    await expect(readPayloadFailures(store)).resolves.toEqual([]);
  });
});

/** How the help desk keeps each simulated message type: shown content, or an unsupported placeholder. */
const SHOWN_AS: Readonly<Record<MessageType, string>> = {
  text: 'text',
  image: 'image',
  video: 'video',
  audio: 'audio',
  voice: 'voice',
  document: 'document',
  sticker: 'sticker',
  location: 'location',
  contacts: 'contacts',
  interactive_button: 'interactive_reply',
  interactive_list: 'interactive_reply',
  button: 'button_reply',
  reaction: 'unsupported:reaction',
  reaction_removed: 'unsupported:reaction_removed',
  revoke: 'unsupported:deleted',
  edit: 'unsupported:edited',
  unsupported: 'unsupported:unsupported_type',
  system: 'unsupported:system',
};

function kindOf(event: RecordedEvent): string {
  const data = event.data as { content?: { kind: string }; unsupportedKind?: string };
  return event.type === 'UnsupportedMessageReceived' ? `unsupported:${data.unsupportedKind}` : data.content!.kind;
}

async function eventsOf(store: EventStore, wanted: (event: RecordedEvent) => boolean): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) if (wanted(event)) events.push(event);
  return events;
}
