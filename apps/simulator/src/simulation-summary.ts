import type { Attempt, Delivery } from './deliver-payload.js';
import type { PayloadDescription } from './generate-traffic.js';
import { MESSAGE_TYPES, STATUS_KINDS, type MessageType, type StatusKind } from './message-types.js';

export interface SimulationSummary {
  readonly payloads: number;
  readonly duplicates: number;
  readonly unknownNumber: number;
  readonly multiEntry: number;
  /** Messages of the original payloads (redeliveries not counted again). */
  readonly messagesByType: Readonly<Record<MessageType, number>>;
  readonly statusesByKind: Readonly<Record<StatusKind, number>>;
  readonly outOfOrderStatuses: number;
  readonly requests: number;
  readonly retries: number;
  /** By HTTP status, or 'network error' / 'timeout'. */
  readonly responses: Readonly<Record<string, number>>;
  readonly delivered: number;
  readonly gaveUp: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** How late requests started against the schedule: an open-loop driver that falls behind says so. */
  readonly lagMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Payloads that found every slot taken: the server is slower than rate × concurrency allows. */
  readonly waitedForSlot: number;
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly elapsedMs: number;
}

/** Collects what the driver saw, request by request; `summary()` turns it into the figures. */
export class SimulationTally {
  private payloads = 0;
  private duplicates = 0;
  private unknownNumber = 0;
  private multiEntry = 0;
  private readonly messagesByType = Object.fromEntries(MESSAGE_TYPES.map((type) => [type, 0])) as Record<
    MessageType,
    number
  >;
  private readonly statusesByKind = Object.fromEntries(STATUS_KINDS.map((kind) => [kind, 0])) as Record<
    StatusKind,
    number
  >;
  private outOfOrderStatuses = 0;
  private readonly responses: Record<string, number> = {};
  private readonly latencies: number[] = [];
  private readonly lags: number[] = [];
  private delivered = 0;
  private gaveUp = 0;
  private waitedForSlot = 0;

  dispatched(description: PayloadDescription, lagMs: number, waitedForSlot: boolean): void {
    this.payloads++;
    this.lags.push(lagMs);
    if (waitedForSlot) this.waitedForSlot++;
    if (description.entries > 1) this.multiEntry++;
    if (description.unknownNumber) this.unknownNumber++;
    if (description.duplicateOf !== undefined) {
      this.duplicates++;
      return;
    }
    for (const message of description.messages) this.messagesByType[message.type]++;
    for (const status of description.statuses) {
      this.statusesByKind[status.kind]++;
      if (status.outOfOrder) this.outOfOrderStatuses++;
    }
  }

  attempted(attempt: Attempt): void {
    const key =
      attempt.status === null ? (attempt.error === 'timeout' ? 'timeout' : 'network error') : String(attempt.status);
    this.responses[key] = (this.responses[key] ?? 0) + 1;
    this.latencies.push(attempt.latencyMs);
  }

  finished(delivery: Delivery): void {
    if (delivery.delivered) this.delivered++;
    else this.gaveUp++;
  }

  summary(timing: { targetRate: number; firstStart: number; lastStart: number; elapsedMs: number }): SimulationSummary {
    const requests = this.latencies.length;
    const span = timing.lastStart - timing.firstStart;
    return {
      payloads: this.payloads,
      duplicates: this.duplicates,
      unknownNumber: this.unknownNumber,
      multiEntry: this.multiEntry,
      messagesByType: { ...this.messagesByType },
      statusesByKind: { ...this.statusesByKind },
      outOfOrderStatuses: this.outOfOrderStatuses,
      requests,
      retries: requests - this.payloads,
      responses: { ...this.responses },
      delivered: this.delivered,
      gaveUp: this.gaveUp,
      latencyMs: percentiles(this.latencies),
      lagMs: percentiles(this.lags),
      waitedForSlot: this.waitedForSlot,
      targetRate: timing.targetRate,
      achievedRate: this.payloads > 1 && span > 0 ? ((this.payloads - 1) * 1000) / span : this.payloads,
      elapsedMs: timing.elapsedMs,
    };
  }
}

function percentiles(values: readonly number[]): { p50: number; p99: number; max: number } {
  if (values.length === 0) return { p50: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}
