import type { BusinessNumber } from './traffic-options.js';

/** One `changes[]` item: what happened on one business number. */
export interface Change {
  readonly business: BusinessNumber;
  readonly contacts?: readonly { readonly name: string; readonly waId: string }[];
  readonly messages?: readonly object[];
  readonly statuses?: readonly object[];
}

/** Meta's `display_phone_number`: the digits, no '+'. */
export function displayPhoneNumber(business: BusinessNumber): string {
  return business.displayNumber.replace(/\D/g, '');
}

/** The POST body Meta sends: one entry per change, as when Meta batches several updates into one delivery. */
export function webhookPayload(changes: readonly Change[]): object {
  return {
    object: 'whatsapp_business_account',
    entry: changes.map((change) => ({
      id: change.business.wabaId,
      changes: [{ value: valueOf(change), field: 'messages' }],
    })),
  };
}

function valueOf({ business, contacts, messages, statuses }: Change): object {
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: displayPhoneNumber(business), phone_number_id: business.phoneNumberId },
    ...(contacts &&
      contacts.length > 0 && {
        contacts: contacts.map(({ name, waId }) => ({ profile: { name }, wa_id: waId })),
      }),
    ...(messages && messages.length > 0 && { messages }),
    ...(statuses && statuses.length > 0 && { statuses }),
  };
}
