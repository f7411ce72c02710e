import {
  type ConversationStarted,
  type HelpdeskEventOf,
  type HelpdeskEventType,
  conversationIdFromStreamName,
  mediaIdOf,
} from '@helpdesk/domain';
import type { ColumnValues, DocumentAccess, Projection, ProjectedEvent, TableDocument } from '../core/projection.js';
import { DISPATCH_EVENT_TYPES, nextDelivery, withReportedTime, nextDispatch, takenByMeta } from './thread-delivery.js';
import {
  NO_DELIVERY,
  PENDING_DISPATCH,
  PENDING_MEDIA,
  type ThreadConversation,
  type ThreadMessage,
} from './thread.documents.js';

const MESSAGES = 'messages';
const CONVERSATIONS = 'conversations';

const NEW_MESSAGE_TYPES = [
  'InboundMessageReceived',
  'UnsupportedMessageReceived',
  'ReplyAccepted',
  'TemplateMessageAccepted',
] as const;

const THREAD_EVENTS = [
  'ConversationStarted',
  ...NEW_MESSAGE_TYPES,
  'OutboundWamidRecorded',
  'DeliveryStatusRecorded',
  'DeliveryTimeRecorded',
  'MessageQuarantined',
  'InboundMediaStored',
  'InboundMediaFetchFailed',
  ...DISPATCH_EVENT_TYPES,
] as const satisfies readonly HelpdeskEventType[];

export type ThreadEvent = HelpdeskEventOf<(typeof THREAD_EVENTS)[number]>;
type NewMessageEvent = ProjectedEvent<HelpdeskEventOf<(typeof NEW_MESSAGE_TYPES)[number]>>;
/** An event about a message already in the thread. */
type MessageChange = ProjectedEvent<Exclude<ThreadEvent, { type: 'ConversationStarted' | NewMessageEvent['type'] }>>;

export type ThreadRows = { readonly messages: ThreadMessage; readonly conversations: ThreadConversation };

/** A message's row id: message ids are only promised unique within their conversation. */
export function threadMessageId(conversationId: string, messageId: string): string {
  return `${conversationId}/${messageId}`;
}

/**
 * Every conversation's thread: its messages in order, with delivery and dispatch, never quarantined content.
 * Version 2 added `sent_at`: the thread is read in the order the contact wrote it (Meta's timestamp), not arrival.
 */
export const threadProjection: Projection<ThreadEvent, ThreadRows> = {
  name: 'thread',
  version: 2,
  eventTypes: THREAD_EVENTS,
  tables: [
    {
      name: MESSAGES,
      columns: { portal_id: 'text', conversation_id: 'text', sent_at: 'text', position: 'integer' },
      indexes: [['portal_id', 'conversation_id', 'sent_at', 'position']],
    },
    { name: CONVERSATIONS, columns: { portal_id: 'text' }, indexes: [] },
  ],
  columnsOf(entry: TableDocument<ThreadRows>): ColumnValues {
    if (entry.table === CONVERSATIONS) return { portal_id: entry.document.portalId };
    const message = entry.document;
    return {
      portal_id: message.portalId,
      conversation_id: message.conversationId,
      sent_at: message.sentAt,
      position: message.position,
    };
  },
  async project(event, access) {
    const conversationId = conversationIdFromStreamName(event.streamName);
    if (!conversationId) return;
    if (event.type === 'ConversationStarted') return startConversation(event, access);
    const conversation = await access.get(CONVERSATIONS, conversationId);
    if (!conversation) return;
    const id = threadMessageId(conversationId, event.data.messageId);
    if (isNewMessage(event)) {
      access.put(MESSAGES, id, newMessage(conversation, event));
      return;
    }
    const message = await access.get(MESSAGES, id);
    if (!message) return;
    access.put(MESSAGES, id, messageChange(message, event));
  },
};

function startConversation({ data }: ProjectedEvent<ConversationStarted>, access: DocumentAccess<ThreadRows>): void {
  const { conversationId, portalId, businessPhone, contactPhone } = data;
  const row: ThreadConversation = { conversationId, portalId, businessPhone, contactPhone };
  access.put(CONVERSATIONS, conversationId, row);
}

