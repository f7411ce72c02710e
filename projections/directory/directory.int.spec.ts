import type { ChangeContact, ConnectAccount, CreateContact } from '@helpdesk/domain';
import { type Fact, adminActor, helpdesk, userActor } from '@helpdesk/domain/fixtures';
import { readStoresUnderTest } from '../core/read-stores-under-test.js';
import type { ReadDatabase } from '../core/read-model-schema.js';
import { useProjectionWorld } from '../testing/projection.test-world.js';
import { listChannels } from './channels.reader.js';
import type { TemplateRow } from './directory.documents.js';
import { findContactsByPhone, listContacts } from './contacts.reader.js';
import { directoryProjection } from './directory.projection.js';
import { listTemplates } from './templates.reader.js';

const connectedAt = '2025-03-01T08:00:00.000Z';
const { accountId, businessPhone, phoneNumberId, portalId } = helpdesk;
/** Who acts, for which portal. */
interface Origin {
  readonly portalId: string;
  readonly actor: typeof adminActor;
}
const admin: Origin = { portalId, actor: adminActor };
const other: Origin = { portalId: 'other-portal', actor: userActor('admin-2') };
const secondAccount: Omit<ConnectAccount['data'], 'ownership'> = {
  ...{ accountId: 'account-2', wabaId: 'waba-2', name: 'Zeta sales', timeZone: 'Europe/Amsterdam' },
  ...{
    accountType: 'business',
    businessVerified: true,
    phoneNumbers: [{ phoneNumberId: 'pn-2', displayNumber: '+31 20 555 0000' }],
  },
};

