import { assertNever, refuse } from '../core/index.js';
import { validTemplateContent } from './template-content.js';
import type {
  ApproveTemplate,
  RegisterTemplate,
  RejectTemplate,
  TemplateCommand,
  TemplateKey,
} from './template.commands.js';
import type { TemplateEvent } from './template.events.js';
import type { RegisteredTemplate, TemplateState } from './template.state.js';

/** Meta's rules: lower case letters, digits and underscores; a language code such as 'en' or 'pt_BR'. */
const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;

/**
 * Another portal's template is refused as an unknown one: TEMPLATE_NOT_FOUND, same sentence. (Its
 * registration is refused before it gets here: the account is not connected to the caller's portal.)
 */
export function decideTemplate(command: TemplateCommand, state: TemplateState): TemplateEvent[] {
  const own: TemplateState =
    state.status !== 'NotRegistered' && state.portalId !== command.context.portalId
      ? { status: 'NotRegistered' }
      : state;
  switch (command.type) {
    case 'RegisterTemplate':
      if (own !== state)
        refuse(
          'TEMPLATE_ALREADY_REGISTERED',
          `Template ${command.data.name} (${command.data.language}) is already registered`,
        );
      return register(command, state);
    case 'ApproveTemplate':
      return approve(command, registered(own, command.data));
    case 'RejectTemplate':
      return reject(command, registered(own, command.data));
    default:
      return assertNever(command);
  }
}

function register(command: RegisterTemplate, state: TemplateState): TemplateEvent[] {
  const { accountId, name, language } = command.data;
  if (state.status !== 'NotRegistered') {
    refuse('TEMPLATE_ALREADY_REGISTERED', `Template ${name} (${language}) is already registered`);
  }
  if (!TEMPLATE_NAME.test(name))
    refuse('INVALID_TEMPLATE', 'A template name has lower case letters, digits and _ only');
  if (!LANGUAGE.test(language))
    refuse('INVALID_TEMPLATE', `'${language}' is not a language code such as 'en' or 'en_US'`);
  const content = validTemplateContent({
    category: command.data.category,
    body: command.data.body,
    header: command.data.header ?? null,
    buttons: command.data.buttons ?? [],
  });
  const { portalId, now } = command.context;
  const registeredAt = now.toISOString();
  return [{ type: 'TemplateRegistered', data: { accountId, name, language, portalId, ...content, registeredAt } }];
}

/** Verdicts repeat (webhooks are retried): the same verdict twice is a no-op; an appeal may reverse one. */
function approve(command: ApproveTemplate, template: RegisteredTemplate): TemplateEvent[] {
  if (template.status === 'Approved') return [];
  return [
    { type: 'TemplateApproved', data: { ...keyOf(command.data), approvedAt: command.context.now.toISOString() } },
  ];
}

function reject(command: RejectTemplate, template: RegisteredTemplate): TemplateEvent[] {
  if (template.status === 'Rejected') return [];
  const rejectedAt = command.context.now.toISOString();
  return [{ type: 'TemplateRejected', data: { ...keyOf(command.data), reason: command.data.reason, rejectedAt } }];
}

function registered(state: TemplateState, key: TemplateKey): RegisteredTemplate {
  if (state.status === 'NotRegistered') refuse('TEMPLATE_NOT_FOUND', `No template ${key.name} (${key.language})`);
  return state;
}

function keyOf({ accountId, name, language }: TemplateKey): TemplateKey {
  return { accountId, name, language };
}
