import { buildInboundMessage, remember, type Thread } from './build-inbound-message.js';
import { createContactPool, type SimulatedContact } from './contact-pool.js';
import { newConversationId, newNumericId, newWamid } from './meta-ids.js';
import { MESSAGE_TYPE_WEIGHTS, type MessageType, type StatusKind } from './message-types.js';
import type { Prng } from '@helpdesk/demo';
import { metaJson, signatureOf } from './sign-payload.js';
import { StatusSchedule } from './status-schedule.js';
import { TRAFFIC_DEFAULTS, problemsWith, type BusinessNumber, type TrafficOptions } from './traffic-options.js';
import { displayPhoneNumber, webhookPayload, type Change } from './webhook-envelope.js';

export interface PayloadDescription {
  /** Position in the run, from 0. */
  readonly seq: number;
  /** A redelivery: the body (and signature) of payload `duplicateOf`, again. */
  readonly duplicateOf?: number;
  /** Addressed to a number no portal connected. */
  readonly unknownNumber: boolean;
  readonly entries: number;
  readonly messages: readonly { type: MessageType; wamid: string; from: string; phoneNumberId: string }[];
  readonly statuses: readonly { kind: StatusKind; wamid: string; phoneNumberId: string; outOfOrder: boolean }[];
}

export interface GeneratedPayload {
  readonly body: string;
  /** The `X-Hub-Signature-256` header value. */
  readonly signature: string;
  readonly description: PayloadDescription;
}

type ConversationThread = Thread & { readonly conversationId: string };

/** Redeliveries come from the recent past, as Meta's retries do. */
const DUPLICATE_WINDOW = 50;
/** Share of inbound messages the business answers (each answer then gets its statuses). */
const REPLY_SHARE = 0.5;

/**
 * Meta's webhook traffic for the given numbers, reproducible from the PRNG's seed: contacts write
 * every type of message, the business answers and Meta reports statuses (late, out of order,
 * twice), some payloads go to numbers nobody connected. Pure: no clock, no I/O.
 */
export function* generateTraffic(options: TrafficOptions, prng: Prng): Generator<GeneratedPayload> {
  const problems = problemsWith(options);
  if (problems.length > 0) throw new Error(`Invalid traffic options: ${problems.join('; ')}`);
  const world = new TrafficWorld(options, prng);
  for (let seq = 0; options.count === undefined || seq < options.count; seq++) yield world.payload(seq);
}

class TrafficWorld {
  private readonly pool: SimulatedContact[];
  private readonly threads = new Map<string, ConversationThread>();
  private readonly schedule = new StatusSchedule();
  private readonly recent: GeneratedPayload[] = [];
  private readonly unknownTargets: BusinessNumber[];
  private readonly multiEntry: number;

  constructor(
    private readonly options: TrafficOptions,
    private readonly prng: Prng,
  ) {
    this.pool = createContactPool(prng, options.contacts, options.knownContacts);
    this.unknownTargets = [0, 1].map(() => ({
      phoneNumberId: newNumericId(prng),
      displayNumber: `1555099${prng.int(1000, 9999)}`,
      wabaId: newNumericId(prng),
    }));
    this.multiEntry = options.multiEntry ?? TRAFFIC_DEFAULTS.multiEntry;
  }

  payload(seq: number): GeneratedPayload {
    const { prng, options } = this;
    if (this.recent.length > 0 && prng.chance(options.duplicates)) {
      const original = prng.pick(this.recent);
      return { ...original, description: { ...original.description, seq, duplicateOf: original.description.seq } };
    }
    const unknownNumber = prng.chance(options.unknownNumber);
    const entries = !unknownNumber && prng.chance(this.multiEntry) ? prng.int(2, 3) : 1;
    const changes: Change[] = [];
    const messages: PayloadDescription['messages'][number][] = [];
    const statuses: PayloadDescription['statuses'][number][] = [];
    for (let i = 0; i < entries; i++) {
      const due = unknownNumber ? 0 : this.schedule.dueCount(seq);
      if (due > 0 && prng.chance(due > 20 ? 0.9 : 0.5)) {
        const taken = this.schedule.takeDue(seq, options.batch);
        const business = options.targets.find((target) => target.phoneNumberId === taken[0].phoneNumberId)!;
        changes.push({ business, statuses: taken.map((scheduled) => scheduled.status) });
        for (const { kind, wamid, phoneNumberId, outOfOrder } of taken)
          statuses.push({ kind, wamid, phoneNumberId, outOfOrder });
      } else {
        const business = prng.pick(unknownNumber ? this.unknownTargets : options.targets);
        changes.push(this.inboundChange(seq, business, !unknownNumber, messages));
      }
    }
    const body = metaJson(webhookPayload(changes));
    const generated = {
      body,
      signature: signatureOf(body, options.appSecret),
      description: { seq, unknownNumber, entries, messages, statuses },
    };
    this.recent.push(generated);
    if (this.recent.length > DUPLICATE_WINDOW) this.recent.shift();
    return generated;
  }

  private inboundChange(
    seq: number,
    business: BusinessNumber,
    answered: boolean,
    described: PayloadDescription['messages'][number][],
  ): Change {
    const { prng, options } = this;
    const at = this.timeAt(seq);
    const contacts = new Map<string, { name: string; waId: string }>();
    const messages: object[] = [];
    for (let i = prng.int(1, options.batch); i > 0; i--) {
      const contact = this.chattyContact();
      const thread = this.threadOf(contact, business);
      const from = contact.waId;
      const built = buildInboundMessage(prng.weighted(MESSAGE_TYPE_WEIGHTS), {
        prng,
        contact,
        thread,
        businessDisplayNumber: displayPhoneNumber(business),
        at,
      });
      if (built.listsContact) contacts.set(from, { name: contact.name, waId: from });
      messages.push(built.message);
      described.push({
        type: built.type,
        wamid: built.message.id as string,
        from,
        phoneNumberId: business.phoneNumberId,
      });
      if (answered && built.type !== 'system' && prng.chance(REPLY_SHARE)) this.answer(seq, business, contact, thread);
    }
    return { business, contacts: [...contacts.values()], messages };
  }

  /** The business replies (or, now and then, sends a template): Meta will report on it. */
  private answer(seq: number, business: BusinessNumber, contact: SimulatedContact, thread: ConversationThread): void {
    const { prng } = this;
    const wamid = newWamid(prng, contact.waId);
    remember(thread.outbound, wamid);
    const message = {
      wamid,
      recipientWaId: contact.waId,
      phoneNumberId: business.phoneNumberId,
      conversationId: thread.conversationId,
      origin: prng.chance(0.9) ? ('service' as const) : ('utility' as const),
      readReceipts: contact.readReceipts,
    };
    this.schedule.plan(prng, message, seq, (at) => this.timeAt(at), this.options.outOfOrder);
  }

  /** Some contacts write far more than others: the first of the pool (seed-demo's known contacts) most. */
  private chattyContact(): SimulatedContact {
    const u = this.prng.next();
    return this.pool[Math.floor(u * u * this.pool.length)];
  }

  private threadOf(contact: SimulatedContact, business: BusinessNumber): ConversationThread {
    const key = `${contact.waId}|${business.phoneNumberId}`;
    let thread = this.threads.get(key);
    if (!thread) {
      thread = { inbound: [], outbound: [], conversationId: newConversationId(this.prng) };
      this.threads.set(key, thread);
    }
    return thread;
  }

  private timeAt(seq: number): Date {
    return new Date(this.options.startAt.getTime() + Math.floor((seq * 1000) / this.options.rate));
  }
}