describe.each(readStoresUnderTest())('directory projection on $name', (readStoreUnderTest) => {
  const t = useProjectionWorld(directoryProjection, readStoreUnderTest, { connectedAt });
  const createContact = (origin: Origin, data: CreateContact['data']) =>
    t.world.history.contact({ type: 'CreateContact', data }, origin.actor, origin.portalId);
  const changeContact = (origin: Origin, data: ChangeContact['data']) =>
    t.world.history.contact({ type: 'ChangeContact', data }, origin.actor, origin.portalId);

  function contacts(): Fact[] {
    const dutch = { phoneNumber: '020 123 4567', mobilePhoneNumber: '06 12345678', defaultCountry: 'NL' };
    return [
      ...createContact(admin, { contactId: 'c-1', name: 'Anna', ...dutch }),
      ...createContact(admin, { contactId: 'c-2', name: 'bas', mobilePhoneNumber: '+31 6 12345678' }),
      ...createContact(other, { contactId: 'c-1', name: 'Cor', mobilePhoneNumber: '+31612345678' }),
    ];
  }

  function channelChanges(): Fact[] {
    const h = t.world.history;
    return [
      ...h.addPhoneNumber(accountId, { phoneNumberId: 'pn-3', displayNumber: '+15550003333' }),
      ...h.connectAccount(secondAccount),
      ...h.removePhoneNumber(accountId, businessPhone),
      ...h.markBusinessVerified(accountId),
      ...h.disconnectAccount('account-2'),
    ];
  }

  function templates(): Fact[] {
    const h = t.world.history;
    return [
      ...h.connectAccount(secondAccount),
      ...h.registerTemplate({
        accountId,
        name: 'welcome',
        language: 'en',
        category: 'marketing',
        body: 'Welcome {{1}}!',
      }),
      ...h.registerTemplate({
        accountId: 'account-2',
        name: 'promo',
        language: 'nl',
        category: 'marketing',
        body: 'Korting!',
      }),
      ...h.rejectTemplate({ accountId: 'account-2', name: 'promo', language: 'nl' }, 'Promotional content'),
    ];
  }

  it('finds contacts by a normalised phone or mobile number, in their own portal only', async () => {
    await t.given(contacts()).then();

    const names = async (portal: string, phone: string) =>
      (await findContactsByPhone(t.db, portal, phone)).map((contact) => contact.name);
    expect(await names(portalId, '+31612345678')).toEqual(['Anna', 'bas']);
    expect(await names(portalId, '+31 6 1234 5678')).toEqual(['Anna', 'bas']);
    expect(await names(portalId, '+31201234567')).toEqual(['Anna']);
    expect(await names('other-portal', '+31612345678')).toEqual(['Cor']);
    expect(await names(portalId, '+31699999999')).toEqual([]);
    await expect(findContactsByPhone(t.db, portalId, 'call me')).rejects.toMatchObject({
      code: 'INVALID_PHONE_NUMBER',
    });
  });

  it('follows renames and number changes', async () => {
    const history = contacts();
    t.world.clock.set('2025-03-02T10:00:00.000Z');
    await t
      .given(history)
      .when(changeContact(admin, { contactId: 'c-1', name: 'Anna de Vries', mobilePhoneNumber: null }))
      .then();

    expect((await findContactsByPhone(t.db, portalId, '+31612345678')).map((contact) => contact.contactId)).toEqual([
      'c-2',
    ]);
    const [anna] = await findContactsByPhone(t.db, portalId, '+31201234567');
    expect(anna).toEqual({
      contactId: 'c-1',
      portalId,
      name: 'Anna de Vries',
      phoneNumber: '+31201234567',
      mobilePhoneNumber: null,
      createdAt: connectedAt,
      updatedAt: '2025-03-02T10:00:00.000Z',
    });
  });

  it('pages through contacts by name, whatever the case, without skipping or repeating', async () => {
    const created = ['Eve', 'anna', 'Bas', 'Dirk', 'cor'].map((name, index) =>
      createContact(admin, { contactId: `c-${index}`, name }),
    );
    await t.given(...created, createContact(other, { contactId: 'c-9', name: 'Aaron' })).then();

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
    await t
      .given(
        ...['Eve', 'anna', 'Bas', 'Dirk', 'cor'].map((name, index) =>
          createContact(admin, { contactId: `c-${index}`, name }),
        ),
      )
      .then();

    expect(await listContacts(t.db, portalId, 2, undefined, 5)).toMatchObject({
      totalCount: 5,
      totalCountCapped: false,
    });
    const capped = await listContacts(t.db, portalId, 2, undefined, 3);
    expect(capped).toMatchObject({ totalCount: 3, totalCountCapped: true });
    expect(capped.contacts.map((contact) => contact.name)).toEqual(['anna', 'Bas']);
  });

  it('lists channels with status, verification, time zone and current numbers', async () => {
    await t.given().when(channelChanges()).then();

    expect(await listChannels(t.db, portalId)).toEqual([
      {
        accountId,
        portalId,
        wabaId: 'waba-1',
        name: 'Acme support',
        timeZone: 'Europe/Paris',
        status: 'connected',
        verified: true,
        connectedAt,
        disconnectedAt: null,
        phoneNumbers: [{ phoneNumberId: 'pn-3', displayNumber: '+15550003333', addedAt: connectedAt }],
      },
      expect.objectContaining({
        accountId: 'account-2',
        status: 'disconnected',
        disconnectedAt: connectedAt,
        verified: true,
        phoneNumbers: [],
      }),
    ]);
    expect(await listChannels(t.db, 'other-portal')).toEqual([]);
  });

  it('lists templates with their review status, for the portal or one account', async () => {
    await t.given().when(templates()).then();

    const keys = (rows: TemplateRow[]) => rows.map((row) => `${row.accountId}/${row.name}:${row.status}`);
    expect(keys(await listTemplates(t.db, portalId))).toEqual([
      'account-1/order_ready:approved',
      'account-1/welcome:pending',
      'account-2/promo:rejected',
    ]);
    const [promo] = await listTemplates(t.db, portalId, 'account-2');
    expect(promo).toMatchObject({
      language: 'nl',
      category: 'marketing',
      body: 'Korting!',
      rejectionReason: 'Promotional content',
      reviewedAt: connectedAt,
    });
    expect(await listTemplates(t.db, 'other-portal')).toEqual([]);
  });

  it('gives the same directory when rebuilt from history as live', async () => {
    await t
      .given(
        contacts(),
        changeContact(admin, { contactId: 'c-2', name: 'Bas', phoneNumber: '+31 20 765 4321' }),
        templates(),
      )
      .when(t.world.history.markBusinessVerified(accountId))
      .then();

    const read = async (db: ReadDatabase) => ({
      contacts: await listContacts(db, portalId, 100),
      byPhone: await findContactsByPhone(db, portalId, '+31612345678'),
      otherContacts: await listContacts(db, 'other-portal', 100),
      channels: await listChannels(db, portalId),
      templates: await listTemplates(db, portalId),
    });
    const live = await read(t.db);
    expect(live.channels.map((channel) => channel.phoneNumbers.map((number) => number.phoneNumberId))).toEqual([
      [phoneNumberId],
      ['pn-2'],
    ]);
    expect(await t.rebuilt(read)).toEqual(live);
  });
});
