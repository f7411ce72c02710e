import { contactStreamName } from '@helpdesk/domain';
import { physicalTableName } from '@helpdesk/projections/core/projection.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { CONTACTS, type ContactRow, directoryProjection } from '@helpdesk/projections/directory/index.js';

export interface ContactKey {
  readonly portalId: string;
  readonly contactId: string;
}

/** JSON keeps the two parts apart whatever characters an id holds. */
export const contactKeyId = (key: ContactKey) => JSON.stringify([key.portalId, key.contactId]);

/**
 * One `IN` query for the whole batch. Rows are keyed by the contact's stream name; the portal is
 * checked on the row too, so a key can only ever find a contact of its own portal.
 */
export async function loadContacts(db: ReadDatabase, keys: readonly ContactKey[]): Promise<(ContactRow | null)[]> {
  if (keys.length === 0) return [];
  const ids = [...new Set(keys.map((key) => contactStreamName(key.portalId, key.contactId)))];
  const portals = [...new Set(keys.map((key) => key.portalId))];
  const rows = (await db
    .selectFrom(physicalTableName(directoryProjection, CONTACTS))
    .select('document')
    .where('id', 'in', ids)
    .where('portal_id', 'in', portals)
    .execute()) as { document: string }[];
  const found = new Map<string, ContactRow>();
  for (const row of rows) {
    const contact = JSON.parse(row.document) as ContactRow;
    found.set(contactKeyId(contact), contact);
  }
  return keys.map((key) => found.get(contactKeyId(key)) ?? null);
}
