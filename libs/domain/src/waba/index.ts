import type { Decider } from '../core/index.js';
import type { WabaClaimCommand } from './waba.commands.js';
import { decideWabaClaim } from './waba.decide.js';
import type { WabaClaimEvent } from './waba.events.js';
import { evolveWabaClaim, initialWabaClaimState, type WabaClaimState } from './waba.state.js';

export const wabaClaimDecider: Decider<WabaClaimCommand, WabaClaimEvent, WabaClaimState> = {
  decide: decideWabaClaim,
  evolve: evolveWabaClaim,
  initialState: initialWabaClaimState,
};

export type * from './waba.commands.js';
export type * from './waba.events.js';
export type { WabaClaimState } from './waba.state.js';
