import { SingleStreamName } from '@helpdesk/domain';
import { type EventStore, StreamCheckpoint } from '@helpdesk/event-store';

/** Where the inbox processor stands in `$all`; not under the inbox prefix, so it never sees it. */
export const CHECKPOINT_STREAM = SingleStreamName.inboxProcessorCheckpoint;

export function processorCheckpoint(store: EventStore): StreamCheckpoint {
  return new StreamCheckpoint(store, CHECKPOINT_STREAM, 'InboxProcessorCheckpointed');
}
