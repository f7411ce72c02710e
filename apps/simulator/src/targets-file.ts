import { readFileSync } from 'node:fs';
import type { KnownContact } from './contact-pool.js';
import type { BusinessNumber } from './traffic-options.js';

/** What `helpdesk seed-demo --out file.json` writes: the simulator reads the numbers and contacts back. */
export interface DemoTargets {
  readonly portalId: string;
  readonly accountId: string;
  readonly wabaId: string;
  /** ISO: messages older than this are not imported, so traffic starts after it. */
  readonly connectedAt: string;
  readonly numbers: readonly { readonly phoneNumberId: string; readonly displayNumber: string }[];
  readonly contacts: readonly KnownContact[];
}

export function readTargetsFile(path: string): { targets: BusinessNumber[]; contacts: KnownContact[]; connectedAt?: Date } {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<DemoTargets>;
  if (!Array.isArray(parsed.numbers) || parsed.numbers.length === 0 || typeof parsed.wabaId !== 'string') {
    throw new Error(`${path} is not a seed-demo targets file (it needs "wabaId" and "numbers")`);
  }
  const wabaId = parsed.wabaId;
  return {
    targets: parsed.numbers.map(({ phoneNumberId, displayNumber }) => ({ phoneNumberId, displayNumber, wabaId })),
    contacts: Array.isArray(parsed.contacts) ? [...parsed.contacts] : [],
    ...(parsed.connectedAt && { connectedAt: new Date(parsed.connectedAt) }),
  };
}
