import { handleCommand, type Causation } from '@helpdesk/command-handling';
import { viewSlotsDecider, viewSlotsStreamName, type CommandContext, type ViewSlotCommand } from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import { contextFrom, type CommandOrigin } from '../shared/command-origin.js';

/** One request may reserve and release in the same slots stream: each step gets its own idempotency key. */
function stepContext(origin: CommandOrigin, now: Date, step: 'reserve' | 'release'): CommandContext {
  return contextFrom(
    { ...origin, idempotencyKey: origin.idempotencyKey && `${origin.idempotencyKey}:view-slot-${step}` },
    now,
  );
}

/**
 * Takes a slot in the portal's view slots stream: its expected revision settles two creations
 * racing for the last slot (the loser re-decides on the winner's event and is refused
 * VIEW_LIMIT_REACHED). True when this call took it, false when the view already held one.
 */
export async function reserveViewSlot(
  store: EventStore,
  origin: CommandOrigin,
  now: Date,
  causation: Causation,
  viewId: string,
  creatorId: string,
): Promise<boolean> {
  const command: ViewSlotCommand = {
    type: 'ReserveViewSlot',
    data: { viewId, creatorId },
    context: stepContext(origin, now, 'reserve'),
  };
  const { events } = await handleCommand(store, viewSlotsStreamName(origin.portalId), viewSlotsDecider, command, {
    causation,
  });
  return events.length > 0;
}

/** A no-op for a view holding no slot, so repeating a deletion after a crash frees the slot it missed. */
export async function releaseViewSlot(
  store: EventStore,
  origin: CommandOrigin,
  now: Date,
  causation: Causation,
  viewId: string,
): Promise<void> {
  const command: ViewSlotCommand = {
    type: 'ReleaseViewSlot',
    data: { viewId },
    context: stepContext(origin, now, 'release'),
  };
  await handleCommand(store, viewSlotsStreamName(origin.portalId), viewSlotsDecider, command, { causation });
}
