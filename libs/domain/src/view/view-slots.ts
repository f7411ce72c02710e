import {
  AppendOnlyMap,
  assertNever,
  refuse,
  type Decider,
  type DomainCommand,
  type DomainEvent,
} from '../core/index.js';

/**
 * How many custom views may exist at once. Every view a user can see is listed and counted by
 * `views`, so these bound what one request can cost; deleting a view frees its slot.
 */
export const VIEW_LIMITS = {
  /** Views one user created (whatever their sharing), still there. */
  perCreator: 50,
  /** Views of the whole portal, still there: with the 5 default views, `views` lists at most 505. */
  perPortal: 500,
} as const;

/** A view about to be created takes a slot first: refused at either limit. Taking it twice is a no-op. */
export type ReserveViewSlot = DomainCommand<'ReserveViewSlot', { viewId: string; creatorId: string }>;
/** Frees the slot of a deleted view, or of one whose creation failed. A no-op for a slot not taken. */
export type ReleaseViewSlot = DomainCommand<'ReleaseViewSlot', { viewId: string }>;
export type ViewSlotCommand = ReserveViewSlot | ReleaseViewSlot;

export type ViewSlotReserved = DomainEvent<'ViewSlotReserved', { viewId: string; portalId: string; creatorId: string }>;
export type ViewSlotReleased = DomainEvent<'ViewSlotReleased', { viewId: string }>;
export type ViewSlotEvent = ViewSlotReserved | ViewSlotReleased;

export type ViewSlotsState = Readonly<{
  /** Creator per view id holding a slot; null once released. */
  slots: AppendOnlyMap<string, string | null>;
  taken: number;
  takenBy: AppendOnlyMap<string, number>;
}>;

export const initialViewSlotsState: ViewSlotsState = {
  slots: AppendOnlyMap.empty(),
  taken: 0,
  takenBy: AppendOnlyMap.empty(),
};

export function decideViewSlots(command: ViewSlotCommand, state: ViewSlotsState): ViewSlotEvent[] {
  const { viewId } = command.data;
  switch (command.type) {
    case 'ReserveViewSlot': {
      if (state.slots.get(viewId)) return [];
      const { creatorId } = command.data;
      if (state.taken >= VIEW_LIMITS.perPortal) {
        refuse(
          'VIEW_LIMIT_REACHED',
          `The portal has ${VIEW_LIMITS.perPortal} custom views, the most it may have: delete one first`,
          {
            limit: VIEW_LIMITS.perPortal,
            scope: 'portal',
          },
        );
      }
      if ((state.takenBy.get(creatorId) ?? 0) >= VIEW_LIMITS.perCreator) {
        refuse(
          'VIEW_LIMIT_REACHED',
          `You have ${VIEW_LIMITS.perCreator} custom views, the most one user may have: delete one first`,
          {
            limit: VIEW_LIMITS.perCreator,
            scope: 'user',
          },
        );
      }
      return [{ type: 'ViewSlotReserved', data: { viewId, portalId: command.context.portalId, creatorId } }];
    }
    case 'ReleaseViewSlot':
      return state.slots.get(viewId) ? [{ type: 'ViewSlotReleased', data: { viewId } }] : [];
    default:
      return assertNever(command);
  }
}

export function evolveViewSlots(state: ViewSlotsState, event: ViewSlotEvent): ViewSlotsState {
  switch (event.type) {
    case 'ViewSlotReserved': {
      const { viewId, creatorId } = event.data;
      const takenBy = state.takenBy.set(creatorId, (state.takenBy.get(creatorId) ?? 0) + 1);
      return { slots: state.slots.set(viewId, creatorId), taken: state.taken + 1, takenBy };
    }
    case 'ViewSlotReleased': {
      const creatorId = state.slots.get(event.data.viewId);
      if (!creatorId) return state;
      const takenBy = state.takenBy.set(creatorId, (state.takenBy.get(creatorId) ?? 1) - 1);
      return { slots: state.slots.set(event.data.viewId, null), taken: state.taken - 1, takenBy };
    }
    default:
      return assertNever(event);
  }
}

export const viewSlotsDecider: Decider<ViewSlotCommand, ViewSlotEvent, ViewSlotsState> = {
  decide: decideViewSlots,
  evolve: evolveViewSlots,
  initialState: initialViewSlotsState,
};
