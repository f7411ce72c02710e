import { loadState } from '@helpdesk/command-handling';
import { refuse, templateDecider, templateStream, type RegisteredTemplate } from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';

/**
 * The template as registered, whatever Meta's verdict: TEMPLATE_NOT_FOUND if never registered.
 * Sending takes it through `requireApprovedTemplate`, then `bindTemplateParameters`.
 */
export async function loadTemplate(
  store: EventStore,
  accountId: string,
  name: string,
  language: string,
): Promise<RegisteredTemplate> {
  const { state } = await loadState(store, templateStream(accountId, name, language), templateDecider);
  if (state.status === 'NotRegistered') {
    refuse('TEMPLATE_NOT_FOUND', `No template ${name} (${language}) on account ${accountId}`, { accountId, name, language });
  }
  return state;
}
