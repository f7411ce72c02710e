import { AddPhoneNumberCommand, AddPhoneNumberHandler } from '@helpdesk/commands/channel/add-phone-number.handler.js';
import { ConnectAccountCommand, ConnectAccountHandler } from '@helpdesk/commands/channel/connect-account.handler.js';
import { DisconnectAccountCommand, DisconnectAccountHandler } from '@helpdesk/commands/channel/disconnect-account.handler.js';
import { MarkBusinessVerifiedCommand, MarkBusinessVerifiedHandler } from '@helpdesk/commands/channel/mark-business-verified.handler.js';
import { RemovePhoneNumberCommand, RemovePhoneNumberHandler } from '@helpdesk/commands/channel/remove-phone-number.handler.js';
import { ChangeContactCommand, ChangeContactHandler } from '@helpdesk/commands/contact/change-contact.handler.js';
import { CreateContactCommand, CreateContactHandler } from '@helpdesk/commands/contact/create-contact.handler.js';
import { associateContactWithOpenConversations } from '@helpdesk/commands/conversation/associate-contact-with-conversations.js';
import { accountId, admin, businessPhone, phoneNumberId, portalId } from '@helpdesk/commands/conversation/conversation.test-world.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import { RegisterTemplateCommand, RegisterTemplateHandler } from '@helpdesk/commands/template/register-template.handler.js';
import { RejectTemplateCommand, RejectTemplateHandler } from '@helpdesk/commands/template/reject-template.handler.js';
import { readStoresUnderTest } from '../core/read-stores-under-test.js';
import type { ReadDatabase } from '../core/read-model-schema.js';
import { useProjectionWorld } from '../testing/projection.test-world.js';
import { listChannels } from './channels.query.js';
import type { TemplateRow } from './directory.documents.js';
import { findContactsByPhone, listContacts } from './contacts.query.js';
import { directoryProjection } from './directory.projection.js';
import { listTemplates } from './templates.query.js';
import { ownershipNotChecked } from '@helpdesk/commands/channel/phone-number-ownership.js';

const connectedAt = '2025-03-01T08:00:00.000Z';
const other: CommandOrigin = { portalId: 'other-portal', actor: { kind: 'user', id: 'admin-2' } };
const secondAccount: ConnectAccountCommand['data'] = {
  ...{ accountId: 'account-2', wabaId: 'waba-2', name: 'Zeta sales', timeZone: 'Europe/Amsterdam' },
  ...{ accountType: 'business', businessVerified: true, phoneNumbers: [{ phoneNumberId: 'pn-2', displayNumber: '+31 20 555 0000' }] },
};

