import { loadState } from '@helpdesk/command-handling';
import { refuse, templateDecider, templateStreamName, type RegisteredTemplate } from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';

/**
 * The template as registered, whatever Meta's verdict: TEMPLATE_NOT_FOUND if never registered, or
 * registered by another portal than `portalId` (answered as the same unknown template).
 * Sending takes it through `requireApprovedTemplate`, then `bindTemplateParameters`.
 */
export async function loadTemplate(
  store: EventStore,
  portalId: string,
  accountId: string,
  name: string,
  language: string,
): Promise<RegisteredTemplate> {
  const { state } = await loadState(store, templateStreamName(accountId, name, language), templateDecider);
  if (state.status === 'NotRegistered' || state.portalId !== portalId) {
    refuse('TEMPLATE_NOT_FOUND', `No template ${name} (${language}) on account ${accountId}`, {
      accountId,
      name,
      language,
    });
  }
  return state;
}
