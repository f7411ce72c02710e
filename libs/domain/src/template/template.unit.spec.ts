import { specificationFor } from '../../../../test/support/decider-specification.js';
import { DomainError, type CommandContext } from '../core/index.js';
import type { RegisterTemplate, TemplateCommand } from './template.commands.js';
import type { TemplateApproved, TemplateRegistered, TemplateRejected } from './template.events.js';
import { templateDecider, requireApprovedTemplate } from './index.js';
import { evolveTemplate, initialTemplateState } from './template.state.js';

const spec = specificationFor(templateDecider);
const now = new Date('2025-03-01T10:00:00.000Z');
const at = now.toISOString();
const earlier = '2025-01-01T00:00:00.000Z';
const context = (portalId = 'portal-a'): CommandContext => ({ portalId, actor: { kind: 'whatsapp', id: 'meta' }, now });
const key = { accountId: 'acc-1', name: 'order_shipped', language: 'en_US' };

const register = (data: Partial<RegisterTemplate['data']> = {}): TemplateCommand => ({
  type: 'RegisterTemplate',
  data: { ...key, category: 'utility', body: 'Hi {{1}}, order {{2}} has shipped.', ...data },
  context: context(),
});
const approve = (portalId = 'portal-a'): TemplateCommand => ({
  type: 'ApproveTemplate',
  data: key,
  context: context(portalId),
});
const reject: TemplateCommand = {
  type: 'RejectTemplate',
  data: { ...key, reason: 'INVALID_FORMAT' },
  context: context(),
};

const registered: TemplateRegistered = {
  type: 'TemplateRegistered',
  data: {
    ...key,
    portalId: 'portal-a',
    category: 'utility',
    body: 'Hi {{1}}, order {{2}} has shipped.',
    header: null,
    buttons: [],
    registeredAt: earlier,
  },
};
const approved: TemplateApproved = { type: 'TemplateApproved', data: { ...key, approvedAt: earlier } };
const rejected: TemplateRejected = {
  type: 'TemplateRejected',
  data: { ...key, reason: 'INVALID_FORMAT', rejectedAt: earlier },
};

describe('Template', () => {
  describe('When not registered', () => {
    it('registers it, pending review', () => {
      spec
        .given([])
        .when(register())
        .then([{ ...registered, data: { ...registered.data, registeredAt: at } }]);
      expect(evolveTemplate(initialTemplateState, registered).status).toBe('Pending');
    });

    it('registers a text header with one parameter and buttons, normalising button phone numbers', () => {
      const buttons = [
        { kind: 'url', text: 'Track', url: 'https://example.com/track' },
        { kind: 'phone_number', text: 'Call us', phoneNumber: '+31 20 123 4567' },
      ] as const;
      const [event] = spec
        .given([])
        .when(register({ header: { kind: 'text', text: 'Order {{1}}' }, buttons }))
        .events();
      expect(event.data).toMatchObject({
        header: { kind: 'text', text: 'Order {{1}}' },
        buttons: [buttons[0], { ...buttons[1], phoneNumber: '+31201234567' }],
      });
    });

    it.each([
      ['a name with capitals', { name: 'Order_Shipped' }],
      ['a language that is not a code', { language: 'English' }],
      ['an unknown category', { category: 'promotion' as never }],
      ['an empty body', { body: '  ' }],
      ['a body over 1024 characters', { body: 'x'.repeat(1025) }],
      ['a gap in the numbering', { body: 'Hi {{1}}, order {{3}}' }],
      ['numbering that does not start at 1', { body: 'Hi {{2}}' }],
      ['named parameters', { body: 'Hi {{name}}' }],
      ['two header parameters', { header: { kind: 'text', text: '{{1}} {{2}}' } as const }],
      [
        'eleven buttons',
        { buttons: Array.from({ length: 11 }, () => ({ kind: 'quick_reply', text: 'Yes' }) as const) },
      ],
      ['a button text over 25 characters', { buttons: [{ kind: 'quick_reply', text: 'x'.repeat(26) }] as const }],
      ['a url button without a web address', { buttons: [{ kind: 'url', text: 'Go', url: 'example.com' }] as const }],
    ])('refuses %s', (_case, data) => {
      spec.given([]).when(register(data)).thenRefuses('INVALID_TEMPLATE');
    });

    it('accepts a body of exactly 1024 characters and ten buttons', () => {
      const buttons = Array.from({ length: 10 }, () => ({ kind: 'quick_reply', text: 'x'.repeat(25) }) as const);
      expect(
        spec
          .given([])
          .when(register({ body: 'x'.repeat(1024), buttons }))
          .events(),
      ).toHaveLength(1);
    });

    it('refuses a verdict', () => {
      spec.given([]).when(approve()).thenRefuses('TEMPLATE_NOT_FOUND');
      spec.given([]).when(reject).thenRefuses('TEMPLATE_NOT_FOUND');
    });
  });

  describe('When pending', () => {
    it('refuses registering it again', () => {
      spec.given([registered]).when(register()).thenRefuses('TEMPLATE_ALREADY_REGISTERED');
    });

    it('is approved', () => {
      spec
        .given([registered])
        .when(approve())
        .then([{ ...approved, data: { ...key, approvedAt: at } }]);
    });

    it('is rejected with a reason', () => {
      spec
        .given([registered])
        .when(reject)
        .then([{ ...rejected, data: { ...rejected.data, rejectedAt: at } }]);
    });

    it('refuses a verdict from another portal exactly as for a template never registered', () => {
      const refusal = spec.given([registered]).when(approve('portal-b')).thenRefuses('TEMPLATE_NOT_FOUND');
      expect(refusal.message).toBe(spec.given([]).when(approve('portal-b')).thenRefuses('TEMPLATE_NOT_FOUND').message);
    });

    it('cannot be sent', () => {
      const pending = evolveTemplate(initialTemplateState, registered);
      expect(() => requireApprovedTemplate(pending)).toThrow(
        expect.objectContaining({ code: 'TEMPLATE_NOT_APPROVED' }),
      );
      expect(() => requireApprovedTemplate(initialTemplateState)).toThrow(DomainError);
    });
  });

  describe('When approved', () => {
    it('approving again is a no-op (webhooks repeat)', () => {
      spec.given([registered, approved]).when(approve()).thenNothingHappens();
    });

    it('can still be rejected', () => {
      expect(spec.given([registered, approved]).when(reject).events()).toMatchObject([{ type: 'TemplateRejected' }]);
    });

    it('can be sent', () => {
      const template = [registered, approved].reduce(evolveTemplate, initialTemplateState);
      expect(requireApprovedTemplate(template).name).toBe('order_shipped');
    });
  });

  describe('When rejected', () => {
    it('rejecting again is a no-op', () => {
      spec.given([registered, rejected]).when(reject).thenNothingHappens();
    });

    it('is approved after an appeal', () => {
      expect(spec.given([registered, rejected]).when(approve()).events()).toMatchObject([{ type: 'TemplateApproved' }]);
    });
  });
});
