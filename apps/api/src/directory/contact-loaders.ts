import { Injectable } from '@nestjs/common';
import { contactStreamName } from '@helpdesk/domain';
import { ReadStore } from '@helpdesk/read-store';
import { physicalTableName } from '@helpdesk/projections/core/projection.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { CONTACTS, type ContactRow, directoryProjection } from '@helpdesk/projections/directory/index.js';
import { BatchLoader } from './batch-loader.js';

export interface ContactKey {
  readonly portalId: string;
  readonly contactId: string;
}

export type ContactLoader = BatchLoader<ContactKey, ContactRow>;

/**
 * Contacts by (portal, contact) for field resolvers such as `Ticket.contact`: one loader per
 * GraphQL request, found by the request's context object, so a page of 100 tickets reads its
 * contacts with one query and nothing is cached beyond the request.
 */
@Injectable()
export class ContactLoaders {
  private readonly perRequest = new WeakMap<object, ContactLoader>();

  constructor(private readonly readStore: ReadStore) {}

  forRequest(context: object): ContactLoader {
    let loader = this.perRequest.get(context);
    if (!loader) {
      loader = new BatchLoader((keys) => loadContacts(this.readStore.db, keys), keyId);
      this.perRequest.set(context, loader);
    }
    return loader;
  }
}

/** JSON keeps the two parts apart whatever characters an id holds. */
const keyId = (key: ContactKey) => JSON.stringify([key.portalId, key.contactId]);

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
    found.set(keyId(contact), contact);
  }
  return keys.map((key) => found.get(keyId(key)) ?? null);
}
