import { AppendOnlyMap, assertNever } from '../core/index.js';
import type { ConversationEvent, DeliveryStatus } from './conversation.events.js';
import { type TicketState, evolveTicket, isTicketEvent } from './ticket.js';
import {
  INITIAL_READ_STATE,
  type ReadState,
  evolveReadState,
  isReadStateEvent,
  withInboundMessage,
} from './read-state.js';
import {
  type InboundMediaStates,
  NO_INBOUND_MEDIA,
  evolveInboundMedia,
  isInboundMediaEvent,
  withInboundMedia,
} from './inbound-media.js';

/** 'Open' until SessionClosed is recorded; whether it is open at a given instant also depends on `expiresAt`. */
export type SessionState = Readonly<{ sessionId: string; status: 'Open' | 'Closed'; expiresAt: string }>;

/**
 * Where sending a business message to Meta stands. `attempt` counts the HTTP calls recorded (0 before
 * the first). 'attempting': the call may be under way or its outcome lost; 'sent': Meta took it.
 */
export type OutboundDispatch =
  | Readonly<{ status: 'pending'; attempt: 0 }>
  | Readonly<{ status: 'attempting' | 'unknown'; attempt: number; attemptedAt: string }>
  /** `metaMediaId`: the media the failed attempt uploaded, sent by that id on retry. */
  | Readonly<{ status: 'retry_scheduled'; attempt: number; retryAt: string; metaMediaId?: string }>
  | Readonly<{ status: 'sent' | 'failed'; attempt: number }>;

export type ThreadMessage = Readonly<{
  direction: 'inbound' | 'outbound';
  wamid: string | null;
  delivery: DeliveryStatus | null;
  /** The statuses whose time Meta reported (and we recorded), in or out of order. */
  deliveryTimesKnown: readonly DeliveryStatus[];
  quarantined: boolean;
  /** Outbound messages only. */
  dispatch: OutboundDispatch | null;
}>;

export type NotStartedConversation = Readonly<{ status: 'NotStarted' }>;

/** The write model only: what deciding needs, not what agents read. */
export type StartedConversation = Readonly<{
  status: 'Started';
  conversationId: string;
  portalId: string;
  phoneNumberId: string;
  contactWaId: string;
  contactId: string | null;
  ambiguousContactIds: readonly string[];
  ticket: TicketState | null;
  session: SessionState | null;
  messages: AppendOnlyMap<string, ThreadMessage>;
  messageIdByWamid: AppendOnlyMap<string, string>;
  /** What agents read, and the read receipt to the contact. */
  read: ReadState;
  /** Inbound media by message id: pending until downloaded and stored, or given up. */
  media: InboundMediaStates;
}>;

export type ConversationState = NotStartedConversation | StartedConversation;

export const initialConversationState: ConversationState = { status: 'NotStarted' };

export function evolveConversation(state: ConversationState, event: ConversationEvent): ConversationState {
  if (event.type === 'ConversationStarted') {
    const { conversationId, portalId, phoneNumberId, contactWaId } = event.data;
    return {
      status: 'Started',
      conversationId,
      portalId,
      phoneNumberId,
      contactWaId,
      contactId: null,
      ambiguousContactIds: [],
      ticket: null,
      session: null,
      messages: AppendOnlyMap.empty(),
      messageIdByWamid: AppendOnlyMap.empty(),
      read: INITIAL_READ_STATE,
      media: NO_INBOUND_MEDIA,
    };
  }
  if (state.status !== 'Started') return state;
  return evolveStarted(state, event);
}

