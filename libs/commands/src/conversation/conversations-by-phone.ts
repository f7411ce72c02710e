import { conversationsByPhoneStreamName } from '@helpdesk/domain';
import { WrongExpectedVersionError } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { randomUUID } from 'node:crypto';
import { inAppendSpan, traceMetadata } from '@helpdesk/command-handling';

/**
 * An index stream per portal and contact number listing its conversations (one per business
 * number), so a contact created later finds the conversations it should join.
 */
export interface ConversationIndexed {
  readonly conversationId: string;
  readonly phoneNumberId: string;
}

export const CONVERSATION_INDEXED = 'ConversationIndexed';
const MAX_ATTEMPTS = 20;
/** Entries this process saw in an index: the index only grows, so they need no second look. */
const KNOWN_ENTRIES_LIMIT = 50_000;
const knownEntries = new WeakMap<EventStore, Set<string>>();

export async function indexedConversations(
  store: EventStore,
  portalId: string,
  contactWaId: string,
): Promise<{ entries: ConversationIndexed[]; revision: bigint | 'no_stream' }> {
  const entries: ConversationIndexed[] = [];
  let revision: bigint | 'no_stream' = 'no_stream';
  const stream = conversationsByPhoneStreamName(portalId, contactWaId);
  for await (const event of store.readStream(stream, { missing: 'empty' })) {
    if (event.type === CONVERSATION_INDEXED) entries.push(event.data as ConversationIndexed);
    revision = event.revision;
  }
  return { entries, revision };
}

/** Adds the conversation once; concurrent writers retry at the new revision and find it there. */
export async function indexConversation(
  store: EventStore,
  portalId: string,
  contactWaId: string,
  entry: ConversationIndexed,
): Promise<void> {
  const stream = conversationsByPhoneStreamName(portalId, contactWaId);
  const known = knownEntriesOf(store);
  const key = `${stream}|${entry.conversationId}`;
  if (known.has(key)) return;
  for (let attempt = 1; ; attempt++) {
    const { entries, revision } = await indexedConversations(store, portalId, contactWaId);
    if (entries.some((indexed) => indexed.conversationId === entry.conversationId)) return void known.add(key);
    const metadata = { tenantId: portalId, ...traceMetadata() };
    const event = { id: randomUUID(), type: CONVERSATION_INDEXED, data: entry, metadata };
    try {
      await inAppendSpan(stream, 1, () => store.append(stream, [event], revision));
      return void known.add(key);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

function knownEntriesOf(store: EventStore): Set<string> {
  let known = knownEntries.get(store);
  if (!known || known.size >= KNOWN_ENTRIES_LIMIT) knownEntries.set(store, (known = new Set()));
  return known;
}
