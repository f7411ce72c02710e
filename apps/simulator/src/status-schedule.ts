import { DELIVERY_ERRORS } from './content-catalog.js';
import { unixSeconds } from './meta-ids.js';
import type { StatusKind } from './message-types.js';
import type { Prng } from '@helpdesk/demo';

/** A message the business sent, whose statuses Meta will report. */
export interface OutboundMessage {
  readonly wamid: string;
  readonly recipientWaId: string;
  readonly phoneNumberId: string;
  readonly conversationId: string;
  readonly origin: 'service' | 'utility' | 'marketing';
  readonly readReceipts: boolean;
}

export interface ScheduledStatus {
  readonly phoneNumberId: string;
  readonly wamid: string;
  readonly kind: StatusKind;
  /** Arrives after a status that happened later (Meta does not promise order). */
  readonly outOfOrder: boolean;
  /** The `statuses[]` object as Meta sends it. */
  readonly status: Record<string, unknown>;
}

interface Pending extends ScheduledStatus {
  readonly due: number;
  readonly order: number;
}

/** How a sent message fares: most are read; read receipts off stop at delivered; some fail. */
const LIFECYCLES: Readonly<Record<string, readonly StatusKind[]>> = {
  read: ['sent', 'delivered', 'read'],
  readAtOnce: ['sent', 'read'],
  played: ['sent', 'delivered', 'read', 'played'],
  delivered: ['sent', 'delivered'],
  failedAfterSent: ['sent', 'failed'],
  failed: ['failed'],
};
const LIFECYCLE_WEIGHTS = { read: 55, readAtOnce: 10, played: 5, delivered: 20, failedAfterSent: 7, failed: 3 };
/** Payloads between one status and the next, by the later one's kind. */
const GAPS: Readonly<Record<StatusKind, readonly [number, number]>> = {
  sent: [1, 3],
  delivered: [1, 4],
  read: [2, 12],
  played: [1, 6],
  failed: [1, 3],
};

/**
 * Statuses planned for future payloads, by payload sequence number. Each status carries the time
 * it happened; an out-of-order one keeps that time but arrives after its successor.
 */
export class StatusSchedule {
  private pending: Pending[] = [];
  private nextOrder = 0;

  plan(
    prng: Prng,
    message: OutboundMessage,
    seq: number,
    timeAt: (seq: number) => Date,
    outOfOrderShare: number,
  ): void {
    const kinds = LIFECYCLES[prng.weighted(LIFECYCLE_WEIGHTS)].filter(
      (kind) => message.readReceipts || (kind !== 'read' && kind !== 'played'),
    );
    const dues: number[] = [];
    for (const kind of kinds) dues.push((dues.at(-1) ?? seq) + prng.int(...GAPS[kind]));
    const arrivals = [...dues];
    const swapAt = kinds.length >= 2 && prng.chance(outOfOrderShare) ? prng.int(0, kinds.length - 2) : -1;
    if (swapAt >= 0) arrivals[swapAt] = dues[swapAt + 1] + prng.int(1, 3);
    kinds.forEach((kind, i) => {
      const status = statusObject(prng, message, kind, timeAt(dues[i]));
      const base = { phoneNumberId: message.phoneNumberId, wamid: message.wamid, kind, status };
      this.pending.push({ ...base, outOfOrder: i === swapAt, due: arrivals[i], order: this.nextOrder++ });
    });
  }

  dueCount(seq: number): number {
    return this.pending.reduce((count, status) => count + (status.due <= seq ? 1 : 0), 0);
  }

  /** The earliest due statuses of one business number (a change has one `metadata`), at most `max`. */
  takeDue(seq: number, max: number): ScheduledStatus[] {
    const due = this.pending.filter((status) => status.due <= seq).sort((a, b) => a.due - b.due || a.order - b.order);
    if (due.length === 0) return [];
    const taken = due.filter((status) => status.phoneNumberId === due[0].phoneNumberId).slice(0, max);
    const takenSet = new Set(taken);
    this.pending = this.pending.filter((status) => !takenSet.has(status));
    return taken.map(({ due: _due, order: _order, ...status }) => status);
  }
}

function statusObject(prng: Prng, message: OutboundMessage, kind: StatusKind, at: Date): Record<string, unknown> {
  const base = { id: message.wamid, status: kind, timestamp: unixSeconds(at), recipient_id: message.recipientWaId };
  if (kind === 'failed') {
    const error = prng.pick(DELIVERY_ERRORS);
    const href = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';
    const { code, title, details } = error;
    return { ...base, errors: [{ code, title, message: title, error_data: { details }, href }] };
  }
  const expiry = kind === 'sent' ? { expiration_timestamp: unixSeconds(new Date(at.getTime() + 24 * 3600_000)) } : {};
  return {
    ...base,
    conversation: { id: message.conversationId, ...expiry, origin: { type: message.origin } },
    pricing: { billable: true, pricing_model: 'CBP', category: message.origin },
  };
}
