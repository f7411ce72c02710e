import { specificationFor } from '../../../../test/support/decider-specification.js';
import type { Actor, CommandContext } from '../core/index.js';
import type { CampaignCommand, RecipientOutcome } from './campaign.commands.js';
import type { CampaignEvent, CampaignRecipient } from './campaign.events.js';
import { CAMPAIGN_LIMITS, campaignDecider } from './index.js';

const spec = specificationFor(campaignDecider);
const now = new Date('2025-03-01T10:00:00.000Z');
const at = now.toISOString();
const anna: Actor = { kind: 'user', id: 'anna' };
const context = (portalId = 'portal-a', actor: Actor = anna): CommandContext => ({ portalId, actor, now });
const campaignId = 'camp-1';
const template = { name: 'spring_sale', language: 'en' };
const recipient = (contactId: string): CampaignRecipient => ({ contactId, parameters: { body: [contactId] } });
const recipients = [recipient('c-1'), recipient('c-2'), recipient('c-3')];

const start = (list = recipients, actor: Actor = anna): CampaignCommand => ({
  type: 'StartCampaign',
  data: { campaignId, fromPhoneNumberId: 'pn-1', template, recipients: list },
  context: context('portal-a', actor),
});
const started: CampaignEvent = {
  type: 'CampaignStarted',
  data: {
    ...{ campaignId, portalId: 'portal-a', fromPhoneNumberId: 'pn-1', template, recipients },
    ...{ startedBy: 'anna', startedAt: at },
  },
};
const outcome = (contactId: string, result: RecipientOutcome, portalId = 'portal-a'): CampaignCommand => ({
  type: 'RecordRecipientOutcome',
  data: { campaignId, contactId, outcome: result },
  context: context(portalId),
});
const accepted = (contactId: string): RecipientOutcome => ({
  kind: 'accepted',
  conversationId: `conv-${contactId}`,
  messageId: `msg-${contactId}`,
});
const acceptedEvent = (contactId: string): CampaignEvent => ({
  type: 'CampaignRecipientAccepted',
  data: { campaignId, contactId, conversationId: `conv-${contactId}`, messageId: `msg-${contactId}`, acceptedAt: at },
});
const refusedEvent = (contactId: string, code: string): CampaignEvent => ({
  type: 'CampaignRecipientRefused',
  data: { campaignId, contactId, code, refusedAt: at },
});
const cancel = (portalId = 'portal-a'): CampaignCommand => ({
  type: 'CancelCampaign',
  data: { campaignId },
  context: context(portalId),
});

describe('Campaign', () => {
  describe('Starting', () => {
    it('records the recipients, the template and the starter', () => {
      spec.given([]).when(start()).then([started]);
    });

    it('refuses no recipient, a contact named twice, more than the limit, and a starter who is not a user', () => {
      spec.given([]).when(start([])).thenRefuses('INVALID_CAMPAIGN');
      spec
        .given([])
        .when(start([recipient('c-1'), recipient('c-1')]))
        .thenRefuses('INVALID_CAMPAIGN', /twice/);
      const tooMany = Array.from({ length: CAMPAIGN_LIMITS.maxRecipients + 1 }, (_, i) => recipient(`c-${i}`));
      spec.given([]).when(start(tooMany)).thenRefuses('CAMPAIGN_TOO_LARGE');
      spec
        .given([])
        .when(start(recipients, { kind: 'system', id: 'x' }))
        .thenRefuses('NOT_ALLOWED');
    });

    it('accepts exactly the limit', () => {
      const most = Array.from({ length: CAMPAIGN_LIMITS.maxRecipients }, (_, i) => recipient(`c-${i}`));
      expect(spec.given([]).when(start(most)).events()).toHaveLength(1);
    });
  });

  describe('When running', () => {
    it('records an accepted recipient, and a refused one with its code', () => {
      spec
        .given([started])
        .when(outcome('c-1', accepted('c-1')))
        .then([acceptedEvent('c-1')]);
      spec
        .given([started])
        .when(outcome('c-2', { kind: 'refused', code: 'CONTACT_HAS_NO_PHONE_NUMBER' }))
        .then([refusedEvent('c-2', 'CONTACT_HAS_NO_PHONE_NUMBER')]);
    });

    it('never records a second outcome for a recipient (a second runner, a retry after a crash)', () => {
      spec
        .given([started, acceptedEvent('c-1')])
        .when(outcome('c-1', accepted('c-1')))
        .thenNothingHappens();
      spec
        .given([started, acceptedEvent('c-1')])
        .when(outcome('c-1', { kind: 'refused', code: 'MONTHLY_LIMIT_REACHED' }))
        .thenNothingHappens();
    });

    it('refuses an outcome for a contact that is not a recipient', () => {
      spec
        .given([started])
        .when(outcome('c-9', accepted('c-9')))
        .thenRefuses('INVALID_COMMAND');
    });

    it('completes with the last outcome', () => {
      spec
        .given([started, acceptedEvent('c-1'), refusedEvent('c-2', 'TEMPLATE_NOT_APPROVED')])
        .when(outcome('c-3', accepted('c-3')))
        .then([acceptedEvent('c-3'), { type: 'CampaignCompleted', data: { campaignId, completedAt: at } }]);
    });

    it.each(['MONTHLY_LIMIT_REACHED', 'DAILY_LIMIT_REACHED'])('stops when the quota refuses (%s)', (code) => {
      spec
        .given([started, acceptedEvent('c-1')])
        .when(outcome('c-2', { kind: 'refused', code }))
        .then([
          refusedEvent('c-2', code),
          { type: 'CampaignStopped', data: { campaignId, reason: 'QUOTA_EXHAUSTED', stoppedAt: at } },
        ]);
    });

    it('can be cancelled, once', () => {
      const cancelled: CampaignEvent = {
        type: 'CampaignCancelled',
        data: { campaignId, cancelledBy: 'anna', cancelledAt: at },
      };
      spec.given([started]).when(cancel()).then([cancelled]);
      spec.given([started, cancelled]).when(cancel()).thenNothingHappens();
    });

    it("answers another portal's campaign as an unknown one", () => {
      spec.given([started]).when(cancel('portal-b')).thenRefuses('CAMPAIGN_NOT_FOUND');
      spec
        .given([started])
        .when(outcome('c-1', accepted('c-1'), 'portal-b'))
        .thenRefuses('CAMPAIGN_NOT_FOUND');
      spec.given([]).when(cancel()).thenRefuses('CAMPAIGN_NOT_FOUND');
    });
  });

  describe('When finished', () => {
    const stopped: CampaignEvent = {
      type: 'CampaignStopped',
      data: { campaignId, reason: 'QUOTA_EXHAUSTED', stoppedAt: at },
    };

    it('still records an outcome reached meanwhile, without stopping or completing again', () => {
      spec
        .given([started, refusedEvent('c-1', 'MONTHLY_LIMIT_REACHED'), stopped, acceptedEvent('c-2')])
        .when(outcome('c-3', accepted('c-3')))
        .then([acceptedEvent('c-3')]);
    });

    it('cannot be cancelled once stopped or completed', () => {
      spec.given([started, stopped]).when(cancel()).thenRefuses('CAMPAIGN_FINISHED');
    });

    it('cannot be started again', () => {
      spec.given([started]).when(start()).thenRefuses('INVALID_CAMPAIGN');
    });
  });
});
