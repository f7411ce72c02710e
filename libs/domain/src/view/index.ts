import type { Decider } from '../core/index.js';
import type { ViewCommand } from './view.commands.js';
import { decideView } from './view.decide.js';
import type { ViewEvent } from './view.events.js';
import { evolveView, initialViewState, type ViewState } from './view.state.js';

export const viewDecider: Decider<ViewCommand, ViewEvent, ViewState> = {
  decide: decideView,
  evolve: evolveView,
  initialState: initialViewState,
};

export { DEFAULT_VIEWS, isDefaultViewId } from './default-views.js';
export type { DefaultView } from './default-views.js';
export { CONVERSATION_STATUSES, MESSAGE_DIRECTIONS, SOURCE_CHANNEL_TYPES, validViewFilters } from './view-filters.js';
export type { OwnerMatch, ViewFilter } from './view-filters.js';
export type * from './view.commands.js';
export type * from './view.events.js';
export type { ActiveView, ViewState } from './view.state.js';
export { VIEW_LIMITS, viewSlotsDecider } from './view-slots.js';
export type * from './view-slots.js';
