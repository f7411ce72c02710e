import { assertNever, refuse } from '../core/index.js';
import type { TemplateContent } from './template-content.js';
import type { TemplateEvent } from './template.events.js';

export type RegisteredTemplate = TemplateContent &
  Readonly<{
    status: 'Pending' | 'Approved' | 'Rejected';
    accountId: string;
    portalId: string;
    name: string;
    language: string;
  }>;

export type ApprovedTemplate = RegisteredTemplate & Readonly<{ status: 'Approved' }>;

export type TemplateState = Readonly<{ status: 'NotRegistered' }> | RegisteredTemplate;

export const initialTemplateState: TemplateState = { status: 'NotRegistered' };

export function evolveTemplate(state: TemplateState, event: TemplateEvent): TemplateState {
  switch (event.type) {
    case 'TemplateRegistered': {
      const { accountId, portalId, name, language, category, body, header, buttons } = event.data;
      return { status: 'Pending', accountId, portalId, name, language, category, body, header, buttons };
    }
    case 'TemplateApproved':
      return state.status === 'NotRegistered' ? state : { ...state, status: 'Approved' };
    case 'TemplateRejected':
      return state.status === 'NotRegistered' ? state : { ...state, status: 'Rejected' };
    default:
      return assertNever(event);
  }
}

/** Only approved templates may be sent: the sending side calls this before binding parameters. */
export function requireApprovedTemplate(template: TemplateState): ApprovedTemplate {
  if (template.status === 'NotRegistered') refuse('TEMPLATE_NOT_FOUND', 'No such template');
  if (template.status !== 'Approved') {
    const { name, language, status } = template;
    refuse('TEMPLATE_NOT_APPROVED', `Template ${name} (${language}) is ${status.toLowerCase()}, not approved`);
  }
  return template as ApprovedTemplate;
}
