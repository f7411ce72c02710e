import { randomUUID } from 'node:crypto';
import {
  type ConversationCommand,
  type ConversationEvent,
  type ConversationState,
  conversationDecider,
  conversationIdOf,
  conversationStreamName,
  conversationsByPhoneStreamName,
  fold,
  toWaId,
} from '@helpdesk/domain';
import type { EventStore, EventToAppend, Position } from '@helpdesk/event-store';
import { metaJson, signatureOf } from '../../apps/simulator/src/sign-payload.js';
import { dailyInboxStreamName } from '../../apps/api/src/webhooks/webhook-inbox.js';
import { createPrng, type Prng } from '@helpdesk/demo';

/**
 * A long, realistic event history written straight through the event store's append (the fast
 * path: many appends per event-loop turn share one transaction), without HTTP or command
 * handlers. The conversation events are the real decider's own decisions for a realistic script
 * (message in, reply, send attempt, wamid, statuses, second message, sometimes an assignment or a
 * close), with the metadata the command shell records; every inbound message also has the raw
 * signed webhook payload in the inbox stream and the conversation its index entry, as in the
 * service's own log. Deterministic for a seed.
 */
export interface HistoryTarget {
  readonly portalId: string;
  readonly appSecret: string;
  readonly wabaId: string;
  /** Before every message of the history. */
  readonly connectedAt: string;
  readonly numbers: readonly { readonly phoneNumberId: string; readonly displayNumber: string }[];
}

export interface HistoryOptions {
  /** Stop once at least this many events are written. */
  readonly events: number;
  readonly seed?: number;
  /** The first message's time; later ones follow a few milliseconds apart (keep it within 24 h of now: sessions stay open). */
  readonly startAt: Date;
  /** Conversations whose appends are in flight at once (they share group commits). */
  readonly inFlight?: number;
}

export interface WrittenHistory {
  readonly events: number;
  readonly conversations: number;
  readonly seconds: number;
  readonly lastPosition: Position | null;
  /** A few conversation ids, to query their threads. */
  readonly sampleConversationIds: readonly string[];
}

const RULE_VERSION = 'conversations/2024-11-01';
const AGENTS = ['agent-1', 'agent-2', 'agent-3', 'agent-4', 'agent-5', 'agent-6', 'agent-7', 'agent-8'];
const WORDS = [
  'order',
  'invoice',
  'delivery',
  'refund',
  'password',
  'account',
  'shipping',
  'broken',
  'package',
  'tracking',
  'payment',
  'subscription',
  'cancel',
  'address',
  'receipt',
  'warranty',
  'discount',
  'voucher',
  'return',
  'help',
];

/** One conversation's events as the command shell stores them (ids, metadata), plus its webhook payloads. */
export interface ConversationHistory {
  readonly conversationId: string;
  readonly contactWaId: string;
  readonly phoneNumberId: string;
  readonly events: EventToAppend[];
  readonly inbox: EventToAppend[];
}

export class HistoryGenerator {
  private readonly prng: Prng;
  private sequence = 0;

  constructor(
    private readonly target: HistoryTarget,
    seed = 7,
  ) {
    this.prng = createPrng(seed);
  }

