import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintAccessToken } from '@helpdesk/auth';
import { loadConfig, type AppConfig } from '@helpdesk/config';
import { conversationIdFromStreamName } from '@helpdesk/domain';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@helpdesk/event-store';
import { createApp } from '../../apps/api/src/create-app.js';
import { seedDemo, type SeedDemoReport } from '../../apps/cli/src/seed-demo/seed-demo.js';
import { DemoGraphApi, type DemoGraphApiEvent } from '../../apps/simulator/src/graph-api/demo-graph-api.js';
import { runSimulation, webhookUrl } from '../../apps/simulator/src/run-simulation.js';

const APP_SECRET = 'demo-app-secret';
const ACCESS_TOKEN = 'anything-the-two-agree-on';

/**
 * The README's demo with replies: seed-demo, the API pointed at the simulator's fake Graph API,
 * simulated traffic, then an agent's reply gets a wamid from the fake and the fake's own
 * delivered and read status webhooks for that wamid.
 */
describe("Demo: a reply goes to the simulator's fake Graph API, and its statuses come back", () => {
  let dataDir: string;
  let config: AppConfig;
  let app: NestFastifyApplication;
  let graph: DemoGraphApi;
  let seeded: SeedDemoReport;
  const events: DemoGraphApiEvent[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'demo-graph-api-'));
    // The API must know the fake's URL before it boots, and the fake the API's before it reports:
    // the fake takes a port found free a moment before.
    const graphPort = await freePort();
    config = loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: 'verify',
      WHATSAPP_API_URL: `http://127.0.0.1:${graphPort}`,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
    });
    const connectedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    seeded = await seedDemo(config, { portalId: 'demo', numbers: 1, timeZone: 'Europe/Amsterdam', connectedAt });
    app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    graph = await DemoGraphApi.start({
      port: graphPort,
      accessToken: ACCESS_TOKEN,
      targets: seeded.targets.numbers.map((number) => ({ ...number, wabaId: seeded.targets.wabaId })),
      webhookUrl: webhookUrl(await app.getUrl()),
      appSecret: APP_SECRET,
      statusDelayMs: 50,
      onEvent: (event) => events.push(event),
    });
  });

  afterAll(async () => {
    await graph?.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers the ownership check for the demo's WABA with the demo's numbers", async () => {
    const version = new URL(config.whatsapp.apiUrl).pathname;
    const response = await fetch(`${graph.baseUrl}${version}/${seeded.targets.wabaId}/phone_numbers`, {
      headers: { authorization: `Bearer ${ACCESS_TOKEN}` },
    });

    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: { id: string; display_phone_number: string }[] };
    expect(
      data.map(({ id, display_phone_number }) => ({ phoneNumberId: id, displayNumber: display_phone_number })),
    ).toEqual(seeded.targets.numbers);
  });

  it('gives a reply the wamid the fake answered, then records its delivered and read statuses', async () => {
    const summary = await runSimulation({
      url: webhookUrl(await app.getUrl()),
      seed: 5,
      traffic: {
        appSecret: APP_SECRET,
        targets: seeded.targets.numbers.map((number) => ({ ...number, wabaId: seeded.targets.wabaId })),
        knownContacts: seeded.targets.contacts,
        contacts: 4,
        count: 12,
        rate: 100,
        startAt: new Date(),
        duplicates: 0,
        outOfOrder: 0,
        unknownNumber: 0,
        batch: 1,
      },
      concurrency: 4,
      retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 500, timeoutMs: 5000 },
    });
    expect(summary.gaveUp).toBe(0);
    const store = app.get<EventStore>(EVENT_STORE);
    const [received] = await until(
      () => eventsOf(store, (event) => event.type === 'InboundMessageReceived'),
      (found) => found.length > 0,
    );
    const conversationId = conversationIdFromStreamName(received.streamName)!;

    const token = mintAccessToken(
      { portalId: 'demo', userId: 'agent-1', roles: ['agent'], expiresInSeconds: 600 },
      config.auth.jwtSecret,
      new Date(),
    );
    const response = await fetch(`${await app.getUrl()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query:
          'mutation ($c: ID!) { replyToConversation(input: { conversationId: $c, text: "On it!" }) { messageId } }',
        variables: { c: conversationId },
      }),
    });
    const answer = (await response.json()) as {
      data?: { replyToConversation: { messageId: string } };
      errors?: unknown;
    };
    expect(answer.errors).toBeUndefined();
    const messageId = answer.data!.replyToConversation.messageId;

    const about = (event: RecordedEvent) => (event.data as { messageId?: string }).messageId === messageId;
    const statusesOf = (found: RecordedEvent[]) =>
      found
        .filter((event) => event.type === 'DeliveryStatusRecorded')
        .map((event) => (event.data as { status: string }).status);
    const lifecycle = await until(
      () => eventsOf(store, (event) => event.streamName === received.streamName && about(event)),
      (found) => statusesOf(found).includes('read'),
    );

    const accepted = events.flatMap((event) => (event.kind === 'accepted' ? [event.message] : []));
    expect(accepted).toHaveLength(1);
    const recorded = lifecycle.find((event) => event.type === 'OutboundWamidRecorded');
    expect(recorded?.data).toEqual({ messageId, wamid: accepted[0].wamid });
    expect(statusesOf(lifecycle)).toEqual(expect.arrayContaining(['delivered', 'read']));
    expect(events).toContainEqual({ kind: 'status', wamid: accepted[0].wamid, status: 'read', httpStatus: 200 });
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls until `done` holds, with a generous deadline (the machine is shared). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, deadlineMs = 60_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function eventsOf(store: EventStore, wanted: (event: RecordedEvent) => boolean): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) if (wanted(event)) events.push(event);
  return events;
}
