import {
  type CommandOnState,
  type HandledCommand,
  deterministicEventId,
  handleCommand,
  isRecordedReplay,
  loadState,
} from '@helpdesk/command-handling';
import {
  type ConversationCommand,
  type ConversationEvent,
  type ConversationState,
  conversationDecider,
  conversationStreamName,
} from '@helpdesk/domain';
import type { EventStore, Position } from '@helpdesk/event-store';
import { randomUUID } from 'node:crypto';
import { type CommandOrigin, causationFrom, contextFrom } from '../shared/command-origin.js';

type CommandOf<Type extends ConversationCommand['type']> = Extract<ConversationCommand, { type: Type }>;

/** What a conversation command tells its caller: what was recorded, and where, for read-your-writes. */
export interface ConversationChange {
  readonly conversationId: string;
  readonly recorded: readonly ConversationEvent['type'][];
  readonly position?: Position;
}

export function conversationCommand<Type extends ConversationCommand['type']>(
  type: Type,
  data: CommandOf<Type>['data'],
  origin: CommandOrigin,
  now: Date,
): CommandOf<Type> {
  return { type, data, context: contextFrom(origin, now) } as CommandOf<Type>;
}

/**
 * Load the conversation, decide, append at the expected revision, retry on a concurrent write.
 * A command completed from the conversation's state is built after each load (see `CommandOnState`).
 */
export function onConversation(
  store: EventStore,
  conversationId: string,
  command: ConversationCommand | CommandOnState<ConversationCommand, ConversationState>,
  origin: CommandOrigin,
): Promise<HandledCommand<ConversationEvent, ConversationState>> {
  const stream = conversationStreamName(conversationId);
  return handleCommand(store, stream, conversationDecider, command, {
    causation: causationFrom(origin),
    request: origin.request,
  });
}

/**
 * For workflows that look (a precondition, the quota) before `onConversation`: whether this request was
 * already recorded under its idempotency key; IDEMPOTENCY_KEY_REUSED if the key names another one.
 */
export function isReplayedRequest(
  store: EventStore,
  conversationId: string,
  commandType: ConversationCommand['type'],
  origin: CommandOrigin,
  now: Date,
): Promise<boolean> {
  const command = { type: commandType, context: contextFrom(origin, now) };
  return isRecordedReplay(store, conversationStreamName(conversationId), conversationDecider, command, {
    request: origin.request,
  });
}

export async function loadConversation(store: EventStore, conversationId: string): Promise<ConversationState> {
  const { state } = await loadState(store, conversationStreamName(conversationId), conversationDecider);
  return state;
}

export function changeOf(
  conversationId: string,
  handled: HandledCommand<ConversationEvent, unknown>,
): ConversationChange {
  const recorded = handled.events.map((event) => event.type);
  return { conversationId, recorded, ...(handled.position && { position: handled.position }) };
}

/** The same client request (idempotency key) always names the same new message, so a retry finds it. */
export function newMessageId(conversationId: string, origin: CommandOrigin, given?: string): string {
  if (given) return given;
  return origin.idempotencyKey
    ? deterministicEventId(`message|${conversationId}|${origin.idempotencyKey}`)
    : randomUUID();
}
