import { SingleStreamName } from '@helpdesk/domain';
import { type EventStore, StreamCheckpoint } from '@helpdesk/event-store';

export const CHECKPOINT_STREAM = SingleStreamName.outboundDispatcherCheckpoint;

/**
 * Where the dispatcher resumes after a restart. Only an optimisation: correctness comes from each
 * message's state in its conversation stream, so an old checkpoint just means more to re-read.
 */
export function dispatcherCheckpoint(store: EventStore): StreamCheckpoint {
  return new StreamCheckpoint(store, CHECKPOINT_STREAM, 'OutboundDispatcherCheckpointed');
}
