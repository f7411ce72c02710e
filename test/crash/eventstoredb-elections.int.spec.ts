/**
 * EventStoreDB refuses or can't confirm writes mid-traffic, as a real node does at every start
 * and leader change: the service runs on the EventStoreDB adapter against the in-process server
 * while the simulator posts with Meta's rule (again until 200). Once a third of the payloads are
 * acknowledged, the next appends meet, one fault each: "Server Is Not Ready", "No leader info
 * available", and commit timeouts whether the write landed or not. These are counted in appends,
 * not in time, and aimed at the appends of conversations (the inbox processor's commands).
 * Afterwards no payload was recorded as failed, each message is recorded and shown exactly once,
 * and every projection equals a rebuild.
 */
import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@helpdesk/config';
import { StreamCategory } from '@helpdesk/domain';
import { createApp } from '../../apps/api/src/create-app.js';
import { createPrng } from '@helpdesk/demo';
import { type AppendFault, type InProcessEventStoreDB, startInProcessEventStoreDB } from '../esdb-server/index.js';
import { type AfterTheFire, inspectService } from './after-the-fire.js';
import { type MetaSendTally, seedWithTraffic, sendLikeMeta, underFireEnv } from './api-under-fire.js';

const MESSAGES = 80;
const CONVERSATION_STREAM_PREFIX = `${StreamCategory.conversation}-`;
/** A start, an election, and a few unconfirmed commits, in that order. */
const FAULTS: readonly AppendFault[] = [
  ...Array.from({ length: 12 }, () => 'not-ready' as const),
  ...Array.from({ length: 12 }, () => 'no-leader' as const),
  'commit-timeout-landed',
  'commit-timeout-lost',
  'commit-timeout-landed',
  'commit-timeout-lost',
];

describe('EventStoreDB starts, elects a leader and times out commits while webhooks are in flight', () => {
  let server: InProcessEventStoreDB;
  let dataDir: string;
  let app: NestFastifyApplication;
  let messagesSent: readonly string[];
  let bodies: readonly string[];
  let sent: MetaSendTally;
  let faultsLeft = -1;
  let after: AfterTheFire;

  beforeAll(async () => {
    server = await startInProcessEventStoreDB();
    dataDir = mkdtempSync(join(tmpdir(), 'esdb-elections-'));
    const config = loadConfig(underFireEnv(dataDir, 0, { EVENTSTORE_URL: server.connectionString }));
    const traffic = await seedWithTraffic(config, MESSAGES, createPrng(11));
    messagesSent = traffic.messagesSent;
    bodies = traffic.payloads.map((payload) => payload.body);
    app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    let injected = false;
    sent = await sendLikeMeta(`${base}/webhooks/whatsapp`, traffic.payloads, 8, (acknowledged) => {
      if (injected || acknowledged < traffic.payloads.length / 3) return;
      injected = true;
      // The webhook edge answers 503 to any failed append, before and after the fix alike: the
      // faults go to the conversations' appends of the inbox processor, where giving up loses a message.
      server.injectAppendFaultsFor((stream) => stream.startsWith(CONVERSATION_STREAM_PREFIX), ...FAULTS);
    });
    after = await inspectService(app);
    faultsLeft = server.pendingAppendFaults;
  }, 600_000);

  afterAll(async () => {
    await app?.close();
    await server?.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('met every fault, and answered Meta 200 to every payload', () => {
    expect(faultsLeft).toBe(0);
    expect(sent.answers).toEqual({ '200': bodies.length });
  });

  it('stored every acknowledged payload, and recorded none as failed', () => {
    expect(bodies.filter((body) => !after.storedBodies.has(body))).toEqual([]);
    expect(after.payloadFailures).toBe(0);
  });

  it('recorded each message once and showed it once in its thread', () => {
    const notOnce = (counts: ReadonlyMap<string, number>) => messagesSent.filter((wamid) => counts.get(wamid) !== 1);
    expect(notOnce(after.receivedEvents)).toEqual([]);
    expect(notOnce(after.threadEntries)).toEqual([]);
  });

  it('has every projection equal to a rebuild from the history', () => {
    expect(after.drifted).toEqual([]);
  });
});
