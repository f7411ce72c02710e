import { toWaId } from '../phone-number/e164.js';

export function contactStream(portalId: string, contactId: string): string {
  return `contact-${portalId}-${contactId}`;
}

/** Per portal: two portals' contacts with one number never meet. */
export function contactPhoneStream(portalId: string, e164: string): string {
  return `contact-phone-${portalId}-${toWaId(e164)}`;
}
