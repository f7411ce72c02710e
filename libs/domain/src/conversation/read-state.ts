import { type DomainCommand, type DomainEvent, assertNever } from '../core/index.js';
import type { OutboundFailure } from './conversation.events.js';
import { startedConversation } from './conversation.guards.js';
import type { ConversationState } from './conversation.state.js';

/**
 * Read state: an agent marks the conversation read, which resets the ticket's unread count and,
 * unless the portal turned receipts to contacts off, asks for Meta's read receipt (blue ticks) for
 * the contact's last message. Its commands, events, rules and fold in one file, like ticket.ts.
 */
export type ReadState = Readonly<{
  /** The contact's latest message (arrival order) and its wamid; null before any. */
  lastInbound: Readonly<{ messageId: string; wamid: string }> | null;
  /** The contact's message the conversation was last marked read up to. */
  readUpToMessageId: string | null;
  /** The latest receipt asked for; an earlier one still waiting is superseded (Meta's read covers earlier messages). */
  receipt: ReadReceiptState | null;
}>;

/** 'attempting': the call may be under way or its outcome lost, and it is never made again. */
export type ReadReceiptStatus = 'requested' | 'attempting' | 'sent' | 'failed';
export type ReadReceiptState = Readonly<{
  messageId: string;
  wamid: string;
  status: ReadReceiptStatus;
  attemptedAt: string | null;
}>;

export const INITIAL_READ_STATE: ReadState = { lastInbound: null, readUpToMessageId: null, receipt: null };

/** `sendReceipt`: the portal's setting (receipts to contacts on or off), read by whoever sends the command. */
export type MarkConversationRead = DomainCommand<'MarkConversationRead', { sendReceipt: boolean }>;
/** The dispatcher calls Meta only if this records the attempt. */
export type RecordReadReceiptAttempt = DomainCommand<'RecordReadReceiptAttempt', { messageId: string }>;
/** Meta's answer to the attempt: taken, or a failure (code null when Meta never answered). */
export type RecordReadReceiptOutcome = DomainCommand<
  'RecordReadReceiptOutcome',
  { messageId: string; failure: OutboundFailure | null; reason?: 'refused' | 'unknown' }
>;
export type ReadStateCommand = MarkConversationRead | RecordReadReceiptAttempt | RecordReadReceiptOutcome;

export type ConversationMarkedRead = DomainEvent<
  'ConversationMarkedRead',
  { ticketId: string | null; upToMessageId: string; readAt: string }
>;
/** The intent, recorded before anything is sent: the dispatcher follows these. */
export type ReadReceiptRequested = DomainEvent<
  'ReadReceiptRequested',
  { messageId: string; wamid: string; requestedAt: string }
>;
export type ReadReceiptSendAttempted = DomainEvent<'ReadReceiptSendAttempted', { messageId: string; at: string }>;
export type ReadReceiptSent = DomainEvent<'ReadReceiptSent', { messageId: string; at: string }>;
/** Final: receipts are not retried ('unknown': the call was made but no answer came, so it may have been taken). */
export type ReadReceiptFailed = DomainEvent<
  'ReadReceiptFailed',
  { messageId: string; at: string; reason: 'refused' | 'unknown'; failure: OutboundFailure | null }
>;
export type ReadStateEvent =
  ConversationMarkedRead | ReadReceiptRequested | ReadReceiptSendAttempted | ReadReceiptSent | ReadReceiptFailed;

const READ_STATE_COMMANDS: { readonly [Type in ReadStateCommand['type']]: true } = {
  MarkConversationRead: true,
  RecordReadReceiptAttempt: true,
  RecordReadReceiptOutcome: true,
};
const READ_STATE_EVENTS: { readonly [Type in ReadStateEvent['type']]: true } = {
  ConversationMarkedRead: true,
  ReadReceiptRequested: true,
  ReadReceiptSendAttempted: true,
  ReadReceiptSent: true,
  ReadReceiptFailed: true,
};

export function isReadStateCommand<C extends { readonly type: string }>(
  command: C,
): command is Extract<C, ReadStateCommand> {
  return Object.hasOwn(READ_STATE_COMMANDS, command.type);
}

export function isReadStateEvent<E extends { readonly type: string }>(event: E): event is Extract<E, ReadStateEvent> {
  return Object.hasOwn(READ_STATE_EVENTS, event.type);
}

export function decideReadState(command: ReadStateCommand, state: ConversationState): ReadStateEvent[] {
  const conversation = startedConversation(state, command.context);
  const { read } = conversation;
  const now = command.context.now.toISOString();
  switch (command.type) {
    case 'MarkConversationRead': {
      // Once: read up to the contact's last message already, nothing to record or send.
      const last = read.lastInbound;
      if (last === null || read.readUpToMessageId === last.messageId) return [];
      const marked: ConversationMarkedRead = {
        type: 'ConversationMarkedRead',
        data: { ticketId: conversation.ticket?.ticketId ?? null, upToMessageId: last.messageId, readAt: now },
      };
      if (!command.data.sendReceipt) return [marked];
      return [
        marked,
        { type: 'ReadReceiptRequested', data: { messageId: last.messageId, wamid: last.wamid, requestedAt: now } },
      ];
    }
    case 'RecordReadReceiptAttempt': {
      const receipt = read.receipt;
      if (receipt?.messageId !== command.data.messageId || receipt.status !== 'requested') return [];
      return [{ type: 'ReadReceiptSendAttempted', data: { messageId: receipt.messageId, at: now } }];
    }
    case 'RecordReadReceiptOutcome': {
      const receipt = read.receipt;
      if (receipt?.messageId !== command.data.messageId || receipt.status !== 'attempting') return [];
      const { messageId, failure } = command.data;
      if (failure === null && command.data.reason === undefined) {
        return [{ type: 'ReadReceiptSent', data: { messageId, at: now } }];
      }
      return [
        { type: 'ReadReceiptFailed', data: { messageId, at: now, reason: command.data.reason ?? 'refused', failure } },
      ];
    }
    default:
      return assertNever(command);
  }
}

export function evolveReadState(read: ReadState, event: ReadStateEvent): ReadState {
  switch (event.type) {
    case 'ConversationMarkedRead':
      return { ...read, readUpToMessageId: event.data.upToMessageId };
    case 'ReadReceiptRequested': {
      const { messageId, wamid } = event.data;
      return { ...read, receipt: { messageId, wamid, status: 'requested', attemptedAt: null } };
    }
    case 'ReadReceiptSendAttempted':
      return withReceipt(read, event.data.messageId, { status: 'attempting', attemptedAt: event.data.at });
    case 'ReadReceiptSent':
      return withReceipt(read, event.data.messageId, { status: 'sent' });
    case 'ReadReceiptFailed':
      return withReceipt(read, event.data.messageId, { status: 'failed' });
    default:
      return assertNever(event);
  }
}

/** A contact's message arrived: the conversation is unread again from it. */
export function withInboundMessage(read: ReadState, messageId: string, wamid: string): ReadState {
  return { ...read, lastInbound: { messageId, wamid } };
}

function withReceipt(read: ReadState, messageId: string, change: Partial<ReadReceiptState>): ReadState {
  return read.receipt?.messageId === messageId ? { ...read, receipt: { ...read.receipt, ...change } } : read;
}
