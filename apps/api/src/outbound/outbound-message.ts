import {
  type ConversationEvent,
  type OutboundDispatch,
  type StartedConversation,
  conversationDecider,
  conversationStreamName,
} from '@helpdesk/domain';
import { type EventStore, type RecordedEvent, StreamNotFoundError } from '@helpdesk/event-store';
import type { AcceptedOutboundMessage } from './build-message-request.js';

/** One accepted business message, as its conversation stream tells it now. */
export interface OutboundMessage {
  readonly conversationId: string;
  readonly messageId: string;
  readonly conversation: StartedConversation;
  readonly accepted: AcceptedOutboundMessage;
  /** The accepted event's ids, so what the dispatcher records traces back to the agent's request. */
  readonly correlationId?: string;
  readonly causationId: string;
  readonly dispatch: OutboundDispatch;
}

/** Reads the whole conversation: the message's content is in its accepted event, its state in the fold. */
export async function readOutboundMessage(
  store: EventStore,
  conversationId: string,
  messageId: string,
): Promise<OutboundMessage | null> {
  let state = conversationDecider.initialState;
  let accepted: RecordedEvent | null = null;
  try {
    for await (const recorded of store.readStream(conversationStreamName(conversationId))) {
      const event = { type: recorded.type, data: recorded.data } as ConversationEvent;
      state = conversationDecider.evolve(state, event);
      if (isAcceptedMessage(event) && event.data.messageId === messageId) accepted = recorded;
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  const dispatch = state.status === 'Started' ? state.messages.get(messageId)?.dispatch : null;
  if (state.status !== 'Started' || accepted === null || !dispatch) return null;
  return {
    conversationId,
    messageId,
    conversation: state,
    accepted: { type: accepted.type, data: accepted.data } as AcceptedOutboundMessage,
    ...(accepted.metadata.correlationId !== undefined && { correlationId: accepted.metadata.correlationId }),
    causationId: accepted.id,
    dispatch,
  };
}

function isAcceptedMessage(event: ConversationEvent): event is Extract<ConversationEvent, AcceptedOutboundMessage> {
  return event.type === 'ReplyAccepted' || event.type === 'TemplateMessageAccepted';
}
