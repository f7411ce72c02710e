import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { ReadStore } from '@helpdesk/read-store';
import type { ContactRow } from '@helpdesk/projections/directory/index.js';
import { type ContactKey, contactKeyId, loadContacts } from './contacts.reader.js';

export type ContactLoader = DataLoader<ContactKey, ContactRow | null, string>;

/** Bounds one query's `IN` list (SQL parameters); a bigger wave of keys becomes several batches. */
export const CONTACT_BATCH_SIZE = 500;

/**
 * A request's loader: the keys asked for while one GraphQL execution wave runs are loaded by one
 * call to `load`, each key once. The cache key holds the portal (contactKeyId), and `load` checks
 * the portal on every row, so a key of one portal never finds another portal's contact.
 *
 * The batch waits for `setImmediate`, not DataLoader's default tick: graphql-js and Nest resolve
 * sibling fields through several promise hops each, and every one of those finishes before an immediate runs.
 */
export function createContactLoader(
  load: (keys: readonly ContactKey[]) => Promise<readonly (ContactRow | null)[]>,
  maxBatchSize = CONTACT_BATCH_SIZE,
): ContactLoader {
  return new DataLoader<ContactKey, ContactRow | null, string>((keys) => load(keys), {
    cacheKeyFn: contactKeyId,
    maxBatchSize,
    batchScheduleFn: (dispatch) => setImmediate(dispatch),
  });
}

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
      loader = createContactLoader((keys) => loadContacts(this.readStore.db, keys));
      this.perRequest.set(context, loader);
    }
    return loader;
  }
}
