import type { DomainEvent } from '../core/index.js';
import type { TemplateButton, TemplateCategory, TemplateHeader } from './template-content.js';

type TemplateKey = { accountId: string; name: string; language: string };

/** Registered templates wait for Meta's review: only an approved one can be sent. */
export type TemplateRegistered = DomainEvent<
  'TemplateRegistered',
  TemplateKey & {
    portalId: string;
    category: TemplateCategory;
    body: string;
    header: TemplateHeader | null;
    buttons: readonly TemplateButton[];
    registeredAt: string;
  }
>;

export type TemplateApproved = DomainEvent<'TemplateApproved', TemplateKey & { approvedAt: string }>;

export type TemplateRejected = DomainEvent<'TemplateRejected', TemplateKey & { reason: string; rejectedAt: string }>;

export type TemplateEvent = TemplateRegistered | TemplateApproved | TemplateRejected;
