import { refuse } from '../core/index.js';
import type {
  OutboundMessageRef,
  QuarantineMessage,
  RecordDeliveryStatus,
  RecordOutboundWamid,
  RevealQuarantinedMessage,
} from './conversation.commands.js';
import type {
  ConversationEvent,
  DeliveryStatus,
  DeliveryStatusRecorded,
  DeliveryTimeRecorded,
  MessageQuarantined,
  OutboundWamidRecorded,
  QuarantinedContentRevealed,
} from './conversation.events.js';
import { isoInstant, messageInThread, nonBlank, startedConversation } from './conversation.guards.js';
import type { ConversationState, StartedConversation } from './conversation.state.js';

const PROGRESS: Record<Exclude<DeliveryStatus, 'failed'>, number> = { sent: 1, delivered: 2, read: 3, played: 4 };

/**
 * Meta's statuses arrive late, twice, or out of order: only a step forward is a fact worth
 * recording (sent < delivered < read < played; delivered may be skipped). Failed is final, and
 * only a message not yet delivered can fail.
 */
export function isDeliveryProgress(current: DeliveryStatus | null, next: DeliveryStatus): boolean {
  if (current === null) return true;
  if (current === 'failed') return false;
  if (next === 'failed') return current === 'sent';
  return PROGRESS[next] > PROGRESS[current];
}

export function recordDeliveryStatus(command: RecordDeliveryStatus, state: ConversationState): ConversationEvent[] {
  const conversation = startedConversation(state, command.context);
  const { status, error } = command.data;
  const messageId = outboundMessageId(conversation, command.data);
  const message = conversation.messages.get(messageId);
  const recovered = recoveredWamid(conversation, messageId, command.data);
  const at = isoInstant(command.data.at, 'at');
  if (!isDeliveryProgress(message?.delivery ?? null, status)) {
    const late = isLateReport(message?.delivery ?? null, status, message?.deliveryTimesKnown ?? []);
    if (!late) return recovered;
    return [
      ...recovered,
      { type: 'DeliveryTimeRecorded', data: { messageId, status: late, at } } satisfies DeliveryTimeRecorded,
    ];
  }
  const data = { messageId, status, at, ...(error && { error }) };
  return [...recovered, { type: 'DeliveryStatusRecorded', data } satisfies DeliveryStatusRecorded];
}

/**
 * A status behind the current one whose time we do not know yet: `sent` or `delivered` arriving
 * after `read`, or `sent` after `failed` (a message fails only after it was sent). A duplicate,
 * or a status that contradicts the current one (`delivered` after `failed`), reports nothing new.
 */
function isLateReport(
  current: DeliveryStatus | null,
  reported: DeliveryStatus,
  known: readonly DeliveryStatus[],
): Exclude<DeliveryStatus, 'failed'> | null {
  if (current === null || reported === 'failed' || known.includes(reported)) return null;
  if (current === 'failed') return reported === 'sent' ? reported : null;
  return PROGRESS[reported] < PROGRESS[current] ? reported : null;
}

/** A status naming both ids gives back a wamid we never recorded (the dispatcher died right after sending). */
function recoveredWamid(
  conversation: StartedConversation,
  messageId: string,
  ref: OutboundMessageRef,
): OutboundWamidRecorded[] {
  if (!('messageId' in ref) || ref.wamid === undefined) return [];
  if (conversation.messages.get(messageId)?.wamid !== null || conversation.messageIdByWamid.has(ref.wamid)) return [];
  return [{ type: 'OutboundWamidRecorded', data: { messageId, wamid: ref.wamid } }];
}

/** The dispatcher learns Meta's id after sending; statuses then find the message by it. */
export function recordOutboundWamid(command: RecordOutboundWamid, state: ConversationState): OutboundWamidRecorded[] {
  const conversation = startedConversation(state, command.context);
  const { messageId, wamid } = command.data;
  const message = messageInThread(conversation, messageId);
  if (message.direction !== 'outbound') refuse('INVALID_COMMAND', `Message ${messageId} was not sent by the business`);
  if (message.wamid === wamid) return [];
  if (message.wamid !== null) {
    refuse('INVALID_COMMAND', `Message ${messageId} already has WhatsApp id ${message.wamid}`, { messageId, wamid });
  }
  if (conversation.messageIdByWamid.has(wamid)) {
    refuse('INVALID_COMMAND', `WhatsApp id ${wamid} belongs to another message`, { messageId, wamid });
  }
  return [{ type: 'OutboundWamidRecorded', data: { messageId, wamid } }];
}

/** The message keeps its place in the thread; its content is never served to agents again. */
export function quarantineMessage(command: QuarantineMessage, state: ConversationState): MessageQuarantined[] {
  const conversation = startedConversation(state, command.context);
  const { messageId } = command.data;
  if (messageInThread(conversation, messageId).quarantined) return [];
  const reason = nonBlank(command.data.reason, 'A quarantine reason');
  return [
    { type: 'MessageQuarantined', data: { messageId, reason, quarantinedAt: command.context.now.toISOString() } },
  ];
}

/** Every reveal is recorded, with its reason: auditors answer for who saw quarantined content. */
export function revealQuarantinedMessage(
  command: RevealQuarantinedMessage,
  state: ConversationState,
): QuarantinedContentRevealed[] {
  const conversation = startedConversation(state, command.context);
  const { messageId } = command.data;
  if (!messageInThread(conversation, messageId).quarantined) {
    refuse('MESSAGE_NOT_QUARANTINED', `Message ${messageId} is not quarantined`, { messageId });
  }
  const reason = nonBlank(command.data.reason, 'A reason to reveal quarantined content');
  return [
    { type: 'QuarantinedContentRevealed', data: { messageId, reason, revealedAt: command.context.now.toISOString() } },
  ];
}

function outboundMessageId(conversation: StartedConversation, ref: OutboundMessageRef): string {
  const messageId = 'messageId' in ref ? ref.messageId : conversation.messageIdByWamid.get(ref.wamid);
  const message = messageId === undefined ? undefined : conversation.messages.get(messageId);
  if (messageId === undefined || message?.direction !== 'outbound') {
    refuse('MESSAGE_NOT_FOUND', 'No message sent by the business has this id', { ...ref });
  }
  return messageId;
}
