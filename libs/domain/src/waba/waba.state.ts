import { assertNever } from '../core/index.js';
import type { WabaClaimEvent } from './waba.events.js';

export type WabaClaimState =
  | Readonly<{ status: 'Unclaimed' }>
  | Readonly<{ status: 'Claimed'; wabaId: string; accountId: string; portalId: string }>;

export const initialWabaClaimState: WabaClaimState = { status: 'Unclaimed' };

export function evolveWabaClaim(_state: WabaClaimState, event: WabaClaimEvent): WabaClaimState {
  switch (event.type) {
    case 'WabaClaimed': {
      const { wabaId, accountId, portalId } = event.data;
      return { status: 'Claimed', wabaId, accountId, portalId };
    }
    case 'WabaReleased':
      return { status: 'Unclaimed' };
    default:
      return assertNever(event);
  }
}
