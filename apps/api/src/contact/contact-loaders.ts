import { Injectable } from '@nestjs/common';
import { ReadStore } from '@helpdesk/read-store';
import type { ContactRow } from '@helpdesk/projections/directory/index.js';
import { BatchLoader } from '../graphql/batch-loader.js';
import { type ContactKey, contactKeyId, loadContacts } from './contacts.reader.js';

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
      loader = new BatchLoader((keys) => loadContacts(this.readStore.db, keys), contactKeyId);
      this.perRequest.set(context, loader);
    }
    return loader;
  }
}
