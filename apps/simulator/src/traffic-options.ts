import type { BusinessNumber, KnownContact } from '@helpdesk/demo';

export type { BusinessNumber };

export interface TrafficOptions {
  readonly appSecret: string;
  /** Connected numbers: where the traffic goes. */
  readonly targets: readonly BusinessNumber[];
  /** Contacts that exist in the help desk (seed-demo's): they write first and most. */
  readonly knownContacts?: readonly KnownContact[];
  /** Size of the contact pool. */
  readonly contacts: number;
  /** Payloads to generate; endless when absent (the driver stops pulling). */
  readonly count?: number;
  /** Payloads per second: spaces the Meta timestamps as the driver will space the requests. */
  readonly rate: number;
  /** Meta timestamp of the first payload; messages before a channel's connection are not imported. */
  readonly startAt: Date;
  /** Share of payloads that are redeliveries of an earlier payload, byte for byte. */
  readonly duplicates: number;
  /** Share of status lifecycles (two statuses or more) with one status arriving after its successor. */
  readonly outOfOrder: number;
  /** Share of payloads addressed to a number no portal connected. */
  readonly unknownNumber: number;
  /** At most this many messages (or statuses) in one change. */
  readonly batch: number;
  /** Share of payloads carrying several entries; 0.05 when absent. */
  readonly multiEntry?: number;
}

export const TRAFFIC_DEFAULTS = {
  contacts: 50,
  duplicates: 0.05,
  outOfOrder: 0.2,
  unknownNumber: 0.01,
  batch: 1,
  multiEntry: 0.05,
} as const;

/** Every problem at once, so a command line is fixed in one go. */
export function problemsWith(options: TrafficOptions): string[] {
  const problems: string[] = [];
  const share = (name: string, value: number | undefined) => {
    if (value !== undefined && !(value >= 0 && value <= 1))
      problems.push(`${name} must be between 0 and 1 (got ${value})`);
  };
  if (options.appSecret === '') problems.push('the app secret is empty');
  if (options.targets.length === 0) {
    problems.push('no target phone number (give --phone-number-id/--display-number or --targets)');
  }
  for (const target of options.targets) {
    if (!/^\d+$/.test(target.phoneNumberId)) problems.push(`phone number id '${target.phoneNumberId}' is not numeric`);
    if (!/^\+?\d{7,15}$/.test(target.displayNumber.replace(/[\s().-]/g, ''))) {
      problems.push(`display number '${target.displayNumber}' is not a phone number`);
    }
  }
  if (!Number.isInteger(options.contacts) || options.contacts < 1) {
    problems.push(`contacts must be a positive integer (got ${options.contacts})`);
  }
  if (options.count !== undefined && (!Number.isInteger(options.count) || options.count < 0)) {
    problems.push(`count must be a non-negative integer (got ${options.count})`);
  }
  if (!(options.rate > 0)) problems.push(`rate must be positive (got ${options.rate})`);
  if (Number.isNaN(options.startAt.getTime())) problems.push('the start time is not a date');
  if (!Number.isInteger(options.batch) || options.batch < 1) {
    problems.push(`batch must be a positive integer (got ${options.batch})`);
  }
  share('duplicates', options.duplicates);
  share('out-of-order', options.outOfOrder);
  share('unknown-number', options.unknownNumber);
  share('multi-entry', options.multiEntry);
  return problems;
}
