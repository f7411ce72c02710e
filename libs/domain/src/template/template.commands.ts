import type { DomainCommand } from '../core/index.js';
import type { TemplateButton, TemplateCategory, TemplateHeader } from './template-content.js';

/** Templates are Meta's, per WhatsApp account: a name in one language. */
export type TemplateKey = Readonly<{ accountId: string; name: string; language: string }>;

export type RegisterTemplate = DomainCommand<
  'RegisterTemplate',
  TemplateKey & {
    category: TemplateCategory;
    body: string;
    header?: TemplateHeader;
    buttons?: readonly TemplateButton[];
  }
>;

/** Meta's review verdicts, usually from its `message_template_status_update` webhook. */
export type ApproveTemplate = DomainCommand<'ApproveTemplate', TemplateKey>;

export type RejectTemplate = DomainCommand<'RejectTemplate', TemplateKey & { reason: string }>;

export type TemplateCommand = RegisterTemplate | ApproveTemplate | RejectTemplate;
