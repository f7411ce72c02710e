import { digits, type KnownContact, type Prng } from '@helpdesk/demo';

/** A person writing to the business: WhatsApp knows them by `wa_id`, E.164 digits without '+'. */
export interface SimulatedContact {
  readonly name: string;
  waId: string;
  /** Contacts who turned read receipts off never send `read` statuses. */
  readonly readReceipts: boolean;
}

export type { KnownContact };

/** Mobile number plans whose lengths libphonenumber accepts: country code, mobile prefix, digits after it. */
const MOBILE_PLANS = [
  { code: '31', prefix: '6', rest: 8 }, // Netherlands
  { code: '44', prefix: '7', rest: 9 }, // United Kingdom
  { code: '33', prefix: '6', rest: 8 }, // France
  { code: '49', prefix: '151', rest: 8 }, // Germany
  { code: '34', prefix: '6', rest: 8 }, // Spain
  { code: '55', prefix: '119', rest: 8 }, // Brazil, São Paulo
  { code: '91', prefix: '9', rest: 9 }, // India
  { code: '1', prefix: '650', rest: 7 }, // United States
] as const;

const FIRST_NAMES = [
  'Anna',
  'Bas',
  'Chloé',
  'Daan',
  'Emma',
  'Finn',
  'Greta',
  'Hugo',
  'Isabel',
  'Jonas',
  'Kiran',
  'Lena',
  'Mateo',
  'Noor',
  'Olivia',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Tara',
  'Umar',
  'Vera',
  'Wim',
  'Yara',
  'Zoë',
];
const LAST_NAMES = [
  'de Vries',
  'Jansen',
  'Smith',
  'Dubois',
  'Müller',
  'García',
  'Silva',
  'Patel',
  'Nguyen',
  'Bakker',
  'Rossi',
  'Kowalski',
  'Okafor',
  'Haddad',
  'Johansson',
  'Tanaka',
];

/** The known contacts first (seed-demo's, so conversations meet contacts that exist), then generated ones. */
export function createContactPool(prng: Prng, size: number, known: readonly KnownContact[] = []): SimulatedContact[] {
  const pool: SimulatedContact[] = known.slice(0, size).map(({ name, waId }) => ({ name, waId, readReceipts: true }));
  const taken = new Set(pool.map((contact) => contact.waId));
  while (pool.length < size) {
    const waId = randomMobileWaId(prng);
    if (taken.has(waId)) continue;
    taken.add(waId);
    const name = `${prng.pick(FIRST_NAMES)} ${prng.pick(LAST_NAMES)}`;
    pool.push({ name, waId, readReceipts: prng.chance(0.85) });
  }
  return pool;
}

export function randomMobileWaId(prng: Prng): string {
  const plan = prng.pick(MOBILE_PLANS);
  return `${plan.code}${plan.prefix}${digits(prng, plan.rest)}`;
}
