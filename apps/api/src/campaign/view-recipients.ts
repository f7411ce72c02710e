import type { AuthenticatedUser } from '@helpdesk/auth';
import { CAMPAIGN_LIMITS, type CampaignRecipient, type TemplateParameters, refuse } from '@helpdesk/domain';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { matchingTickets } from '@helpdesk/projections/ticket-list/index.js';
import { viewTicketConditions } from '@helpdesk/projections/views/index.js';
import { visibleView } from '../view/visible-views.reader.js';

/**
 * The contacts of a view's tickets as the ticket list shows them now, each once, all with the same
 * parameters: resolved once, when the campaign starts. A view the caller may not see is
 * VIEW_NOT_FOUND; more contacts than a campaign may hold, CAMPAIGN_TOO_LARGE (read no further).
 */
export async function recipientsOfView(
  db: ReadDatabase,
  viewer: AuthenticatedUser,
  viewId: string,
  parameters: TemplateParameters,
): Promise<CampaignRecipient[]> {
  const view = await visibleView(db, viewer, viewId);
  if (!view) refuse('VIEW_NOT_FOUND', `View ${viewId} does not exist`);
  const limit = CAMPAIGN_LIMITS.maxRecipients;
  const rows = (await matchingTickets(db, {
    portalId: viewer.portalId,
    matching: viewTicketConditions(view.filters, viewer),
  })
    .where('contact_id', 'is not', null)
    .select('contact_id')
    .distinct()
    .orderBy('contact_id')
    .limit(limit + 1)
    .execute()) as { contact_id: string }[];
  if (rows.length > limit) {
    refuse('CAMPAIGN_TOO_LARGE', `The view has more than ${limit} contacts: a campaign has at most ${limit}`, {
      limit,
    });
  }
  return rows.map((row) => ({ contactId: row.contact_id, parameters }));
}