  /** Conversation n, its messages sent from `at` on. */
  conversation(at: Date): ConversationHistory {
    const { prng, target } = this;
    const n = this.sequence++;
    const number = target.numbers[n % target.numbers.length];
    const contactPhone = `+3161${String(n).padStart(7, '0')}`;
    const contactWaId = toWaId(contactPhone);
    const portalId = target.portalId;
    const conversationId = conversationIdOf({ portalId, phoneNumberId: number.phoneNumberId, contactWaId });
    const businessPhone = number.displayNumber;
    const t = (ms: number) => new Date(at.getTime() + ms);
    const whatsapp = { kind: 'whatsapp' as const, id: number.phoneNumberId };
    const agent = { kind: 'user' as const, id: prng.pick(AGENTS) };
    const context = (now: Date, actor: typeof whatsapp | typeof agent, idempotencyKey: string) => ({
      portalId,
      actor,
      now,
      idempotencyKey,
    });
    const wamidIn1 = `wamid.HBgL${n}A`;
    const wamidIn2 = `wamid.HBgL${n}B`;
    const wamidOut = `wamid.HBgL${n}C`;
    const replyId = randomUUID();
    const text1 = this.sentence();
    const text2 = this.sentence();
    const inbound = (wamid: string, body: string, sentMs: number): ConversationCommand => ({
      type: 'ReceiveInboundMessage',
      data: {
        phoneNumberId: number.phoneNumberId,
        ticketId: randomUUID(),
        sessionId: randomUUID(),
        messageId: randomUUID(),
        wamid,
        from: contactPhone,
        to: businessPhone,
        sentAt: t(sentMs).toISOString(),
        numberConnectedAt: target.connectedAt,
        content: { kind: 'text', body },
        matchingContactIds: [],
      },
      context: context(t(sentMs + 300), whatsapp, `inbound|${wamid}`),
    });
    const steps: ConversationCommand[] = [
      inbound(wamidIn1, text1, 0),
      {
        type: 'ReplyToContact',
        data: {
          messageId: replyId,
          content: { kind: 'text', body: `Thanks, we are looking into your ${prng.pick(WORDS)}.` },
          sessionId: '',
          countedAs: 'free',
          ruleVersion: RULE_VERSION,
        },
        context: context(t(60_000), agent, `reply-${n}`),
      },
      {
        type: 'RecordOutboundSendAttempt',
        data: { messageId: replyId, attempt: 1 },
        context: context(t(60_050), whatsapp, `attempt|${replyId}|1`),
      },
      {
        type: 'RecordOutboundWamid',
        data: { messageId: replyId, wamid: wamidOut },
        context: context(t(60_300), whatsapp, `wamid|${replyId}`),
      },
      {
        type: 'RecordDeliveryStatus',
        data: { wamid: wamidOut, status: 'sent', at: t(60_400).toISOString() },
        context: context(t(60_500), whatsapp, `status|${wamidOut}|sent`),
      },
      {
        type: 'RecordDeliveryStatus',
        data: { wamid: wamidOut, status: 'delivered', at: t(61_000).toISOString() },
        context: context(t(61_100), whatsapp, `status|${wamidOut}|delivered`),
      },
      {
        type: 'RecordDeliveryStatus',
        data: { wamid: wamidOut, status: 'read', at: t(90_000).toISOString() },
        context: context(t(90_100), whatsapp, `status|${wamidOut}|read`),
      },
      inbound(wamidIn2, text2, 120_000),
    ];
    const events: EventToAppend[] = [];
    let state: ConversationState = conversationDecider.initialState;
    const decideAndRecord = (command: ConversationCommand) => {
      const decided = conversationDecider.decide(fillSession(command, state), state);
      state = fold(conversationDecider.evolve, state, decided);
      const correlationId = randomUUID();
      decided.forEach((event: ConversationEvent) => events.push(storedEvent(command, event, correlationId)));
    };
    steps.forEach((step) => decideAndRecord(step));
    const ticketId = state.status === 'Started' ? state.ticket?.ticketId : undefined;
    if (ticketId && prng.chance(0.4)) {
      decideAndRecord({
        type: 'AssignTicket',
        data: { ticketId, assigneeId: agent.id },
        context: context(t(150_000), agent, `assign-${n}`),
      });
    }
    if (ticketId && prng.chance(0.3)) {
      decideAndRecord({ type: 'CloseTicket', data: { ticketId }, context: context(t(180_000), agent, `close-${n}`) });
    }
    const inbox = [
      this.inboxPayload(number, contactWaId, wamidIn1, text1, t(0)),
      this.inboxPayload(number, contactWaId, wamidIn2, text2, t(120_000)),
    ];
    return { conversationId, contactWaId, phoneNumberId: number.phoneNumberId, events, inbox };
  }

  private sentence(): string {
    const { prng } = this;
    const words = Array.from({ length: prng.int(4, 12) }, () => prng.pick(WORDS));
    return `Hello, ${words.join(' ')} #${prng.int(10_000, 99_999)}`;
  }

