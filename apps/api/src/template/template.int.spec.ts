import { bindTemplateParameters, requireApprovedTemplate } from '@helpdesk/domain';
import { refusalOf } from '../../../../test/support/domain-refusals.js';
import { useTemporarySqliteStore } from '../../../../test/support/temporary-sqlite-store.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { ApproveTemplateCommand, ApproveTemplateHandler } from './approve-template.handler.js';
import { loadTemplate } from './load-template.js';
import { RegisterTemplateCommand, RegisterTemplateHandler } from './register-template.handler.js';
import { RejectTemplateCommand, RejectTemplateHandler } from './reject-template.handler.js';

const clock = { now: () => new Date('2025-03-01T10:00:00.000Z') };
const agent: CommandOrigin = { portalId: 'a', actor: { kind: 'user', id: 'agent-1' } };
const meta = (portalId = 'a'): CommandOrigin => ({ portalId, actor: { kind: 'whatsapp', id: 'template-status-webhook' } });
const key = { accountId: 'acc-1', name: 'order_shipped', language: 'en_US' };

describe('Template handlers against the embedded store', () => {
  const stores = useTemporarySqliteStore('template-');
  const register = () =>
    new RegisterTemplateHandler(stores.current, clock).execute(
      new RegisterTemplateCommand(agent, {
        ...key,
        category: 'utility',
        header: { kind: 'text', text: 'Order {{1}}' },
        body: 'Hi {{1}}, your order shipped on {{2}}.',
      }),
    );
  const approve = (origin = meta()) =>
    new ApproveTemplateHandler(stores.current, clock).execute(new ApproveTemplateCommand(origin, key));

  it('loads a registered template that can only be sent once Meta approved it', async () => {
    await register();
    const pending = await loadTemplate(stores.current, key.accountId, key.name, key.language);
    expect(() => requireApprovedTemplate(pending)).toThrow(expect.objectContaining({ code: 'TEMPLATE_NOT_APPROVED' }));

    await approve();

    const template = requireApprovedTemplate(await loadTemplate(stores.current, key.accountId, key.name, key.language));
    expect(bindTemplateParameters(template, { header: ['#42'], body: ['Anna', '1 March'] })).toEqual({
      header: 'Order #42',
      body: 'Hi Anna, your order shipped on 1 March.',
    });
  });

  it('does not find a template never registered', async () => {
    expect((await refusalOf(loadTemplate(stores.current, 'acc-1', 'nothing', 'en'))).code).toBe('TEMPLATE_NOT_FOUND');
  });

  it("refuses another portal's verdict", async () => {
    await register();
    expect((await refusalOf(approve(meta('b')))).code).toBe('NOT_ALLOWED');
  });

  it('records a rejection with its reason', async () => {
    await register();
    const rejection = new RejectTemplateCommand(meta(), { ...key, reason: 'TAG_CONTENT_MISMATCH' });
    await new RejectTemplateHandler(stores.current, clock).execute(rejection);

    await expect(loadTemplate(stores.current, key.accountId, key.name, key.language)).resolves.toMatchObject({ status: 'Rejected' });
  });
});
