import type { Decider } from '../core/index.js';
import type { ContactCommand, ContactPhoneCommand } from './contact.commands.js';
import { decideContact, decideContactPhoneIndex } from './contact.decide.js';
import type { ContactEvent, ContactPhoneEvent } from './contact.events.js';
import {
  evolveContact,
  evolveContactPhoneIndex,
  initialContactPhoneIndexState,
  initialContactState,
  type ContactPhoneIndexState,
  type ContactState,
} from './contact.state.js';

export const contactDecider: Decider<ContactCommand, ContactEvent, ContactState> = {
  decide: decideContact,
  evolve: evolveContact,
  initialState: initialContactState,
};

export const contactPhoneIndexDecider: Decider<ContactPhoneCommand, ContactPhoneEvent, ContactPhoneIndexState> = {
  decide: decideContactPhoneIndex,
  evolve: evolveContactPhoneIndex,
  initialState: initialContactPhoneIndexState,
};

export type * from './contact.commands.js';
export type * from './contact.events.js';
export { contactPhoneNumbers, linkedContactIds } from './contact.state.js';
export type { ActiveContact, ContactPhoneIndexState, ContactPhoneLink, ContactState } from './contact.state.js';
