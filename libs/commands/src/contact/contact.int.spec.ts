import { StreamCategory, streamPrefix } from '@helpdesk/domain';
import { StoreUnavailableError, type EventStore } from '@helpdesk/event-store';
import { refusalOf } from '../../../../test/support/domain-refusals.js';
import { failingAppends } from '../../../../test/support/failing-appends.js';
import { useTemporarySqliteStore } from '../../../../test/support/temporary-sqlite-store.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { ChangeContactCommand, ChangeContactHandler } from './change-contact.handler.js';
import type { AssociateContact, ContactPhoneNumbers } from './contact-association.js';
import { findContactIdsByPhone } from './contact-phone-index.js';
import { CreateContactCommand, CreateContactHandler } from './create-contact.handler.js';

const clock = { now: () => new Date('2025-03-01T10:00:00.000Z') };
const inPortal = (portalId: string, idempotencyKey?: string): CommandOrigin => ({
  portalId,
  actor: { kind: 'user', id: 'agent-1' },
  idempotencyKey,
});

describe('Contact handlers against the embedded store', () => {
  const stores = useTemporarySqliteStore('contact-');
  let associations: Array<{ portalId: string; now: Date; contact: ContactPhoneNumbers }>;
  const recordAssociation: AssociateContact = async (_store, now, origin, contact) => {
    associations.push({ portalId: origin.portalId, now, contact });
  };
  const create = (origin: CommandOrigin, data: CreateContactCommand['data']) =>
    new CreateContactHandler(stores.current, clock, recordAssociation).execute(new CreateContactCommand(origin, data));
  const change = (origin: CommandOrigin, data: ChangeContactCommand['data'], on: EventStore = stores.current) =>
    new ChangeContactHandler(on, clock, recordAssociation).execute(new ChangeContactCommand(origin, data));

  beforeEach(() => {
    associations = [];
  });

  it('finds a contact by its mobile and by its phone number, spelled nationally at creation', async () => {
    const contact = await create(inPortal('a'), {
      contactId: 'c-1',
      name: 'Anna',
      phoneNumber: '020 123 4567',
      mobilePhoneNumber: '06 12345678',
      defaultCountry: 'NL',
    });

    expect(contact).toMatchObject({ phoneNumber: '+31201234567', mobilePhoneNumber: '+31612345678' });
    await expect(findContactIdsByPhone(stores.current, 'a', '+31612345678')).resolves.toEqual(['c-1']);
    await expect(findContactIdsByPhone(stores.current, 'a', '+31 20 123 4567')).resolves.toEqual(['c-1']);
    await expect(findContactIdsByPhone(stores.current, 'a', '+31699999999')).resolves.toEqual([]);
  });

  it('finds every contact with the number, as phone or as mobile, in its own portal only', async () => {
    await create(inPortal('a', 'create-1'), {
      contactId: 'c-1',
      name: 'Anna',
      phoneNumber: '+31612345678',
      mobilePhoneNumber: '+31612345678',
    });
    await create(inPortal('a'), { contactId: 'c-2', name: 'Bas', mobilePhoneNumber: '+31 6 12345678' });
    await create(inPortal('b'), { contactId: 'c-3', name: 'Cor', mobilePhoneNumber: '+31612345678' });

    await expect(findContactIdsByPhone(stores.current, 'a', '+31612345678')).resolves.toEqual(['c-1', 'c-2']);
    await expect(findContactIdsByPhone(stores.current, 'b', '+31612345678')).resolves.toEqual(['c-3']);
  });

  it('follows a changed number, and keeps a contact that still has it as its other property', async () => {
    await create(inPortal('a'), {
      contactId: 'c-1',
      name: 'Anna',
      phoneNumber: '+31612345678',
      mobilePhoneNumber: '+31612345678',
    });

    await change(inPortal('a'), { contactId: 'c-1', phoneNumber: '+31201234567' });
    await expect(findContactIdsByPhone(stores.current, 'a', '+31612345678')).resolves.toEqual(['c-1']);
    await change(inPortal('a'), { contactId: 'c-1', mobilePhoneNumber: null });

    await expect(findContactIdsByPhone(stores.current, 'a', '+31612345678')).resolves.toEqual([]);
    await expect(findContactIdsByPhone(stores.current, 'a', '+31201234567')).resolves.toEqual(['c-1']);
  });

  it('asks the conversations to associate the contact after each creation and change', async () => {
    await create(inPortal('a'), { contactId: 'c-1', name: 'Anna', mobilePhoneNumber: '+31612345678' });
    await change(inPortal('a'), { contactId: 'c-1', phoneNumber: '+31201234567' });

    expect(associations).toEqual([
      { portalId: 'a', now: clock.now(), contact: { contactId: 'c-1', phoneNumbers: ['+31612345678'] } },
      {
        portalId: 'a',
        now: clock.now(),
        contact: { contactId: 'c-1', phoneNumbers: ['+31201234567', '+31612345678'] },
      },
    ]);
  });

  it('does not associate what it refused', async () => {
    const refusal = await refusalOf(change(inPortal('a'), { contactId: 'nobody', name: 'X' }));

    expect(refusal.code).toBe('CONTACT_NOT_FOUND');
    expect(associations).toEqual([]);
  });

  it('repairs the index on a retried change after the index write failed', async () => {
    await create(inPortal('a'), { contactId: 'c-1', name: 'Anna', mobilePhoneNumber: '+31612345678' });
    const move = { contactId: 'c-1', mobilePhoneNumber: '+31687654321' };
    const indexWritesFail = failingAppends(stores.current, streamPrefix(StreamCategory.contactPhoneIndex));
    await expect(change(inPortal('a'), move, indexWritesFail)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(findContactIdsByPhone(stores.current, 'a', '+31612345678')).resolves.toEqual([]);

    await change(inPortal('a'), move);

    await expect(findContactIdsByPhone(stores.current, 'a', '+31687654321')).resolves.toEqual(['c-1']);
  });
});
