import { channelDecider, numberConnectedAt, refuseUnknownAccount } from './channel/index.js';
import type { ChannelState, ConnectAccount, ConnectedChannel } from './channel/index.js';
import { contactDecider, contactPhoneIndexDecider } from './contact/index.js';
import type {
  ActiveContact,
  ContactCommand,
  ContactEvent,
  ContactPhoneCommand,
  ContactPhoneIndexState,
  ContactState,
} from './contact/index.js';
import { contactPhoneNumbers, linkedContactIds } from './contact/contact.state.js';
import type { Actor, CommandContext, Decider, DomainCommand, DomainEvent } from './core/index.js';
import { fold } from './core/index.js';
import type {
  ConversationCommand,
  DeliveryError,
  DeliveryStatus,
  OutboundFailure,
  ReplyContent,
  SessionState,
  StartedConversation,
  TemplateToSend,
} from './conversation/index.js';
import { conversationDecider, conversationIdOf, dueAttempt, sessionOpenAt } from './conversation/index.js';
import type { InboundContent } from './conversation/message-content.js';
import { normaliseToE164, toWaId } from './phone-number/e164.js';
import { monthlyLimitAt, portalDecider } from './portal/index.js';
import type { PortalCommand, PortalState, RegisteredPortal } from './portal/index.js';
import type { CountedAs } from './quota/index.js';
import {
  calendarDayIn,
  countingRuleAt,
  dailyQuotaDecider,
  monthlyPeriodContaining,
  monthlyQuotaDeciderUnder,
} from './quota/index.js';
import { RULEBOOK, type Rulebook, dailyCapAt } from './rules/index.js';
import { bindTemplateParameters, requireApprovedTemplate, templateDecider } from './template/index.js';
import type { RegisterTemplate, TemplateParameters, TemplateState } from './template/index.js';
import { viewDecider, viewSlotsDecider } from './view/index.js';
import type { ViewCommand } from './view/index.js';
import {
  StreamCategory,
  channelStreamName,
  contactPhoneStreamName,
  contactStreamName,
  conversationStreamName,
  dailyQuotaStreamName,
  monthlyQuotaStreamName,
  portalStreamName,
  streamPrefix,
  templateStreamName,
  viewSlotsStreamName,
  viewStreamName,
} from './stream-names.js';

/**
 * Histories for read-model specs, made by the deciders themselves: each builder runs the command
 * through the aggregate's pure `decide` on the state folded so far, as the command handlers do,
 * and hands back what it recorded. The shell's share (ids, routing by number, the quota counted
 * before a send) is done here in memory. No I/O: appending the facts is the caller's business.
 */