  /** The signed POST body Meta would have sent for this message, as the webhook stores it. */
  private inboxPayload(
    number: HistoryTarget['numbers'][number],
    contactWaId: string,
    wamid: string,
    body: string,
    sentAt: Date,
  ): EventToAppend {
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: this.target.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: {
                  display_phone_number: number.displayNumber.replace(/\D/g, ''),
                  phone_number_id: number.phoneNumberId,
                },
                contacts: [{ profile: { name: `Contact ${contactWaId.slice(-4)}` }, wa_id: contactWaId }],
                messages: [
                  {
                    from: contactWaId,
                    id: wamid,
                    timestamp: String(Math.floor(sentAt.getTime() / 1000)),
                    type: 'text',
                    text: { body },
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    const raw = metaJson(payload);
    const eventId = randomUUID();
    return {
      id: eventId,
      type: 'WebhookPayloadReceived',
      data: {
        body: raw,
        signature: signatureOf(raw, this.target.appSecret),
        receivedAt: new Date(sentAt.getTime() + 200).toISOString(),
        contentType: 'application/json',
      },
      metadata: { actorId: 'whatsapp:webhook', correlationId: eventId },
    };
  }
}

/** The reply's session is the open one, as the reply handler finds it before deciding. */
function fillSession(command: ConversationCommand, state: ConversationState): ConversationCommand {
  if (command.type !== 'ReplyToContact' || command.data.sessionId !== '') return command;
  const sessionId = state.status === 'Started' ? (state.session?.sessionId ?? '') : '';
  return { ...command, data: { ...command.data, sessionId } };
}

/** The command shell's envelope (libs/command-handling): ids, tenant, actor, correlation, rule version, command. */
function storedEvent(command: ConversationCommand, event: ConversationEvent, correlationId: string): EventToAppend {
  const { context } = command;
  const ruleVersion = (event.data as { ruleVersion?: unknown }).ruleVersion;
  return {
    id: randomUUID(),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: {
      tenantId: context.portalId,
      actorId: `${context.actor.kind}:${context.actor.id}`,
      correlationId,
      causationId: correlationId,
      ...(typeof ruleVersion === 'string' && { ruleVersion }),
      ...(context.idempotencyKey && { idempotencyKey: context.idempotencyKey }),
      command: command.type,
    },
  };
}

/** Writes conversations until `options.events` events are in the store. */
export async function writeHistory(
  store: EventStore,
  target: HistoryTarget,
  options: HistoryOptions,
): Promise<WrittenHistory> {
  const generator = new HistoryGenerator(target, options.seed);
  const inFlight = options.inFlight ?? 256;
  const started = process.hrtime.bigint();
  let written = 0;
  let conversations = 0;
  let lastPosition: Position | null = null;
  const sample: string[] = [];
  let at = options.startAt.getTime();
  while (written < options.events) {
    const appends: Promise<unknown>[] = [];
    for (let i = 0; i < inFlight && written < options.events; i++) {
      const history = generator.conversation(new Date(at));
      at += 7;
      conversations++;
      if (sample.length < 16 && conversations % 97 === 1) sample.push(history.conversationId);
      const indexed = {
        id: randomUUID(),
        type: 'ConversationIndexed',
        data: { conversationId: history.conversationId, phoneNumberId: history.phoneNumberId },
        metadata: { tenantId: target.portalId },
      };
      appends.push(
        store.append(dailyInboxStreamName(new Date(at)), history.inbox, 'any'),
        store.append(conversationStreamName(history.conversationId), history.events, 'no_stream').then((result) => {
          lastPosition = result.position;
        }),
        store.append(conversationsByPhoneStreamName(target.portalId, history.contactWaId), [indexed], 'no_stream'),
      );
      written += history.events.length + history.inbox.length + 1;
    }
    await Promise.all(appends);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { events: written, conversations, seconds, lastPosition, sampleConversationIds: sample };
}

/** One conversation made long: `messages` inbound messages and replies (with statuses), for the audit replay. */
export function longConversationEvents(
  target: HistoryTarget,
  events: number,
  startAt: Date,
  contactPhone = '+31699999999',
): { conversationId: string; events: EventToAppend[] } {
  const number = target.numbers[0];
  const portalId = target.portalId;
  const conversationId = conversationIdOf({
    portalId,
    phoneNumberId: number.phoneNumberId,
    contactWaId: toWaId(contactPhone),
  });
  const out: EventToAppend[] = [];
  let state: ConversationState = conversationDecider.initialState;
  const whatsapp = { kind: 'whatsapp' as const, id: number.phoneNumberId };
  const agent = { kind: 'user' as const, id: 'agent-1' };
  const record = (command: ConversationCommand) => {
    const decided = conversationDecider.decide(fillSession(command, state), state);
    state = fold(conversationDecider.evolve, state, decided);
    const correlationId = randomUUID();
    decided.forEach((event) => out.push(storedEvent(command, event, correlationId)));
  };
  for (let i = 0; out.length < events; i++) {
    const at = startAt.getTime() + i * 1_000;
    const now = (ms: number) => new Date(at + ms);
    const wamid = `wamid.long.${i}`;
    record({
      type: 'ReceiveInboundMessage',
      data: {
        phoneNumberId: number.phoneNumberId,
        ticketId: randomUUID(),
        sessionId: randomUUID(),
        messageId: randomUUID(),
        wamid,
        from: contactPhone,
        to: number.displayNumber,
        sentAt: now(0).toISOString(),
        numberConnectedAt: target.connectedAt,
        content: { kind: 'text', body: `Message ${i} about my order` },
        matchingContactIds: [],
      },
      context: { portalId, actor: whatsapp, now: now(100), idempotencyKey: `inbound|${wamid}` },
    });
    const messageId = randomUUID();
    record({
      type: 'ReplyToContact',
      data: {
        messageId,
        content: { kind: 'text', body: `Answer ${i}` },
        sessionId: '',
        countedAs: 'free',
        ruleVersion: RULE_VERSION,
      },
      context: { portalId, actor: agent, now: now(200), idempotencyKey: `reply-long-${i}` },
    });
    record({
      type: 'RecordOutboundWamid',
      data: { messageId, wamid: `${wamid}.out` },
      context: { portalId, actor: whatsapp, now: now(300) },
    });
    record({
      type: 'RecordDeliveryStatus',
      data: { wamid: `${wamid}.out`, status: 'delivered', at: now(400).toISOString() },
      context: { portalId, actor: whatsapp, now: now(400) },
    });
    if (i % 50 === 49) {
      const ticketId = state.status === 'Started' ? state.ticket?.ticketId : undefined;
      if (ticketId)
        record({ type: 'CloseTicket', data: { ticketId }, context: { portalId, actor: agent, now: now(500) } });
    }
  }
  return { conversationId, events: out.slice(0, events) };
}
