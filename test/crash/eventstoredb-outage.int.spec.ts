/**
 * EventStoreDB goes away mid-traffic: the service runs on the EventStoreDB adapter (the real
 * client over gRPC to the in-process server in test/esdb-server) while the simulator posts with
 * Meta's rule (again until 200). The server stops for longer than one reconnect attempt and comes
 * back. While it is down, webhooks answer 503 and /health says so; afterwards every acknowledged
 * payload is stored, the inbox processor and every projection resumed from their checkpoints,
 * each message is recorded and shown exactly once, and every projection equals a rebuild.
 */
import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@helpdesk/config';
import { createApp } from '../../apps/api/src/create-app.js';
import { createPrng } from '@helpdesk/demo';
import { sleep } from '../../apps/simulator/src/slots.js';
import { type InProcessEventStoreDB, startInProcessEventStoreDB } from '../esdb-server/index.js';
import { type AfterTheFire, inspectService } from './after-the-fire.js';
import { type MetaSendTally, seedWithTraffic, sendLikeMeta, underFireEnv } from './api-under-fire.js';

const MESSAGES = 600;
/** Longer than the client's reconnect attempts would last if they were bounded the old way (10 × 500 ms). */
const OUTAGE_MS = 6_000;

describe('EventStoreDB stops and restarts while webhooks are in flight', () => {
  let server: InProcessEventStoreDB;
  let dataDir: string;
  let app: NestFastifyApplication;
  let messagesSent: readonly string[];
  let bodies: readonly string[];
  let sent: MetaSendTally;
  let healthDuringOutage: number | null = null;
  let after: AfterTheFire;

  beforeAll(async () => {
    server = await startInProcessEventStoreDB();
    dataDir = mkdtempSync(join(tmpdir(), 'esdb-outage-'));
    const config = loadConfig(underFireEnv(dataDir, 0, { EVENTSTORE_URL: server.connectionString }));
    const traffic = await seedWithTraffic(config, MESSAGES, createPrng(7));
    messagesSent = traffic.messagesSent;
    bodies = traffic.payloads.map((payload) => payload.body);
    app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    let outage: Promise<void> | undefined;
    sent = await sendLikeMeta(`${base}/webhooks/whatsapp`, traffic.payloads, 16, (acknowledged) => {
      if (outage || acknowledged < traffic.payloads.length / 3) return;
      outage = (async () => {
        await server.stop();
        await sleep(OUTAGE_MS / 2);
        healthDuringOutage = (await fetch(`${base}/health`)).status;
        await sleep(OUTAGE_MS / 2);
        await server.start();
      })();
    });
    await outage;
    after = await inspectService(app);
  }, 600_000);

  afterAll(async () => {
    await app?.close();
    await server?.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answered 503 while the store was away (and /health said so), nothing else but 200', () => {
    expect(sent.answers['503']).toBeGreaterThan(0);
    expect(Object.keys(sent.answers).sort()).toEqual(['200', '503']);
    expect(sent.answers['200']).toBe(bodies.length);
    expect(healthDuringOutage).toBe(503);
  });

  it('stored every acknowledged payload', () => {
    expect(bodies.filter((body) => !after.storedBodies.has(body))).toEqual([]);
  });

  it('resumed processing and projecting: every message recorded once and shown once in its thread', () => {
    const notOnce = (counts: ReadonlyMap<string, number>) => messagesSent.filter((wamid) => counts.get(wamid) !== 1);
    expect(notOnce(after.receivedEvents)).toEqual([]);
    expect(notOnce(after.threadEntries)).toEqual([]);
    expect(after.threadEntries.size).toBe(messagesSent.length);
    expect(after.payloadFailures).toBe(0);
  });

  it('has every projection equal to a rebuild from the history', () => {
    expect(after.drifted).toEqual([]);
  });
});
