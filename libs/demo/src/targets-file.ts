import { readFileSync } from 'node:fs';

/** A contact the help desk already knows (seed-demo created it), who may write again. */
export interface KnownContact {
  readonly name: string;
  readonly waId: string;
}

/** A business number the traffic is addressed to, as Meta names it in `value.metadata`. */
export interface BusinessNumber {
  readonly phoneNumberId: string;
  /** E.164 or Meta's `display_phone_number` (digits only); the payload carries digits only. */
  readonly displayNumber: string;
  /** The WhatsApp Business account: the payload's `entry[].id`. */
  readonly wabaId: string;
}

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

export function readTargetsFile(path: string): {
  targets: BusinessNumber[];
  contacts: KnownContact[];
  connectedAt?: Date;
} {
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
