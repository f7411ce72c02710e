import { type Actor, type CommandContext, fold } from '../core/index.js';
import type {
  ConversationCommand,
  ReceiveInboundMessage,
  ReplyToContact,
  SendTemplate,
} from './conversation.commands.js';
import { conversationDecider } from './conversation.decide.js';
import type { ConversationEvent } from './conversation.events.js';
import { conversationIdOf } from './conversation-key.js';

/** Builders shared by the conversation specs: one contact writing to one business number. */
export const portalId = 'portal-1';
export const phoneNumberId = '106540352242922';
export const contactPhone = '+33612345678';
export const businessPhone = '+15550001111';
export const conversationId = conversationIdOf({ portalId, phoneNumberId, contactWaId: '33612345678' });
export const channelConnectedAt = '2025-03-01T00:00:00.000Z';
export const firstSentAt = '2025-03-10T09:00:00.000Z';
export const SECOND = 1000;
export const HOUR = 3600 * SECOND;
export const DAY = 24 * HOUR;
export const RULE_VERSION = 'conversations/2024-11-01';

export const agent: Actor = { kind: 'user', id: 'agent-1' };
export const whatsapp: Actor = { kind: 'whatsapp', id: phoneNumberId };
export const system: Actor = { kind: 'system', id: 'session-expiry' };

export function later(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

export function contextAt(now: string, actor: Actor = agent, portal = portalId): CommandContext {
  return { portalId: portal, actor, now: new Date(now) };
}

export function command<C extends ConversationCommand>(
  type: C['type'],
  data: C['data'],
  now: string,
  actor = agent,
): C {
  return { type, data, context: contextAt(now, actor) } as C;
}

/** Message n from the contact, received 2 s after it was sent unless `now` says otherwise. */
export function inbound(
  n: number,
  overrides: Partial<ReceiveInboundMessage['data']> & { now?: string; portal?: string } = {},
): ReceiveInboundMessage {
  const { now, portal, ...data } = overrides;
  const sentAt = data.sentAt ?? firstSentAt;
  return {
    type: 'ReceiveInboundMessage',
    data: {
      phoneNumberId,
      ticketId: `ticket-${n}`,
      sessionId: `session-${n}`,
      messageId: `in-${n}`,
      wamid: `wamid.in-${n}`,
      from: contactPhone,
      to: businessPhone,
      sentAt,
      numberConnectedAt: channelConnectedAt,
      content: { kind: 'text', body: `Hello ${n}` },
      matchingContactIds: [],
      ...data,
    },
    context: contextAt(now ?? later(sentAt, 2 * SECOND), whatsapp, portal),
  };
}

export function replyText(n: number, now: string, overrides: Partial<ReplyToContact['data']> = {}): ReplyToContact {
  const data = {
    messageId: `out-${n}`,
    content: { kind: 'text' as const, body: `Reply ${n}` },
    sessionId: 'session-1',
  };
  return command('ReplyToContact', { ...data, countedAs: 'free', ruleVersion: RULE_VERSION, ...overrides }, now);
}

export function template(n: number, now: string, overrides: Partial<SendTemplate['data']> = {}): SendTemplate {
  const welcome = {
    name: 'welcome_back',
    language: 'en_US',
    renderedText: 'Hi Ana, we are back',
    parameters: { body: ['Ana'] },
  };
  const data = { messageId: `tpl-${n}`, template: welcome, ruleVersion: RULE_VERSION, businessInitiated: true };
  return command('SendTemplate', { ...data, ...overrides }, now);
}

/** The events the decider itself records for these commands, in turn: a history to start from. */
export function historyOf(...commands: ConversationCommand[]): ConversationEvent[] {
  const events: ConversationEvent[] = [];
  let state = conversationDecider.initialState;
  for (const next of commands) {
    const decided = conversationDecider.decide(next, state);
    state = fold(conversationDecider.evolve, state, decided);
    events.push(...decided);
  }
  return events;
}
