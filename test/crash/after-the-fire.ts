import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@helpdesk/config';
import { EVENT_STORE, type EventStore, headPosition } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { createApp } from '../../apps/api/src/create-app.js';
import { ProjectionsService } from '../../apps/api/src/projections/projections.service.js';
import { InboxProcessor } from '../../apps/api/src/webhooks/inbox-processor.js';
import { readPayloadFailures } from '../../apps/api/src/webhooks/processing-failures.js';
import { WEBHOOK_PAYLOAD_RECEIVED, isInboxStream } from '../../apps/api/src/webhooks/webhook-inbox.js';
import { checkProjectionDrift } from '@helpdesk/projections/core/rebuild-to-position.js';
import { snapshotReadModel } from '@helpdesk/projections/core/drift-check.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { threadProjection } from '@helpdesk/projections/thread/index.js';
import type { ThreadMessage } from '@helpdesk/projections/thread/thread.documents.js';
import { collect } from '../support/async-results.js';
import { underFireEnv } from './api-under-fire.js';

export interface AfterTheFire {
  /** Bodies of the payloads stored in the inbox (a payload stored twice counts once). */
  readonly storedBodies: ReadonlySet<string>;
  /** How many events recorded each inbound message (by wamid). */
  readonly receivedEvents: ReadonlyMap<string, number>;
  /** How many times each inbound message (by wamid) is in a thread of the thread read model. */
  readonly threadEntries: ReadonlyMap<string, number>;
  /** Projections whose live tables differ from a rebuild from the history. */
  readonly drifted: readonly string[];
  readonly projections: number;
  readonly payloadFailures: number;
}

/**
 * Starts the service once more on what the killed ones left, lets the inbox processor and every
 * projection finish, then reads what there is: the inbox, the conversations' events, the threads,
 * and each projection against a rebuild from the history.
 */
export async function inspectAfterTheFire(dataDir: string): Promise<AfterTheFire> {
  const app = await createApp(loadConfig(underFireEnv(dataDir, 0)));
  try {
    await app.init();
    return await inspectService(app);
  } finally {
    await app.close();
  }
}

/** Waits until the running service has processed its inbox and projected everything, then reads what there is. */
export async function inspectService(app: INestApplication): Promise<AfterTheFire> {
  const store = app.get<EventStore>(EVENT_STORE);
  const events = await collect(store.readAll());
  const inbox = events.filter((event) => isInboxStream(event.streamName) && event.type === WEBHOOK_PAYLOAD_RECEIVED);
  if (inbox.length > 0) await app.get(InboxProcessor).whenProcessed(inbox[inbox.length - 1].position);
  const projections = app.get(ProjectionsService);
  const head = await headPosition(store);
  if (head) await projections.whenCaughtUp(head);

  const db = app.get(ReadStore).db as ReadDatabase;
  const received = (await collect(store.readAll())).filter(
    (event) => event.type === 'InboundMessageReceived' || event.type === 'UnsupportedMessageReceived',
  );
  const thread = await snapshotReadModel(db, threadProjection);
  const inboundInThreads = Object.values(thread)
    .flat()
    .map((row) => JSON.parse(row.document) as Partial<ThreadMessage>)
    .filter((document) => document.direction === 'inbound' && typeof document.wamid === 'string');
  const drifted: string[] = [];
  for (const projection of projections.projections) {
    const { report } = await checkProjectionDrift(store, db, projection);
    if (!report.equal) drifted.push(projection.name);
  }
  return {
    storedBodies: new Set(inbox.map((event) => (event.data as { body: string }).body)),
    receivedEvents: tally(received.map((event) => (event.data as { wamid: string }).wamid)),
    threadEntries: tally(inboundInThreads.map((document) => document.wamid as string)),
    drifted,
    projections: projections.projections.length,
    payloadFailures: (await readPayloadFailures(store)).length,
  };
}

function tally(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
