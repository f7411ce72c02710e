import type { Decider } from '../core/index.js';
import type { ChannelCommand } from './channel.commands.js';
import { decideChannel } from './channel.decide.js';
export { refuseUnknownAccount } from './channel.decide.js';
import type { ChannelEvent } from './channel.events.js';
import { evolveChannel, initialChannelState, type ChannelState } from './channel.state.js';

export const channelDecider: Decider<ChannelCommand, ChannelEvent, ChannelState> = {
  decide: decideChannel,
  evolve: evolveChannel,
  initialState: initialChannelState,
};

export type * from './channel.commands.js';
export type * from './channel.events.js';
export { MAX_PHONE_NUMBERS_PER_ACCOUNT, numberConnectedAt, phoneNumberOf } from './channel.state.js';
export type {
  ChannelPhoneNumber,
  ChannelState,
  ConnectedChannel,
  DisconnectedChannel,
  NeverConnectedChannel,
} from './channel.state.js';
