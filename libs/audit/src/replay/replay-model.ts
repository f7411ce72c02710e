import { type ConversationEvent, type ConversationState, conversationDecider } from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';
import type { RevealMark } from './reveals.js';

/** What replaces quarantined content in what an auditor is shown without `--reveal`. */
export const QUARANTINE_PLACEHOLDER = '[quarantined content hidden]';

/** A compact view of the conversation after one event: what an agent could see then. */
export interface ReplayStateSummary {
  readonly ticketStatus: string | null;
  readonly ticketOwner: string | null;
  /** When the session closes, if it is open (not closed by an event); null otherwise. */
  readonly sessionOpenUntil: string | null;
  readonly messageCount: number;
  readonly lastMessage: {
    readonly messageId: string;
    readonly direction: 'inbound' | 'outbound';
    readonly text: string;
  } | null;
}

/** One event of the replay, as printed: its place, time, who, under which rule, why, and the state after it. */
export interface ReplayRow {
  readonly revision: string;
  readonly created: string;
  readonly type: string;
  readonly actor: string | null;
  readonly ruleVersion: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly data: unknown;
  readonly state: ReplayStateSummary;
  /** Present when the event's quarantined content is shown under the viewer's recorded reveal. */
  readonly revealed?: RevealMark;
}

export interface ReplayOptions {
  /** Only events created at or before this instant. */
  readonly asOf?: Date;
  /** Show quarantined content (after the reveal was recorded); hide it otherwise. */
  readonly reveal: boolean;
  /** Without `reveal`: the quarantined messages shown anyway, each under the viewer's own recorded reveal. */
  readonly revealed?: ReadonlyMap<string, RevealMark>;
}

/** Message ids quarantined anywhere in the stream: hidden in every event, also those before the quarantine. */
export function quarantinedMessageIds(events: readonly RecordedEvent[]): string[] {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.type === 'MessageQuarantined') ids.add(String((event.data as { messageId?: unknown }).messageId));
  }
  return [...ids];
}

/** The events up to `asOf`: the stream stops at the last event created at or before it. */
export function eventsAsOf(events: readonly RecordedEvent[], asOf?: Date): RecordedEvent[] {
  if (!asOf) return [...events];
  const cut = events.findIndex((event) => event.created.getTime() > asOf.getTime());
  return cut === -1 ? [...events] : events.slice(0, cut);
}

/** Folds the conversation's events one by one and describes each with the state after it. */
export function buildReplay(allEvents: readonly RecordedEvent[], options: ReplayOptions): ReplayRow[] {
  const quarantined = new Set(quarantinedMessageIds(allEvents));
  const revealed = options.revealed ?? new Map<string, RevealMark>();
  const hidden = new Set(options.reveal ? [] : [...quarantined].filter((messageId) => !revealed.has(messageId)));
  const texts = new Map<string, string>();
  let lastMessageId: string | null = null;
  let state: ConversationState = conversationDecider.initialState;
  const rows: ReplayRow[] = [];
  for (const event of eventsAsOf(allEvents, options.asOf)) {
    state = conversationDecider.evolve(state, { type: event.type, data: event.data } as ConversationEvent);
    const messageId = messageIdOf(event);
    const text = messageId === null ? null : messageText(event);
    if (messageId !== null && text !== null) {
      texts.set(messageId, hidden.has(messageId) ? QUARANTINE_PLACEHOLDER : text);
      lastMessageId = messageId;
    }
    const metadata = event.metadata;
    rows.push({
      revision: event.revision.toString(),
      created: event.created.toISOString(),
      type: event.type,
      actor: stringOrNull(metadata.actorId),
      ruleVersion: stringOrNull(metadata.ruleVersion),
      correlationId: stringOrNull(metadata.correlationId),
      causationId: stringOrNull(metadata.causationId),
      data: messageId !== null && hidden.has(messageId) ? redactData(event.type, event.data) : event.data,
      state: summarise(state, lastMessageId, texts),
      ...(messageId !== null && text !== null && quarantined.has(messageId) && revealed.has(messageId)
        ? { revealed: revealed.get(messageId)! }
        : {}),
    });
  }
  return rows;
}

function summarise(
  state: ConversationState,
  lastMessageId: string | null,
  texts: ReadonlyMap<string, string>,
): ReplayStateSummary {
  if (state.status !== 'Started') {
    return { ticketStatus: null, ticketOwner: null, sessionOpenUntil: null, messageCount: 0, lastMessage: null };
  }
  const last = lastMessageId === null ? undefined : state.messages.get(lastMessageId);
  return {
    ticketStatus: state.ticket?.status ?? null,
    ticketOwner: state.ticket?.assigneeId ?? null,
    sessionOpenUntil: state.session?.status === 'Open' ? state.session.expiresAt : null,
    messageCount: state.messages.size,
    lastMessage:
      lastMessageId !== null && last
        ? { messageId: lastMessageId, direction: last.direction, text: texts.get(lastMessageId) ?? '' }
        : null,
  };
}

const MESSAGE_EVENTS = new Set([
  'InboundMessageReceived',
  'UnsupportedMessageReceived',
  'ReplyAccepted',
  'TemplateMessageAccepted',
]);

/** The message an event concerns, for redaction: every conversation event naming a messageId. */
function messageIdOf(event: RecordedEvent): string | null {
  const messageId = (event.data as { messageId?: unknown } | null)?.messageId;
  return typeof messageId === 'string' ? messageId : null;
}

/** What a message says, in one line; null for events that do not carry a message. */
function messageText(event: RecordedEvent): string | null {
  if (!MESSAGE_EVENTS.has(event.type)) return null;
  const data = event.data as Record<string, unknown>;
  if (event.type === 'TemplateMessageAccepted')
    return `template ${String(data.templateName)}: ${String(data.renderedText)}`;
  if (event.type === 'UnsupportedMessageReceived') return `[${String(data.unsupportedKind)}]`;
  return contentText(data.content as Record<string, unknown> | undefined);
}

function contentText(content: Record<string, unknown> | undefined): string {
  if (!content) return '';
  if (typeof content.body === 'string') return content.body;
  if (typeof content.caption === 'string') return `[${String(content.kind)}] ${content.caption}`;
  if (typeof content.title === 'string') return `[${String(content.kind)}] ${content.title}`;
  if (typeof content.text === 'string') return `[${String(content.kind)}] ${content.text}`;
  return `[${String(content.kind)}]`;
}

/** The event's data with the message's content replaced by the placeholder; ids, times and facts stay. */
export function redactData(type: string, data: unknown): unknown {
  const copy = { ...(data as Record<string, unknown>) };
  const fields: Record<string, readonly string[]> = {
    InboundMessageReceived: ['content'],
    UnsupportedMessageReceived: ['detail'],
    ReplyAccepted: ['content'],
    TemplateMessageAccepted: ['renderedText', 'renderedHeader', 'parameters'],
  };
  for (const field of fields[type] ?? []) {
    if (field in copy) copy[field] = QUARANTINE_PLACEHOLDER;
  }
  return copy;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