const NEW_MESSAGES: ReadonlySet<string> = new Set(NEW_MESSAGE_TYPES);

function isNewMessage(event: NewMessageEvent | MessageChange): event is NewMessageEvent {
  return NEW_MESSAGES.has(event.type);
}

function newMessage(conversation: ThreadConversation, event: NewMessageEvent): ThreadMessage {
  const { conversationId, portalId, businessPhone, contactPhone } = conversation;
  const base = {
    messageId: event.data.messageId,
    portalId,
    conversationId,
    position: Number(event.revision),
    quarantine: null,
  };
  if (event.type === 'InboundMessageReceived' || event.type === 'UnsupportedMessageReceived') {
    const { ticketId, from, to, sentAt, wamid } = event.data;
    const inbound = {
      ...base,
      direction: 'inbound',
      ticketId,
      from,
      to,
      sentAt,
      wamid,
      delivery: null,
      dispatch: null,
    } as const;
    if (event.type === 'InboundMessageReceived') {
      const { content } = event.data;
      const media = mediaIdOf(content) === null ? {} : { media: PENDING_MEDIA };
      return { ...inbound, type: content.kind, content, placeholder: null, ...media };
    }
    const { unsupportedKind, detail } = event.data;
    return {
      ...inbound,
      type: 'unsupported',
      content: null,
      placeholder: { kind: 'unsupported', unsupportedKind, detail },
    };
  }
  const outbound = {
    ...base,
    direction: 'outbound',
    ticketId: event.data.ticketId,
    placeholder: null,
    from: businessPhone,
    to: contactPhone,
    sentAt: event.data.acceptedAt,
    wamid: null,
    delivery: NO_DELIVERY,
    dispatch: PENDING_DISPATCH,
  } as const;
  if (event.type === 'ReplyAccepted') {
    const { content } = event.data;
    // An agent's upload is in the media store from the start: shown like a stored inbound media.
    const media = content.kind !== 'text' &&
      content.upload && {
        media: {
          ...PENDING_MEDIA,
          state: 'stored',
          storageKey: content.upload.storageKey,
          mimeType: content.mimeType,
          sizeBytes: content.sizeBytes,
          sha256: content.upload.sha256,
        } as const,
      };
    return { ...outbound, type: content.kind, content, ...media };
  }
  const { templateName, language, renderedText, renderedHeader } = event.data;
  const content = {
    kind: 'template',
    templateName,
    language,
    renderedText,
    ...(renderedHeader !== undefined && { renderedHeader }),
  } as const;
  return { ...outbound, type: 'template', content };
}

function messageChange(message: ThreadMessage, event: MessageChange): ThreadMessage {
  switch (event.type) {
    case 'OutboundWamidRecorded':
      return { ...message, wamid: event.data.wamid, dispatch: takenByMeta(message.dispatch) };
    case 'DeliveryStatusRecorded':
      return { ...message, delivery: nextDelivery(message.delivery, event), dispatch: takenByMeta(message.dispatch) };
    case 'DeliveryTimeRecorded':
      return { ...message, delivery: withReportedTime(message.delivery, event) };
    case 'MessageQuarantined': {
      // The content leaves the row itself, so no query, export or backup of the read store can show it.
      const { quarantinedAt, reason } = event.data;
      return { ...message, content: null, placeholder: { kind: 'quarantined' }, quarantine: { quarantinedAt, reason } };
    }
    case 'InboundMediaStored': {
      const { storageKey, mimeType, sizeBytes, sha256 } = event.data;
      const media = message.media ?? PENDING_MEDIA;
      return {
        ...message,
        media: { ...media, state: 'stored', retryAt: null, storageKey, mimeType, sizeBytes, sha256 },
      };
    }
    case 'InboundMediaFetchFailed': {
      const { attempt, final, retryAt, reason } = event.data;
      const media = message.media ?? PENDING_MEDIA;
      const state = final ? 'failed' : 'pending';
      return { ...message, media: { ...media, state, attempts: attempt, retryAt, lastError: reason } };
    }
    default:
      return message.dispatch ? { ...message, dispatch: nextDispatch(message.dispatch, event) } : message;
  }
}
