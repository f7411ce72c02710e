import { createHash } from 'node:crypto';
import type { CreateContact, PhoneNumberInput, RegisterPortal, RegisterTemplate } from '@helpdesk/domain';

export interface SeedDemoOptions {
  readonly portalId: string;
  /** Business phone numbers on the demo WhatsApp account (1 to 25). */
  readonly numbers: number;
  readonly timeZone: string;
  /** 'YYYY-MM-DD'; the date of `now` when absent. */
  readonly subscriptionStartedOn?: string;
}

export interface DemoPlan {
  readonly portalId: string;
  readonly portal: RegisterPortal['data'];
  readonly account: {
    readonly accountId: string;
    readonly wabaId: string;
    readonly name: string;
    readonly timeZone: string;
  };
  readonly phoneNumbers: readonly PhoneNumberInput[];
  readonly templates: readonly RegisterTemplate['data'][];
  readonly contacts: readonly CreateContact['data'][];
}

/**
 * The demo install, derived from the portal id alone, so every run (and every machine) plans the
 * same ids and numbers: that is what lets a second run find everything already there. Numbers
 * are in Meta's fictional +1 555 range, in a block chosen by the portal id so two demo portals
 * do not claim the same numbers.
 */
export function demoPlan(options: SeedDemoOptions, now: Date): DemoPlan {
  const { portalId, timeZone } = options;
  const block = 100 + (Number.parseInt(digest(portalId).slice(0, 8), 16) % 900);
  const accountId = `${portalId}-whatsapp`;
  return {
    portalId,
    portal: {
      name: `${titleCase(portalId)} (demo)`,
      timeZone,
      subscriptionStartedOn: options.subscriptionStartedOn ?? now.toISOString().slice(0, 10),
    },
    account: { accountId, wabaId: metaId(`${portalId}|waba`), name: `${titleCase(portalId)} support`, timeZone },
    phoneNumbers: Array.from({ length: options.numbers }, (_, i) => ({
      phoneNumberId: metaId(`${portalId}|phone-number|${i + 1}`),
      displayNumber: `+1555${block}${String(i + 1).padStart(4, '0')}`,
    })),
    templates: [
      {
        accountId,
        name: 'welcome_back',
        language: 'en',
        category: 'utility',
        body: 'Hi {{1}}, thanks for contacting {{2}}. Reply to this message to continue the conversation.',
      },
      {
        accountId,
        name: 'order_update',
        language: 'en',
        category: 'utility',
        header: { kind: 'text', text: 'Order {{1}}' },
        body: 'Your order {{1}} is {{2}}. Questions? Just reply.',
        buttons: [
          { kind: 'quick_reply', text: 'Track my order' },
          { kind: 'quick_reply', text: 'Talk to an agent' },
        ],
      },
    ],
    contacts: [
      { contactId: `${portalId}-anna`, name: 'Anna de Vries', mobilePhoneNumber: '+31 6 12345678' },
      {
        contactId: `${portalId}-bas`,
        name: 'Bas Jansen',
        phoneNumber: '+31 20 123 4567',
        mobilePhoneNumber: '+31 6 87654321',
      },
      { contactId: `${portalId}-chloe`, name: 'Chloé Dubois', mobilePhoneNumber: '+33 6 12 34 56 78' },
      { contactId: `${portalId}-priya`, name: 'Priya Patel', mobilePhoneNumber: '+44 7700 900123' },
    ],
  };
}

/** A Meta-style numeric id (15 digits), stable for a given name. */
function metaId(name: string): string {
  const digits = BigInt(`0x${digest(name).slice(0, 15)}`)
    .toString()
    .padStart(14, '0')
    .slice(-14);
  return `1${digits}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function titleCase(id: string): string {
  return id
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
}