describe.each(readStoresUnderTest())('directory projection on $name', (readStoreUnderTest) => {
  const t = useProjectionWorld(directoryProjection, readStoreUnderTest, { connectedAt });
  const handlers = () => ({ store: t.world.store, clock: t.world.clock });
  const associate = associateContactWithOpenConversations;
  const createContact = (origin: CommandOrigin, data: CreateContactCommand['data']) =>
    new CreateContactHandler(t.world.store, t.world.clock, associate).execute(new CreateContactCommand(origin, data));
  const changeContact = (origin: CommandOrigin, data: ChangeContactCommand['data']) =>
    new ChangeContactHandler(t.world.store, t.world.clock, associate).execute(new ChangeContactCommand(origin, data));

  async function fillContacts(): Promise<void> {
    const dutch = { phoneNumber: '020 123 4567', mobilePhoneNumber: '06 12345678', defaultCountry: 'NL' };
    await createContact(admin, { contactId: 'c-1', name: 'Anna', ...dutch });
    await createContact(admin, { contactId: 'c-2', name: 'bas', mobilePhoneNumber: '+31 6 12345678' });
    await createContact(other, { contactId: 'c-1', name: 'Cor', mobilePhoneNumber: '+31612345678' });
  }

  async function fillChannels(): Promise<void> {
    const { store, clock } = handlers();
    const added = { accountId, phoneNumberId: 'pn-3', displayNumber: '+15550003333' };
    await new AddPhoneNumberHandler(store, clock, ownershipNotChecked).execute(new AddPhoneNumberCommand(admin, added));
    await new ConnectAccountHandler(store, clock, ownershipNotChecked).execute(new ConnectAccountCommand(admin, secondAccount));
    await new RemovePhoneNumberHandler(store, clock).execute(new RemovePhoneNumberCommand(admin, { accountId, displayNumber: businessPhone }));
    await new MarkBusinessVerifiedHandler(store, clock).execute(new MarkBusinessVerifiedCommand(admin, { accountId }));
    await new DisconnectAccountHandler(store, clock).execute(new DisconnectAccountCommand(admin, { accountId: 'account-2' }));
  }

  async function fillTemplates(): Promise<void> {
    const { store, clock } = handlers();
    const register = (data: RegisterTemplateCommand['data']) =>
      new RegisterTemplateHandler(store, clock).execute(new RegisterTemplateCommand(admin, data));
    await new ConnectAccountHandler(store, clock, ownershipNotChecked).execute(new ConnectAccountCommand(admin, secondAccount));
    await register({ accountId, name: 'welcome', language: 'en', category: 'marketing', body: 'Welcome {{1}}!' });
    await register({ accountId: 'account-2', name: 'promo', language: 'nl', category: 'marketing', body: 'Korting!' });
    await new RejectTemplateHandler(store, clock).execute(
      new RejectTemplateCommand(admin, { accountId: 'account-2', name: 'promo', language: 'nl', reason: 'Promotional content' }),
    );
  }

  it('finds contacts by a normalised phone or mobile number, in their own portal only', async () => {
    await fillContacts();
    await t.caughtUp();

    const names = async (portal: string, phone: string) => (await findContactsByPhone(t.db, portal, phone)).map((contact) => contact.name);
    expect(await names(portalId, '+31612345678')).toEqual(['Anna', 'bas']);
    expect(await names(portalId, '+31 6 1234 5678')).toEqual(['Anna', 'bas']);
    expect(await names(portalId, '+31201234567')).toEqual(['Anna']);
    expect(await names('other-portal', '+31612345678')).toEqual(['Cor']);
    expect(await names(portalId, '+31699999999')).toEqual([]);
    await expect(findContactsByPhone(t.db, portalId, 'call me')).rejects.toMatchObject({ code: 'INVALID_PHONE_NUMBER' });
  });

  it('follows renames and number changes', async () => {
    await fillContacts();
    t.world.clock.set('2025-03-02T10:00:00.000Z');
    await changeContact(admin, { contactId: 'c-1', name: 'Anna de Vries', mobilePhoneNumber: null });
    await t.caughtUp();

    expect((await findContactsByPhone(t.db, portalId, '+31612345678')).map((contact) => contact.contactId)).toEqual(['c-2']);
    const [anna] = await findContactsByPhone(t.db, portalId, '+31201234567');
    expect(anna).toEqual({
      contactId: 'c-1', portalId, name: 'Anna de Vries', phoneNumber: '+31201234567', mobilePhoneNumber: null,
      createdAt: connectedAt, updatedAt: '2025-03-02T10:00:00.000Z',
    });
  });

  it('pages through contacts by name, whatever the case, without skipping or repeating', async () => {
    for (const [index, name] of ['Eve', 'anna', 'Bas', 'Dirk', 'cor'].entries()) await createContact(admin, { contactId: `c-${index}`, name });
    await createContact(other, { contactId: 'c-9', name: 'Aaron' });
    await t.caughtUp();

    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await listContacts(t.db, portalId, 2, after);
      expect(page.totalCount).toBe(5);
      seen.push(...page.contacts.map((contact) => contact.name));
      after = page.endCursor ?? undefined;
    } while (after);
    expect(seen).toEqual(['anna', 'Bas', 'cor', 'Dirk', 'Eve']);
  });

  it('counts contacts up to the cap and says when it stopped there', async () => {
    for (const [index, name] of ['Eve', 'anna', 'Bas', 'Dirk', 'cor'].entries()) await createContact(admin, { contactId: `c-${index}`, name });
    await t.caughtUp();

    expect(await listContacts(t.db, portalId, 2, undefined, 5)).toMatchObject({ totalCount: 5, totalCountCapped: false });
    const capped = await listContacts(t.db, portalId, 2, undefined, 3);
    expect(capped).toMatchObject({ totalCount: 3, totalCountCapped: true });
    expect(capped.contacts.map((contact) => contact.name)).toEqual(['anna', 'Bas']);
  });

  it('lists channels with status, verification, time zone and current numbers', async () => {
    await fillChannels();
    await t.caughtUp();

    expect(await listChannels(t.db, portalId)).toEqual([
      {
        accountId, portalId, wabaId: 'waba-1', name: 'Acme support', timeZone: 'Europe/Paris', status: 'connected', verified: true,
        connectedAt, disconnectedAt: null, phoneNumbers: [{ phoneNumberId: 'pn-3', displayNumber: '+15550003333', addedAt: connectedAt }],
      },
      expect.objectContaining({ accountId: 'account-2', status: 'disconnected', disconnectedAt: connectedAt, verified: true, phoneNumbers: [] }),
    ]);
    expect(await listChannels(t.db, 'other-portal')).toEqual([]);
  });

  it('lists templates with their review status, for the portal or one account', async () => {
    await fillTemplates();
    await t.caughtUp();

    const keys = (rows: TemplateRow[]) => rows.map((row) => `${row.accountId}/${row.name}:${row.status}`);
    expect(keys(await listTemplates(t.db, portalId))).toEqual([
      'account-1/order_ready:approved', 'account-1/welcome:pending', 'account-2/promo:rejected',
    ]);
    const [promo] = await listTemplates(t.db, portalId, 'account-2');
    expect(promo).toMatchObject({
      language: 'nl', category: 'marketing', body: 'Korting!', rejectionReason: 'Promotional content', reviewedAt: connectedAt,
    });
    expect(await listTemplates(t.db, 'other-portal')).toEqual([]);
  });

  it('gives the same directory when rebuilt from history as live', async () => {
    await fillContacts();
    await changeContact(admin, { contactId: 'c-2', name: 'Bas', phoneNumber: '+31 20 765 4321' });
    await fillTemplates();
    await new MarkBusinessVerifiedHandler(t.world.store, t.world.clock).execute(new MarkBusinessVerifiedCommand(admin, { accountId }));
    await t.caughtUp();

    const read = async (db: ReadDatabase) => ({
      contacts: await listContacts(db, portalId, 100),
      byPhone: await findContactsByPhone(db, portalId, '+31612345678'),
      otherContacts: await listContacts(db, 'other-portal', 100),
      channels: await listChannels(db, portalId),
      templates: await listTemplates(db, portalId),
    });
    const live = await read(t.db);
    expect(live.channels.map((channel) => channel.phoneNumbers.map((number) => number.phoneNumberId))).toEqual([[phoneNumberId], ['pn-2']]);
    expect(await t.rebuilt(read)).toEqual(live);
  });
});