function evolveStarted(state: StartedConversation, event: ConversationEvent): StartedConversation {
  if (isTicketEvent(event)) return { ...state, ticket: evolveTicket(state.ticket, event) };
  if (isReadStateEvent(event)) return { ...state, read: evolveReadState(state.read, event) };
  if (isInboundMediaEvent(event)) return { ...state, media: evolveInboundMedia(state.media, event) };
  switch (event.type) {
    case 'ConversationStarted':
      return state;
    case 'InboundMessageReceived':
    case 'UnsupportedMessageReceived': {
      const { messageId, wamid } = event.data;
      const read = withInboundMessage(state.read, messageId, wamid);
      const media =
        event.type === 'InboundMessageReceived'
          ? withInboundMedia(state.media, messageId, event.data.content)
          : state.media;
      return { ...withMessage(state, messageId, { direction: 'inbound', wamid }), read, media };
    }
    case 'SessionOpened':
      return {
        ...state,
        session: { sessionId: event.data.sessionId, status: 'Open', expiresAt: event.data.expiresAt },
      };
    case 'SessionExtended':
      return state.session ? { ...state, session: { ...state.session, expiresAt: event.data.expiresAt } } : state;
    case 'SessionClosed':
      return state.session?.sessionId === event.data.sessionId
        ? { ...state, session: { ...state.session, status: 'Closed' } }
        : state;
    case 'ContactAssociated':
      return { ...state, contactId: event.data.contactId, ambiguousContactIds: [] };
    case 'ContactMatchAmbiguous':
      return { ...state, ambiguousContactIds: event.data.candidateContactIds };
    case 'ReplyAccepted':
    case 'TemplateMessageAccepted':
      return withMessage(state, event.data.messageId, { direction: 'outbound', wamid: null, dispatch: PENDING });
    case 'OutboundWamidRecorded':
      return withMessage(state, event.data.messageId, {
        wamid: event.data.wamid,
        ...takenByMeta(state, event.data.messageId),
      });
    case 'DeliveryStatusRecorded':
      return withMessage(state, event.data.messageId, {
        delivery: event.data.status,
        deliveryTimesKnown: [...timesKnown(state, event.data.messageId), event.data.status],
        ...takenByMeta(state, event.data.messageId),
      });
    case 'DeliveryTimeRecorded':
      return withMessage(state, event.data.messageId, {
        deliveryTimesKnown: [...timesKnown(state, event.data.messageId), event.data.status],
      });
    case 'OutboundSendAttempted':
    case 'OutboundRetryScheduled':
    case 'OutboundMessageFailed':
    case 'OutboundDeliveryUnknown':
    case 'OutboundResendRequested':
      return withDispatch(state, event);
    case 'MessageQuarantined':
      return withMessage(state, event.data.messageId, { quarantined: true });
    case 'QuarantinedContentRevealed':
      return state;
    default:
      return assertNever(event);
  }
}

const NEW_MESSAGE: ThreadMessage = {
  direction: 'inbound',
  wamid: null,
  delivery: null,
  deliveryTimesKnown: [],
  quarantined: false,
  dispatch: null,
};

function timesKnown(state: StartedConversation, messageId: string): readonly DeliveryStatus[] {
  return state.messages.get(messageId)?.deliveryTimesKnown ?? [];
}
const PENDING: OutboundDispatch = { status: 'pending', attempt: 0 };

type DispatchEventType =
  | 'OutboundSendAttempted'
  | 'OutboundRetryScheduled'
  | 'OutboundMessageFailed'
  | 'OutboundDeliveryUnknown'
  | 'OutboundResendRequested';
type DispatchEvent = Extract<ConversationEvent, { type: DispatchEventType }>;

function withDispatch(state: StartedConversation, event: DispatchEvent): StartedConversation {
  const { messageId } = event.data;
  const current = state.messages.get(messageId)?.dispatch;
  if (!current) return state;
  return withMessage(state, messageId, { dispatch: nextDispatch(current, event) });
}

function nextDispatch(current: OutboundDispatch, event: DispatchEvent): OutboundDispatch {
  switch (event.type) {
    case 'OutboundSendAttempted':
      return { status: 'attempting', attempt: event.data.attempt, attemptedAt: event.data.at };
    case 'OutboundRetryScheduled':
      return {
        status: 'retry_scheduled',
        attempt: event.data.attempt,
        retryAt: event.data.retryAt,
        ...(event.data.metaMediaId !== undefined && { metaMediaId: event.data.metaMediaId }),
      };
    case 'OutboundMessageFailed':
      return { status: 'failed', attempt: event.data.attempt };
    case 'OutboundDeliveryUnknown':
      return {
        status: 'unknown',
        attempt: event.data.attempt,
        attemptedAt: current.status === 'attempting' ? current.attemptedAt : event.data.at,
      };
    case 'OutboundResendRequested':
      return { status: 'retry_scheduled', attempt: current.attempt, retryAt: event.data.requestedAt };
    default:
      return assertNever(event);
  }
}

/** Meta's id or any status of the message proves Meta took it, whatever we believed about the attempt. */
function takenByMeta(state: StartedConversation, messageId: string): Partial<ThreadMessage> {
  const dispatch = state.messages.get(messageId)?.dispatch;
  return dispatch ? { dispatch: { status: 'sent', attempt: dispatch.attempt } } : {};
}

function withMessage(
  state: StartedConversation,
  messageId: string,
  change: Partial<ThreadMessage>,
): StartedConversation {
  const message = { ...(state.messages.get(messageId) ?? NEW_MESSAGE), ...change };
  // Not `new Map(...)`: copying the map per event made every fold quadratic in the conversation's length.
  const messages = state.messages.set(messageId, message);
  const messageIdByWamid =
    change.wamid && !state.messageIdByWamid.has(change.wamid)
      ? state.messageIdByWamid.set(change.wamid, messageId)
      : state.messageIdByWamid;
  return { ...state, messages, messageIdByWamid };
}

/** The session if open at `instant`: not closed yet and strictly before expiry (at 24 h exactly it is closed). */
export function sessionOpenAt(session: SessionState | null, instant: Date): SessionState | null {
  const open = session !== null && session.status === 'Open' && instant.getTime() < Date.parse(session.expiresAt);
  return open ? session : null;
}