/** One recorded event: where it goes, and the command context it was decided under. */
export interface Fact {
  readonly stream: string;
  readonly event: DomainEvent;
  readonly context: CommandContext;
  readonly command: string;
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** The defaults of a portal with one connected WhatsApp number and one approved template. */
export const helpdesk = {
  portalId: 'acme',
  accountId: 'account-1',
  phoneNumberId: '106540352242922',
  businessPhone: '+15550001111',
  contactPhone: '+33612345678',
  template: { name: 'order_ready', language: 'en_US' },
  templateBody: 'Hi {{1}}, your order {{2}} is ready.',
};

export const adminActor: Actor = { kind: 'user', id: 'admin-1' };
export const agentActor: Actor = { kind: 'user', id: 'agent-1' };
export const userActor = (id: string): Actor => ({ kind: 'user', id });

export const contentPolicyActor: Actor = { kind: 'system', id: 'content-policy' };
export const dispatcherActor: Actor = { kind: 'system', id: 'outbound-dispatcher' };

/** What one call to Meta told about a message, as the dispatcher classifies Meta's answer. */
export type SendOutcome =
  | { readonly kind: 'accepted'; readonly wamid: string }
  | { readonly kind: 'not_taken'; readonly failure: OutboundFailure }
  | { readonly kind: 'unknown'; readonly reason: string };

/** Meta's usual answers, classified. */
export const metaSays = {
  accepted: (wamid: string): SendOutcome => ({ kind: 'accepted', wamid }),
  /** A 400 with Meta's error: "(#100) Invalid parameter" becomes the title "Invalid parameter", the details the message. */
  refused: (code: number, message: string, details: string): SendOutcome => ({
    kind: 'not_taken',
    failure: {
      code,
      title: message.replace(/^\(#\d+\)\s*/, ''),
      message: details,
      httpStatus: 400,
      fbtraceId: 'trace-1',
    },
  }),
  throttled: (): SendOutcome => ({
    kind: 'not_taken',
    failure: { code: 130429, title: 'Rate limit hit', message: 'Rate limit hit', httpStatus: 400 },
  }),
  noAnswer: (): SendOutcome => ({ kind: 'unknown', reason: 'The request was sent but no answer came: socket hang up' }),
};

/** The dispatcher's backoff (2 s doubling, capped at 5 min) with its jitter at one half. */
export function retryDelayMs(failedAttempt: number): number {
  return Math.floor(0.5 * Math.min(300_000, 2_000 * 2 ** Math.max(0, failedAttempt - 1)));
}

export const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

export function conversationOf(
  phone: string = helpdesk.contactPhone,
  phoneNumberId: string = helpdesk.phoneNumberId,
  portalId: string = helpdesk.portalId,
): string {
  return conversationIdOf({ portalId, phoneNumberId, contactWaId: toWaId(phone) });
}

/** One message of Meta's webhook, as the webhook edge parses it. */
export interface InboundMessage {
  readonly phoneNumberId: string;
  readonly wamid: string;
  readonly from: string;
  readonly sentAt: string;
  readonly content: InboundContent;
  /** Meta's `contacts[].profile.name`, when the webhook carried one. */
  readonly profileName?: string;
}

export function inboundMessage(wamid: string, sentAt: string, from: string = helpdesk.contactPhone): InboundMessage {
  return {
    phoneNumberId: helpdesk.phoneNumberId,
    wamid,
    from,
    sentAt,
    content: { kind: 'text', body: `Hello (${wamid})` },
  };
}

export interface HistoryOptions {
  /** When the portal registers and its account connects: the clock starts there. */
  readonly connectedAt: string;
  readonly subscriptionStartedOn?: string;
  readonly monthlyConversationLimit?: number;
  /** The rulebook sends are counted under (the repository's by default). */
  readonly rulebook?: Rulebook;
}

type ConnectData = Omit<ConnectAccount['data'], 'ownership'>;

/**
 * A helpdesk's history, one command at a time. `at` moves its clock; every builder returns the
 * facts it recorded (the states are kept, so later commands decide on them).
 */
export class HelpdeskHistory {
  private readonly states = new Map<string, unknown>();
  private now: string;
  private sequence = 0;
  readonly portalId: string;
  private readonly rulebook: Rulebook;

  constructor(options: HistoryOptions & { portalId?: string }) {
    this.now = options.connectedAt;
    this.portalId = options.portalId ?? helpdesk.portalId;
    this.rulebook = options.rulebook ?? RULEBOOK;
  }

  /** The portal of the conversation test world: registered, one connected number, one approved template. */
  static standard(options: HistoryOptions): { history: HelpdeskHistory; setup: Fact[] } {
    const history = new HelpdeskHistory(options);
    const { subscriptionStartedOn = '2024-01-15', monthlyConversationLimit } = options;
    const setup = [
      ...history.registerPortal({
        name: 'Acme',
        timeZone: 'Europe/Paris',
        subscriptionStartedOn,
        monthlyConversationLimit,
      }),
      ...history.connectAccount({
        ...{ accountId: helpdesk.accountId, wabaId: 'waba-1', name: 'Acme support', timeZone: 'Europe/Paris' },
        ...{ accountType: 'business', businessVerified: false },
        phoneNumbers: [{ phoneNumberId: helpdesk.phoneNumberId, displayNumber: helpdesk.businessPhone }],
      }),
      ...history.registerTemplate({
        accountId: helpdesk.accountId,
        ...helpdesk.template,
        category: 'utility',
        body: helpdesk.templateBody,
      }),
      ...history.approveTemplate({ accountId: helpdesk.accountId, ...helpdesk.template }),
    ];
    return { history, setup };
  }

  /** Moves the clock: commands from now on are decided at `iso`. */
  at(iso: string): this {
    this.now = iso;
    return this;
  }

  get clock(): string {
    return this.now;
  }

  /** A new id, unique in this history. */
  newId(prefix: string): string {
    return `${prefix}-${++this.sequence}`;
  }

  /** Runs `command` through `decider` on the stream's state so far; records and returns what it decided. */
  decide<C extends DomainCommand, E extends DomainEvent, S>(
    stream: string,
    decider: Decider<C, E, S>,
    command: C,
  ): Fact[] {
    const state = this.stateOf(stream, decider);
    const events = decider.decide(command, state);
    this.states.set(stream, fold(decider.evolve, state, events));
    return events.map((event) => ({ stream, event, context: command.context, command: command.type }));
  }

  stateOf<S>(stream: string, decider: Pick<Decider<never, never, S>, 'initialState'>): S {
    return (this.states.has(stream) ? this.states.get(stream) : decider.initialState) as S;
  }

  context(actor: Actor = adminActor, portalId = this.portalId): CommandContext {
    return { portalId, actor, now: new Date(this.now) };
  }

  // Portal

  registerPortal(data: Extract<PortalCommand, { type: 'RegisterPortal' }>['data'], actor = adminActor): Fact[] {
    return this.decide(portalStreamName(this.portalId), portalDecider, {
      type: 'RegisterPortal',
      data,
      context: this.context(actor),
    });
  }

  changeMonthlyLimit(data: Extract<PortalCommand, { type: 'ChangeMonthlyLimit' }>['data'], actor = adminActor): Fact[] {
    return this.decide(portalStreamName(this.portalId), portalDecider, {
      type: 'ChangeMonthlyLimit',
      data,
      context: this.context(actor),
    });
  }

  // Channels (the ownership check is off, as in the API's tests)

  connectAccount(data: ConnectData, actor = adminActor): Fact[] {
    const command = {
      type: 'ConnectAccount' as const,
      data: { ...data, ownership: { checkedWith: 'not-checked' as const } },
      context: this.context(actor),
    };
    return this.decide(channelStreamName(data.accountId), channelDecider, command);
  }

  addPhoneNumber(
    accountId: string,
    number: { phoneNumberId: string; displayNumber: string },
    actor = adminActor,
  ): Fact[] {
    const data = { accountId, ...number, ownership: { checkedWith: 'not-checked' as const } };
    return this.decide(channelStreamName(accountId), channelDecider, {
      type: 'AddPhoneNumber',
      data,
      context: this.context(actor),
    });
  }

  removePhoneNumber(accountId: string, displayNumber: string, actor = adminActor): Fact[] {
    return this.decide(channelStreamName(accountId), channelDecider, {
      type: 'RemovePhoneNumber',
      data: { accountId, displayNumber },
      context: this.context(actor),
    });
  }

  markBusinessVerified(accountId: string, actor = adminActor): Fact[] {
    return this.decide(channelStreamName(accountId), channelDecider, {
      type: 'MarkBusinessVerified',
      data: { accountId },
      context: this.context(actor),
    });
  }

  disconnectAccount(accountId: string, actor = adminActor): Fact[] {
    return this.decide(channelStreamName(accountId), channelDecider, {
      type: 'DisconnectAccount',
      data: { accountId },
      context: this.context(actor),
    });
  }

  // Templates

  registerTemplate(data: RegisterTemplate['data'], actor = adminActor): Fact[] {
    // Only an account connected to this portal gets templates, as the handler checks.
    const channel = this.stateOf<ChannelState>(channelStreamName(data.accountId), channelDecider);
    if (channel.status !== 'Connected' || channel.portalId !== this.portalId) refuseUnknownAccount(data.accountId);
    const stream = templateStreamName(data.accountId, data.name, data.language);
    return this.decide(stream, templateDecider, { type: 'RegisterTemplate', data, context: this.context(actor) });
  }

  approveTemplate(key: { accountId: string; name: string; language: string }, actor = adminActor): Fact[] {
    const stream = templateStreamName(key.accountId, key.name, key.language);
    return this.decide(stream, templateDecider, { type: 'ApproveTemplate', data: key, context: this.context(actor) });
  }

  rejectTemplate(
    key: { accountId: string; name: string; language: string },
    reason: string,
    actor = adminActor,
  ): Fact[] {
    const stream = templateStreamName(key.accountId, key.name, key.language);
    return this.decide(stream, templateDecider, {
      type: 'RejectTemplate',
      data: { ...key, reason },
      context: this.context(actor),
    });
  }

  // Contacts

  /**
   * A contact command on its stream (of this portal unless `portalId` says otherwise), then the
   * phone index brought in line (replaced numbers unlinked, current ones linked) and the contact
   * associated with the open conversations waiting for it, as the contact handlers do.
   */
  contact(command: Omit<ContactCommand, 'context'>, actor = adminActor, portalId = this.portalId): Fact[] {
    const contactId = command.data.contactId;
    const context = this.context(actor, portalId);
    const stream = contactStreamName(portalId, contactId);
    const facts = this.decide(stream, contactDecider, { ...command, context } as ContactCommand);
    const contact = this.stateOf<ContactState>(stream, contactDecider) as ActiveContact;
    const index = (type: ContactPhoneCommand['type'], data: ContactPhoneCommand['data']) =>
      this.decide(contactPhoneStreamName(portalId, data.phoneNumber), contactPhoneIndexDecider, {
        type,
        data,
        context,
      });
    const indexed: Fact[] = [];
    for (const { event } of facts) {
      if (event.type !== 'ContactPhoneNumberChanged') continue;
      const { property, previous } = (event as Extract<ContactEvent, { type: 'ContactPhoneNumberChanged' }>).data;
      if (previous !== null)
        indexed.push(...index('UnlinkContactPhone', { contactId, property, phoneNumber: previous }));
    }
    for (const property of ['phoneNumber', 'mobilePhoneNumber'] as const) {
      const phoneNumber = contact[property];
      if (phoneNumber !== null) indexed.push(...index('LinkContactPhone', { contactId, property, phoneNumber }));
    }
    return [...facts, ...indexed, ...this.associateContact(contactId, actor, portalId)];
  }

  /** The contacts whose phone numbers include `phone`, as the phone index knows them. */
  contactIdsByPhone(phone: string): string[] {
    const e164 = normaliseToE164(phone);
    const index = this.stateOf<ContactPhoneIndexState>(
      contactPhoneStreamName(this.portalId, e164),
      contactPhoneIndexDecider,
    );
    const contactOf = (contactId: string) =>
      this.stateOf<ContactState>(contactStreamName(this.portalId, contactId), contactDecider);
    return linkedContactIds(index).filter((contactId) => contactPhoneNumbers(contactOf(contactId)).includes(e164));
  }

  /** Every open conversation with one of the contact's numbers and no contact yet is associated with it. */
  associateContact(contactId: string, actor = adminActor, portalId = this.portalId): Fact[] {
    const state = this.stateOf<ContactState>(contactStreamName(portalId, contactId), contactDecider);
    const waIds = new Set(contactPhoneNumbers(state).map(toWaId));
    const facts: Fact[] = [];
    for (const [stream, conversation] of this.conversations()) {
      if (!waIds.has(conversation.contactWaId) || conversation.portalId !== portalId) continue;
      if (conversation.contactId !== null || conversation.ticket?.status !== 'Open') continue;
      const command = {
        type: 'AssociateContact' as const,
        data: { contactId },
        context: this.context(actor, portalId),
      };
      facts.push(...this.decide(stream, conversationDecider, command));
    }
    return facts;
  }

  // Conversations

  /** A contact's message arriving by webhook: routed by the number that received it, ids derived from the wamid. */
  receive(message: InboundMessage): Fact[] {
    const route = this.channelHolding(message.phoneNumberId);
    if (!route) throw new Error(`No connected WhatsApp channel holds the number ${message.phoneNumberId}`);
    const { channel, displayNumber, connectedAt } = route;
    const portalId = channel.portalId;
    const conversationId = conversationIdOf({
      portalId,
      phoneNumberId: message.phoneNumberId,
      contactWaId: toWaId(message.from),
    });
    const data = {
      phoneNumberId: message.phoneNumberId,
      ticketId: `ticket-${message.wamid}`,
      sessionId: `session-${message.wamid}`,
      messageId: `message-${message.wamid}`,
      wamid: message.wamid,
      from: message.from,
      to: displayNumber,
      sentAt: message.sentAt,
      numberConnectedAt: connectedAt,
      content: message.content,
      matchingContactIds: this.contactIdsByPhone(message.from),
      ...(message.profileName !== undefined && { profileName: message.profileName }),
    };
    const context = {
      ...this.context({ kind: 'whatsapp', id: message.phoneNumberId }, portalId),
      idempotencyKey: `inbound|${message.wamid}`,
    };
    return this.decide(conversationStreamName(conversationId), conversationDecider, {
      type: 'ReceiveInboundMessage',
      data,
      context,
    });
  }

  /** A command on the conversation, decided as its API handler decides it. */
  onConversation(
    conversationId: string,
    command: Omit<ConversationCommand, 'context'>,
    actor: Actor = adminActor,
  ): Fact[] {
    const full = { ...command, context: this.context(actor) } as ConversationCommand;
    return this.decide(conversationStreamName(conversationId), conversationDecider, full);
  }

  conversation(conversationId: string = conversationOf()): StartedConversation {
    const state = this.stateOf(conversationStreamName(conversationId), conversationDecider);
    if (state.status !== 'Started') throw new Error(`conversation ${conversationId} has not started`);
    return state;
  }

  /** The conversation's current ticket. */
  ticketOf(conversationId: string = conversationOf()): string {
    const { ticket } = this.conversation(conversationId);
    if (!ticket) throw new Error(`conversation ${conversationId} has no ticket`);
    return ticket.ticketId;
  }

  assign(
    conversationId: string,
    assigneeId: string,
    ticketId = this.ticketOf(conversationId),
    actor = adminActor,
  ): Fact[] {
    return this.onConversation(conversationId, { type: 'AssignTicket', data: { ticketId, assigneeId } }, actor);
  }

  close(conversationId: string, ticketId = this.ticketOf(conversationId), actor = adminActor): Fact[] {
    return this.onConversation(conversationId, { type: 'CloseTicket', data: { ticketId } }, actor);
  }

  reopen(conversationId: string, ticketId = this.ticketOf(conversationId), actor = adminActor): Fact[] {
    return this.onConversation(conversationId, { type: 'ReopenTicket', data: { ticketId } }, actor);
  }

  /** An agent's free-form reply: the session's first business message counted first, under the rule in force. */
  reply(conversationId: string, content: ReplyContent, options: { messageId?: string; actor?: Actor } = {}): Fact[] {
    const { messageId = this.newId('reply'), actor = agentActor } = options;
    const session = this.openSession(conversationId);
    const draft = {
      messageId,
      content,
      sessionId: session?.sessionId ?? '',
      countedAs: 'free' as const,
      ruleVersion: '',
    };
    // A dry run of the decider first, as the handler does: a refused reply is never counted.
    conversationDecider.decide(
      { type: 'ReplyToContact', data: draft, context: this.context(actor) },
      this.conversation(conversationId),
    );
    const facts: Fact[] = [];
    const count = session
      ? this.countSession(conversationId, messageId, session, actor, facts)
      : { ruleVersion: '', counted: false };
    const data = {
      ...draft,
      countedAs: count.counted ? ('user_initiated_session' as const) : ('free' as const),
      ruleVersion: count.ruleVersion,
    };
    return [...facts, ...this.onConversation(conversationId, { type: 'ReplyToContact', data }, actor)];
  }

  /** An approved template: inside a session it counts with it; outside, it reserves a business-initiated conversation. */
  sendTemplate(
    conversationId: string,
    request: { name: string; language: string; parameters: TemplateParameters },
    options: { messageId?: string; actor?: Actor; notRecorded?: boolean } = {},
  ): Fact[] {
    const { messageId = this.newId('template'), actor = agentActor } = options;
    const conversation = this.conversation(conversationId);
    const session = this.openSession(conversationId);
    // A dry run of the decider first, as the handler does: a refused send is never counted.
    const unbound = {
      name: request.name,
      language: request.language,
      renderedText: '',
      parameters: request.parameters,
    };
    const draft = {
      messageId,
      template: unbound,
      ruleVersion: '',
      businessInitiated: !session,
      sessionId: session?.sessionId,
    };
    conversationDecider.decide({ type: 'SendTemplate', data: draft, context: this.context(actor) }, conversation);

    const route = this.channelHolding(conversation.phoneNumberId);
    if (!route) throw new Error('The WhatsApp number of this conversation is no longer connected');
    const stream = templateStreamName(route.accountId, request.name, request.language);
    const approved = requireApprovedTemplate(this.stateOf<TemplateState>(stream, templateDecider));
    const rendered = bindTemplateParameters(approved, request.parameters);
    const template: TemplateToSend = {
      name: request.name,
      language: request.language,
      renderedText: rendered.body,
      ...(rendered.header === undefined ? {} : { renderedHeader: rendered.header }),
      parameters: request.parameters,
    };
    const facts: Fact[] = [];
    const settled = session
      ? this.countSession(conversationId, messageId, session, actor, facts)
      : this.reserveBusinessInitiated(conversationId, messageId, route, actor, facts);
    if (options.notRecorded) {
      // The conversation's append failed for good: the handler gives the reservation back.
      return [...facts, ...this.release(messageId, 'MESSAGE_NOT_RECORDED', settled, actor)];
    }
    const data = { ...draft, template, ruleVersion: settled.ruleVersion };
    return [...facts, ...this.onConversation(conversationId, { type: 'SendTemplate', data }, actor)];
  }

  /** The content policy holds a message back. */
  quarantine(conversationId: string, messageId: string, reason: string, actor: Actor = contentPolicyActor): Fact[] {
    return this.onConversation(conversationId, { type: 'QuarantineMessage', data: { messageId, reason } }, actor);
  }

  /** An auditor reveals a quarantined message. */
  reveal(conversationId: string, messageId: string, reason: string, actor: Actor = userActor('auditor-1')): Fact[] {
    return this.onConversation(
      conversationId,
      { type: 'RevealQuarantinedMessage', data: { messageId, reason } },
      actor,
    );
  }

  /** Meta's status webhook for an outbound message. */
  recordStatus(
    conversationId: string,
    wamid: string,
    status: DeliveryStatus,
    at: string,
    error?: DeliveryError,
  ): Fact[] {
    const data = { wamid, status, at, ...(error && { error }) };
    return this.onConversation(
      conversationId,
      { type: 'RecordDeliveryStatus', data },
      { kind: 'whatsapp', id: this.conversation(conversationId).phoneNumberId },
    );
  }

  /** An agent picks the conversation's contact among those sharing its number (looked up as the handler does). */
  chooseContact(conversationId: string, contactId: string, actor: Actor = agentActor): Fact[] {
    const matchingContactIds = this.contactIdsByPhone(`+${this.conversation(conversationId).contactWaId}`);
    return this.onConversation(
      conversationId,
      { type: 'ChooseContact', data: { contactId, matchingContactIds } },
      actor,
    );
  }

  /** An agent reads the conversation; `sendReceipt`: the portal's setting for receipts to contacts. */
  markRead(conversationId: string, sendReceipt = true, actor: Actor = agentActor): Fact[] {
    return this.onConversation(conversationId, { type: 'MarkConversationRead', data: { sendReceipt } }, actor);
  }

  /** An agent asks to send a message again. */
  resend(conversationId: string, messageId: string, actor: Actor = agentActor): Fact[] {
    return this.onConversation(conversationId, { type: 'ResendOutboundMessage', data: { messageId } }, actor);
  }

  /**
   * The outbound dispatcher's work on one message, Meta answering with `outcomes` in turn (no
   * answer once they run out): record each due attempt, then Meta's answer; a scheduled retry
   * moves the clock to its time, as the dispatcher's wait does.
   */
  dispatch(conversationId: string, messageId: string, outcomes: readonly SendOutcome[]): Fact[] {
    const answers = [...outcomes];
    const facts: Fact[] = [];
    for (;;) {
      const dispatch = this.conversation(conversationId).messages.get(messageId)?.dispatch;
      if (!dispatch) throw new Error(`no outbound message ${messageId} in ${conversationId}`);
      if (dispatch.status === 'retry_scheduled' && dispatch.retryAt > this.now) this.at(dispatch.retryAt);
      const attempt = dueAttempt(dispatch);
      if (attempt === null) return facts;
      facts.push(
        ...this.onConversation(
          conversationId,
          { type: 'RecordOutboundSendAttempt', data: { messageId, attempt } },
          dispatcherActor,
        ),
      );
      const outcome = answers.shift() ?? metaSays.noAnswer();
      const decision =
        outcome.kind === 'accepted'
          ? { type: 'RecordOutboundWamid' as const, data: { messageId, wamid: outcome.wamid } }
          : outcome.kind === 'not_taken'
            ? {
                type: 'RecordOutboundSendFailure' as const,
                data: { messageId, attempt, failure: outcome.failure, retryDelayMs: retryDelayMs(attempt) },
              }
            : { type: 'MarkOutboundDeliveryUnknown' as const, data: { messageId, attempt, reason: outcome.reason } };
      facts.push(...this.onConversation(conversationId, decision, dispatcherActor));
    }
  }

  // Views

  /** A view command; a creation first takes one of the portal's view slots, a deletion gives it back. */
  view(command: Omit<ViewCommand, 'context'>, actor: Actor): Fact[] {
    const { viewId } = command.data;
    const context = this.context(actor);
    const full = { ...command, context } as ViewCommand;
    const stream = viewStreamName(this.portalId, viewId);
    const slots = viewSlotsStreamName(this.portalId);
    if (full.type === 'CreateView') {
      viewDecider.decide(full, this.stateOf(stream, viewDecider));
      const reserved = this.decide(slots, viewSlotsDecider, {
        type: 'ReserveViewSlot',
        data: { viewId, creatorId: actor.id },
        context,
      });
      return [...reserved, ...this.decide(stream, viewDecider, full)];
    }
    const decided = this.decide(stream, viewDecider, full);
    if (full.type !== 'DeleteView') return decided;
    return [
      ...decided,
      ...this.decide(slots, viewSlotsDecider, { type: 'ReleaseViewSlot', data: { viewId }, context }),
    ];
  }

  // The shell's share

  private *conversations(): Iterable<[string, StartedConversation]> {
    for (const [stream, state] of this.states) {
      if (
        stream.startsWith(streamPrefix(StreamCategory.conversation)) &&
        (state as { status?: string }).status === 'Started'
      )
        yield [stream, state as StartedConversation];
    }
  }

  /** The connected account holding the number, as the handlers find it by its phone-number id. */
  private channelHolding(
    phoneNumberId: string,
  ): { channel: ConnectedChannel; accountId: string; displayNumber: string; connectedAt: string } | null {
    for (const [stream, state] of this.states) {
      if (!stream.startsWith(streamPrefix(StreamCategory.channel))) continue;
      const channel = state as ChannelState;
      if (channel.status !== 'Connected') continue;
      const number = channel.phoneNumbers.find((held) => held.phoneNumberId === phoneNumberId);
      if (number) {
        const { accountId } = channel;
        return {
          channel,
          accountId,
          displayNumber: number.displayNumber,
          connectedAt: numberConnectedAt(channel, number),
        };
      }
    }
    return null;
  }

  private openSession(conversationId: string): SessionState | null {
    return sessionOpenAt(this.conversation(conversationId).session, new Date(this.now));
  }

  private portal(): RegisteredPortal {
    const state = this.stateOf<PortalState>(portalStreamName(this.portalId), portalDecider);
    if (state.status !== 'Registered') throw new Error(`Portal ${this.portalId} is not registered`);
    return state;
  }

  private countSession(
    conversationId: string,
    messageId: string,
    session: SessionState,
    actor: Actor,
    facts: Fact[],
  ): Settlement {
    const now = new Date(this.now);
    const rule = countingRuleAt(now, this.rulebook.counting);
    if (rule.userInitiatedSession === 0) return { ruleVersion: rule.version, counted: false };
    const periodKey = this.countMonthly(
      conversationId,
      messageId,
      { reason: 'user_initiated_session', sessionId: session.sessionId },
      actor,
      facts,
    );
    return { ruleVersion: rule.version, counted: true, periodKey };
  }

  private reserveBusinessInitiated(
    conversationId: string,
    messageId: string,
    route: { channel: ConnectedChannel; accountId: string },
    actor: Actor,
    facts: Fact[],
  ): Settlement {
    const now = new Date(this.now);
    const rule = countingRuleAt(now, this.rulebook.counting);
    const periodKey = this.countMonthly(conversationId, messageId, { reason: 'business_initiated' }, actor, facts);
    if (route.channel.businessVerified) return { ruleVersion: rule.version, counted: true, periodKey };
    const day = calendarDayIn(now, route.channel.timeZone);
    const capRule = dailyCapAt(now, this.rulebook);
    const data = {
      accountId: route.accountId,
      day,
      conversationId,
      messageId,
      cap: capRule.unverifiedBusinessInitiated,
      ruleVersion: capRule.version,
    };
    facts.push(
      ...this.decide(dailyQuotaStreamName(route.accountId, day), dailyQuotaDecider, {
        type: 'CountBusinessInitiated',
        data,
        context: this.context(actor),
      }),
    );
    return { ruleVersion: rule.version, counted: true, periodKey, daily: { accountId: route.accountId, day } };
  }

  /** Gives a count back: the day's first, then the month's. */
  private release(messageId: string, reason: string, settled: Settlement, actor: Actor): Fact[] {
    if (!settled.counted) return [];
    const context = this.context(actor);
    const daily = settled.daily
      ? this.decide(dailyQuotaStreamName(settled.daily.accountId, settled.daily.day), dailyQuotaDecider, {
          type: 'ReleaseBusinessInitiated',
          data: { messageId, reason },
          context,
        })
      : [];
    const decider = monthlyQuotaDeciderUnder(this.rulebook.counting);
    return [
      ...daily,
      ...this.decide(monthlyQuotaStreamName(this.portalId, settled.periodKey), decider, {
        type: 'ReleaseConversation',
        data: { messageId, reason },
        context,
      }),
    ];
  }

  /** Counts the message in the portal's monthly quota; returns the period's key. */
  private countMonthly(
    conversationId: string,
    messageId: string,
    countedAs: CountedAs,
    actor: Actor,
    facts: Fact[],
  ): string {
    const now = new Date(this.now);
    const portal = this.portal();
    const rule = countingRuleAt(now, this.rulebook.counting);
    const period = monthlyPeriodContaining(now, portal);
    const data = {
      ...{ conversationId, messageId, ruleVersion: rule.version, limit: monthlyLimitAt(portal, now) },
      ...{ periodKey: period.key, resetsAt: period.resetsAt, ...countedAs },
    };
    const decider = monthlyQuotaDeciderUnder(this.rulebook.counting);
    facts.push(
      ...this.decide(monthlyQuotaStreamName(this.portalId, period.key), decider, {
        type: 'CountConversation',
        data,
        context: this.context(actor),
      }),
    );
    return period.key;
  }
}

/** How the quota took a send, and where to give it back. */
type Settlement =
  | { readonly ruleVersion: string; readonly counted: false }
  | {
      readonly ruleVersion: string;
      readonly counted: true;
      readonly periodKey: string;
      readonly daily?: { readonly accountId: string; readonly day: string };
    };
