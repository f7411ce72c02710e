import { assertNever, refuse } from '../core/index.js';
import type { ClaimWaba, ReleaseWaba, WabaClaimCommand } from './waba.commands.js';
import type { WabaClaimEvent } from './waba.events.js';
import type { WabaClaimState } from './waba.state.js';

/** As the number claims: one holder at a time, the same refusal whoever holds it, released only by the holder. */
export function decideWabaClaim(command: WabaClaimCommand, state: WabaClaimState): WabaClaimEvent[] {
  if (command.data.wabaId.trim() === '') refuse('INVALID_COMMAND', 'A WhatsApp account needs its WABA id');
  switch (command.type) {
    case 'ClaimWaba':
      return claim(command, state);
    case 'ReleaseWaba':
      return release(command, state);
    default:
      return assertNever(command);
  }
}

function claim(command: ClaimWaba, state: WabaClaimState): WabaClaimEvent[] {
  const { wabaId, accountId } = command.data;
  const { portalId, now } = command.context;
  if (state.status === 'Claimed') {
    if (state.accountId !== accountId || state.portalId !== portalId) {
      refuse(
        'ACCOUNT_ALREADY_CLAIMED',
        `WhatsApp Business Account ${wabaId} is connected to another help desk account; disconnect it there first`,
        { wabaId },
      );
    }
    return [];
  }
  return [{ type: 'WabaClaimed', data: { wabaId, accountId, portalId, claimedAt: now.toISOString() } }];
}

function release(command: ReleaseWaba, state: WabaClaimState): WabaClaimEvent[] {
  const { wabaId, accountId } = command.data;
  const { portalId, now } = command.context;
  if (state.status !== 'Claimed' || state.accountId !== accountId || state.portalId !== portalId) return [];
  return [{ type: 'WabaReleased', data: { wabaId, accountId, portalId, releasedAt: now.toISOString() } }];
}
