import { type EventStore, type Position, StreamNotFoundError } from '@helpdesk/event-store';
import { randomUUID } from 'node:crypto';

/**
 * Where the inbox processor stands in `$all`: the last event of a small stream (the store keeps
 * only the last few, by `maxCount`). Not under the inbox prefix, so the processor never sees it.
 */
export const CHECKPOINT_STREAM = 'whatsapp-processor-checkpoint';
const CHECKPOINT_EVENT = 'InboxProcessorCheckpointed';
const KEEP_LAST = 10;

interface Checkpointed {
  readonly commit: string;
  readonly prepare: string;
}

export async function loadCheckpoint(store: EventStore): Promise<Position | null> {
  try {
    for await (const event of store.readStream(CHECKPOINT_STREAM, { direction: 'backwards', maxCount: 1 })) {
      const { commit, prepare } = event.data as Checkpointed;
      return { commit: BigInt(commit), prepare: BigInt(prepare) };
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return null;
}

export async function saveCheckpoint(store: EventStore, position: Position): Promise<void> {
  const data: Checkpointed = { commit: position.commit.toString(), prepare: position.prepare.toString() };
  const { nextExpectedRevision } = await store.append(CHECKPOINT_STREAM, [{ id: randomUUID(), type: CHECKPOINT_EVENT, data }], 'any');
  // With the first checkpoint (the stream exists then), and now and again in case that write was lost.
  if (nextExpectedRevision % 1000n === 0n) await store.setStreamMetadata(CHECKPOINT_STREAM, { maxCount: KEEP_LAST });
}
