import { conversationStreamName } from '@helpdesk/domain';
import { type EventStore, type Position, comparePositions } from '@helpdesk/event-store';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { ApiError } from '../graphql/api-error.js';
import { type CatchingUp, waitForReadModels } from '../graphql/read-your-writes.js';
import type { Published } from './live-deliveries.js';
import type { NotificationKind } from './notification-topics.js';
import { ANNOUNCED_EVENT_TYPES, notificationsOf } from './notifications-of-event.js';

/** A client further behind than this re-queries instead: replaying more would hold the feed for too long. */
export const MAX_MISSED_NOTIFICATIONS = 1_000;
const READ_MODELS_WAIT_MS = 5_000;
/** The read filters here (the client sends no filter on reads): bound the events it may scan. */
export const MAX_SCANNED_EVENTS = 100_000;

const replayTooLong = (): ApiError =>
  new ApiError(
    'REPLAY_TOO_LONG',
    `More than ${MAX_MISSED_NOTIFICATIONS} events were missed: query the tickets again and subscribe without afterPosition`,
    { max: MAX_MISSED_NOTIFICATIONS },
  );

export interface MissedScope {
  readonly kind: NotificationKind;
  readonly portalId: string;
  readonly conversationId?: string;
}

/**
 * What a subscriber that reconnects missed since `after` (the position of the last notification
 * it received), up to now, in log order: the same notifications the live feed sent, built from
 * the read models once they include the last missed event. Only the caller's portal (and
 * conversation, if asked) is read.
 */
export async function missedNotifications(
  store: EventStore,
  db: ReadDatabase,
  projections: CatchingUp,
  scope: MissedScope,
  after: Position,
): Promise<Published[]> {
  // A finite read, not a subscription: it ends at the log's end as it was when it began, so it
  // waits for no caught-up signal (servers before 23.10 send none) and holds no HTTP/2 stream of
  // the shared client open while the subscriber stays connected.
  const missed = [];
  let scanned = 0;
  for await (const event of store.readAll({ fromPosition: after })) {
    if (comparePositions(event.position, after) <= 0) continue;
    if (++scanned > MAX_SCANNED_EVENTS) throw replayTooLong();
    if (!ANNOUNCED_EVENT_TYPES.has(event.type)) continue;
    if (event.metadata.tenantId !== scope.portalId) continue;
    if (scope.conversationId && event.streamName !== conversationStreamName(scope.conversationId)) continue;
    missed.push(event);
    if (missed.length > MAX_MISSED_NOTIFICATIONS) throw replayTooLong();
  }
  if (missed.length === 0) return [];
  await waitForReadModels(projections, missed[missed.length - 1].position, READ_MODELS_WAIT_MS);
  const published: Published[] = [];
  for (const event of missed) {
    for (const notification of await notificationsOf(event, db, true)) {
      if (notification.kind !== scope.kind || notification.portalId !== scope.portalId) continue;
      published.push({ portalId: notification.portalId, [notification.kind]: notification.body });
    }
  }
  return published;
}
