import { formatCount as count, progressBar } from '@helpdesk/demo';
import type { CampaignRow } from '@helpdesk/projections/campaigns/index.js';

/** `spring_sale RUNNING [#########.....................]  31.0%  3,100/10,000  accepted 3,050  refused 50  sent 2,990  failed 4` */
export function formatCampaignProgress(row: CampaignRow): string {
  const done = row.accepted + row.refused;
  const fraction = row.total === 0 ? 1 : done / row.total;
  const state = row.stopReason ? `${row.state} (${row.stopReason})` : row.state;
  return [
    `${row.templateName} ${state} ${progressBar(fraction)}  ${count(done)}/${count(row.total)}`,
    `accepted ${count(row.accepted)}  refused ${count(row.refused)}  sent ${count(row.sent)}  failed ${count(row.failed)}`,
  ].join('  ');
}

/** Nothing more will change: no recipient left to serve, and Meta answered for every accepted message. */
export function isSettled(row: CampaignRow): boolean {
  return row.state !== 'RUNNING' && row.sent + row.failed >= row.accepted;
}
