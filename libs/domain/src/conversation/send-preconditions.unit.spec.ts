import { DomainError, fold } from '../core/index.js';
import {
  DAY,
  HOUR,
  contextAt,
  firstSentAt,
  historyOf,
  inbound,
  later,
  replyText,
  template,
} from './conversation.fixtures.js';
import { type ConversationEvent, checkReply, checkTemplateSend, conversationDecider } from './index.js';

const stateAfter = (events: ConversationEvent[]) =>
  fold(conversationDecider.evolve, conversationDecider.initialState, events);
const text = (body: string) => ({ kind: 'text' as const, body });
const welcome = { name: 'welcome_back', language: 'en_US' };

function refusalOf(check: () => unknown): DomainError {
  try {
    check();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('What a send needs before anything is counted', () => {
  const opened = stateAfter(historyOf(inbound(1)));
  const inSession = later(firstSentAt, HOUR);
  const afterSession = later(firstSentAt, DAY);

  describe('checkReply', () => {
    it('gives the open session a reply goes out in', () => {
      const check = checkReply(opened, { messageId: 'out-1', content: text('Hi') }, contextAt(inSession));
      expect(check).toMatchObject({ status: 'Ready', session: { sessionId: 'session-1', status: 'Open' } });
    });

    it('has nothing to do for a message already recorded (a retried request), even after the session', () => {
      const replied = stateAfter(historyOf(inbound(1), replyText(1, inSession)));
      expect(checkReply(replied, { messageId: 'out-1', content: text('Reply 1') }, contextAt(afterSession))).toEqual({
        status: 'AlreadyRecorded',
      });
    });

    it.each([
      [
        'no conversation',
        conversationDecider.initialState,
        inSession,
        text('Hi'),
        'portal-1',
        'CONVERSATION_NOT_FOUND',
      ],
      ["another portal's conversation", opened, inSession, text('Hi'), 'portal-2', 'CONVERSATION_NOT_FOUND'],
      ['a closed session', opened, afterSession, text('Hi'), 'portal-1', 'SESSION_CLOSED'],
      ['a blank text', opened, inSession, text(' '), 'portal-1', 'INVALID_COMMAND'],
      ['a text too long', opened, inSession, text('x'.repeat(4097)), 'portal-1', 'INVALID_COMMAND'],
    ] as const)('refuses %s with the code the decider uses', (_, state, now, content, portal, code) => {
      const context = contextAt(now, undefined, portal);
      expect(refusalOf(() => checkReply(state, { messageId: 'out-1', content }, context)).code).toBe(code);
      expect(
        refusalOf(() => conversationDecider.decide({ ...replyText(1, now, { content }), context }, state)).code,
      ).toBe(code);
    });
  });

  describe('checkTemplateSend', () => {
    it('sends within the open session', () => {
      const check = checkTemplateSend(opened, { messageId: 'tpl-1', template: welcome }, contextAt(inSession));
      expect(check).toMatchObject({ status: 'Ready', session: { sessionId: 'session-1' } });
    });

    it('starts a business-initiated conversation when no session is open', () => {
      const check = checkTemplateSend(opened, { messageId: 'tpl-1', template: welcome }, contextAt(afterSession));
      expect(check).toMatchObject({ status: 'Ready', session: null });
    });

    it('has nothing to do for a template already recorded', () => {
      const sent = stateAfter(historyOf(inbound(1), template(1, afterSession)));
      expect(checkTemplateSend(sent, { messageId: 'tpl-1', template: welcome }, contextAt(afterSession))).toEqual({
        status: 'AlreadyRecorded',
      });
    });

    it.each([
      ['no conversation', conversationDecider.initialState, welcome, 'CONVERSATION_NOT_FOUND'],
      ['a blank template name', opened, { ...welcome, name: ' ' }, 'INVALID_COMMAND'],
      ['a blank language', opened, { ...welcome, language: '' }, 'INVALID_COMMAND'],
    ] as const)('refuses %s with the code the decider uses', (_, state, named, code) => {
      const context = contextAt(afterSession);
      expect(refusalOf(() => checkTemplateSend(state, { messageId: 'tpl-1', template: named }, context)).code).toBe(
        code,
      );
      const command = template(1, afterSession, {
        template: { ...named, renderedText: 'Hi', parameters: { body: [] } },
      });
      expect(refusalOf(() => conversationDecider.decide(command, state)).code).toBe(code);
    });
  });
});
