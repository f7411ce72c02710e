import { bindTemplateParameters, requireApprovedTemplate } from '@helpdesk/domain';
import { refusalOf } from '../../../../test/support/domain-refusals.js';
import { useTemporarySqliteStore } from '../../../../test/support/temporary-sqlite-store.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { ConnectAccountCommand, ConnectAccountHandler } from '../channel/connect-account.handler.js';
import { ownershipNotChecked } from '../channel/phone-number-ownership.js';
import { ApproveTemplateCommand, ApproveTemplateHandler } from './approve-template.handler.js';
import { loadTemplate } from './load-template.js';
import { RegisterTemplateCommand, RegisterTemplateHandler } from './register-template.handler.js';
import { RejectTemplateCommand, RejectTemplateHandler } from './reject-template.handler.js';

const clock = { now: () => new Date('2025-03-01T10:00:00.000Z') };
const agent: CommandOrigin = { portalId: 'a', actor: { kind: 'user', id: 'agent-1' } };
const meta = (portalId = 'a'): CommandOrigin => ({
  portalId,
  actor: { kind: 'whatsapp', id: 'template-status-webhook' },
});
const key = { accountId: 'acc-1', name: 'order_shipped', language: 'en_US' };

describe('Template handlers against the embedded store', () => {
  const stores = useTemporarySqliteStore('template-');
  beforeEach(() => connect(agent, key.accountId));
  const connect = (origin: CommandOrigin, accountId: string) =>
    new ConnectAccountHandler(stores.current, clock, ownershipNotChecked).execute(
      new ConnectAccountCommand(origin, {
        ...{
          accountId,
          wabaId: `waba-${accountId}`,
          name: 'Support',
          timeZone: 'Europe/Paris',
          accountType: 'business',
        },
        ...{ businessVerified: true, phoneNumbers: [] },
      }),
    );
  const register = (origin = agent, accountId = key.accountId) =>
    new RegisterTemplateHandler(stores.current, clock).execute(
      new RegisterTemplateCommand(origin, {
        ...key,
        accountId,
        category: 'utility',
        header: { kind: 'text', text: 'Order {{1}}' },
        body: 'Hi {{1}}, your order shipped on {{2}}.',
      }),
    );
  const approve = (origin = meta()) =>
    new ApproveTemplateHandler(stores.current, clock).execute(new ApproveTemplateCommand(origin, key));

  it('loads a registered template that can only be sent once Meta approved it', async () => {
    await register();
    const pending = await loadTemplate(stores.current, 'a', key.accountId, key.name, key.language);
    expect(() => requireApprovedTemplate(pending)).toThrow(expect.objectContaining({ code: 'TEMPLATE_NOT_APPROVED' }));

    await approve();

    const template = requireApprovedTemplate(
      await loadTemplate(stores.current, 'a', key.accountId, key.name, key.language),
    );
    expect(bindTemplateParameters(template, { header: ['#42'], body: ['Anna', '1 March'] })).toEqual({
      header: 'Order #42',
      body: 'Hi Anna, your order shipped on 1 March.',
    });
  });

  it('does not find a template never registered', async () => {
    expect((await refusalOf(loadTemplate(stores.current, 'a', 'acc-1', 'nothing', 'en'))).code).toBe(
      'TEMPLATE_NOT_FOUND',
    );
  });

  it("answers another portal's verdict exactly as one on a template never registered", async () => {
    await register();
    const elsewhere = await refusalOf(approve(meta('b')));
    const unknown = await refusalOf(
      new ApproveTemplateHandler(stores.current, clock).execute(
        new ApproveTemplateCommand(meta('b'), { ...key, name: 'never_registered' }),
      ),
    );
    expect({ code: elsewhere.code, message: elsewhere.message }).toEqual({
      code: 'TEMPLATE_NOT_FOUND',
      message: unknown.message.replace('never_registered', key.name),
    });
    const loadedElsewhere = await refusalOf(loadTemplate(stores.current, 'b', key.accountId, key.name, key.language));
    expect(loadedElsewhere.code).toBe('TEMPLATE_NOT_FOUND');
  });

  it("refuses a template on another portal's account exactly as on an unknown account", async () => {
    const elsewhere = await refusalOf(register({ ...agent, portalId: 'b' }, key.accountId));
    const unknown = await refusalOf(register({ ...agent, portalId: 'b' }, 'acc-unknown'));
    expect({ code: elsewhere.code, message: elsewhere.message }).toEqual({
      code: 'CHANNEL_NOT_CONNECTED',
      message: unknown.message.replace('acc-unknown', key.accountId),
    });
  });

  it('records a rejection with its reason', async () => {
    await register();
    const rejection = new RejectTemplateCommand(meta(), { ...key, reason: 'TAG_CONTENT_MISMATCH' });
    await new RejectTemplateHandler(stores.current, clock).execute(rejection);

    await expect(loadTemplate(stores.current, 'a', key.accountId, key.name, key.language)).resolves.toMatchObject({
      status: 'Rejected',
    });
  });
});
