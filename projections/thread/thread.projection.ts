import {
  type ConversationStarted,
  type DeliveryStatusRecorded,
  type InboundMessageReceived,
  type MessageQuarantined,
  type ReplyAccepted,
  type TemplateMessageAccepted,
  type UnsupportedMessageReceived,
  conversationIdFromStreamName,
} from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';
import type { Document, DocumentAccess, Projection } from '../core/projection.js';
import { DISPATCH_EVENT_TYPES, nextDelivery, nextDispatch, takenByMeta } from './thread-delivery.js';
import { NO_DELIVERY, PENDING_DISPATCH, ThreadConversation, ThreadMessage } from './thread.documents.js';

const MESSAGES = 'messages';
const CONVERSATIONS = 'conversations';

type NewMessageEvent = InboundMessageReceived | UnsupportedMessageReceived | ReplyAccepted | TemplateMessageAccepted;
type MessageEvent = { type: string; data: { messageId: string } };

/** A message's row id: message ids are only promised unique within their conversation. */
export function threadMessageId(conversationId: string, messageId: string): string {
  return `${conversationId}/${messageId}`;
}

/** Every conversation's thread: its messages in order, with delivery and dispatch, never quarantined content. */
export const threadProjection: Projection = {
  name: 'thread',
  version: 1,
  eventTypes: [
    'ConversationStarted', 'InboundMessageReceived', 'UnsupportedMessageReceived', 'ReplyAccepted', 'TemplateMessageAccepted',
    'OutboundWamidRecorded', 'DeliveryStatusRecorded', 'MessageQuarantined', ...DISPATCH_EVENT_TYPES,
  ],
  tables: [
    {
      name: MESSAGES,
      columns: { portal_id: 'text', conversation_id: 'text', position: 'integer' },
      indexes: [['portal_id', 'conversation_id', 'position']],
    },
    { name: CONVERSATIONS, columns: { portal_id: 'text' }, indexes: [] },
  ],
  columnsOf(table: string, document: Document): Record<string, string | number | null> {
    if (table === CONVERSATIONS) return { portal_id: (document as unknown as ThreadConversation).portalId };
    const message = document as unknown as ThreadMessage;
    return { portal_id: message.portalId, conversation_id: message.conversationId, position: message.position };
  },
  async project(event, access) {
    const conversationId = conversationIdFromStreamName(event.streamName);
    if (!conversationId) return;
    if (event.type === 'ConversationStarted') return startConversation(event as unknown as ConversationStarted, access);
    const conversation = await access.get<ThreadConversation & Document>(CONVERSATIONS, conversationId);
    if (!conversation) return;
    const { messageId } = (event as unknown as MessageEvent).data;
    const id = threadMessageId(conversationId, messageId);
    if (isNewMessage(event)) {
      access.put(MESSAGES, id, newMessage(conversation, event) as unknown as Document);
      return;
    }
    const message = await access.get<ThreadMessage & Document>(MESSAGES, id);
    if (!message) return;
    access.put(MESSAGES, id, messageChange(message, event) as unknown as Document);
  },
};

function startConversation({ data }: ConversationStarted, access: DocumentAccess): void {
  const { conversationId, portalId, businessPhone, contactPhone } = data;
  const row: ThreadConversation = { conversationId, portalId, businessPhone, contactPhone };
  access.put(CONVERSATIONS, conversationId, row as unknown as Document);
}

const NEW_MESSAGE_TYPES: ReadonlySet<string> = new Set(['InboundMessageReceived', 'UnsupportedMessageReceived', 'ReplyAccepted', 'TemplateMessageAccepted']);

function isNewMessage(event: RecordedEvent): boolean {
  return NEW_MESSAGE_TYPES.has(event.type);
}

function newMessage(conversation: ThreadConversation, event: RecordedEvent): ThreadMessage {
  const typed = { type: event.type, data: event.data } as NewMessageEvent;
  const { conversationId, portalId, businessPhone, contactPhone } = conversation;
  const base = { messageId: typed.data.messageId, portalId, conversationId, position: Number(event.revision), quarantine: null };
  if (typed.type === 'InboundMessageReceived' || typed.type === 'UnsupportedMessageReceived') {
    const { ticketId, from, to, sentAt, wamid } = typed.data;
    const inbound = { ...base, direction: 'inbound', ticketId, from, to, sentAt, wamid, delivery: null, dispatch: null } as const;
    if (typed.type === 'InboundMessageReceived') {
      return { ...inbound, type: typed.data.content.kind, content: typed.data.content, placeholder: null };
    }
    const { unsupportedKind, detail } = typed.data;
    return { ...inbound, type: 'unsupported', content: null, placeholder: { kind: 'unsupported', unsupportedKind, detail } };
  }
  const outbound = {
    ...base, direction: 'outbound', ticketId: typed.data.ticketId, placeholder: null, from: businessPhone, to: contactPhone,
    sentAt: typed.data.acceptedAt, wamid: null, delivery: NO_DELIVERY, dispatch: PENDING_DISPATCH,
  } as const;
  if (typed.type === 'ReplyAccepted') return { ...outbound, type: typed.data.content.kind, content: typed.data.content };
  const { templateName, language, renderedText, renderedHeader } = typed.data;
  const content = { kind: 'template', templateName, language, renderedText, ...(renderedHeader !== undefined && { renderedHeader }) } as const;
  return { ...outbound, type: 'template', content };
}

function messageChange(message: ThreadMessage, event: RecordedEvent): ThreadMessage {
  switch (event.type) {
    case 'OutboundWamidRecorded':
      return { ...message, wamid: (event.data as { wamid: string }).wamid, dispatch: takenByMeta(message.dispatch) };
    case 'DeliveryStatusRecorded':
      return {
        ...message,
        delivery: nextDelivery(message.delivery, event as unknown as DeliveryStatusRecorded),
        dispatch: takenByMeta(message.dispatch),
      };
    case 'MessageQuarantined': {
      // The content leaves the row itself, so no query, export or backup of the read store can show it.
      const { quarantinedAt, reason } = (event as unknown as MessageQuarantined).data;
      return { ...message, content: null, placeholder: { kind: 'quarantined' }, quarantine: { quarantinedAt, reason } };
    }
    default:
      return message.dispatch ? { ...message, dispatch: nextDispatch(message.dispatch, event) } : message;
  }
}
