import { randomUUID } from 'node:crypto';
import { type EventStore, type Position, StreamNotFoundError } from '@helpdesk/event-store';

export const CHECKPOINT_STREAM = 'outbound-dispatcher-checkpoint';
const CHECKPOINT_EVENT = 'OutboundDispatcherCheckpointed';
/** Only the last checkpoint is ever read; a few more stay for whoever investigates. */
const KEPT_CHECKPOINTS = 10;

interface CheckpointData {
  readonly commit: string;
  readonly prepare: string;
}

/**
 * Where the dispatcher resumes after a restart. Only an optimisation: correctness comes from each
 * message's state in its conversation stream, so an old checkpoint just means more to re-read.
 */
export class DispatcherCheckpoint {
  private written: Position | null = null;
  private historyLimited = false;

  constructor(private readonly store: EventStore) {}

  async read(): Promise<Position | null> {
    try {
      for await (const event of this.store.readStream(CHECKPOINT_STREAM, { direction: 'backwards', maxCount: 1 })) {
        const { commit, prepare } = event.data as CheckpointData;
        this.written = { commit: BigInt(commit), prepare: BigInt(prepare) };
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return this.written;
  }

  async write(position: Position): Promise<void> {
    if (this.written && this.written.commit === position.commit && this.written.prepare === position.prepare) return;
    const data: CheckpointData = { commit: position.commit.toString(), prepare: position.prepare.toString() };
    await this.store.append(CHECKPOINT_STREAM, [{ id: randomUUID(), type: CHECKPOINT_EVENT, data }], 'any');
    this.written = position;
    await this.limitHistory();
  }

  private async limitHistory(): Promise<void> {
    if (this.historyLimited) return;
    const current = await this.store.getStreamMetadata(CHECKPOINT_STREAM);
    if (current?.metadata.maxCount !== KEPT_CHECKPOINTS) {
      await this.store.setStreamMetadata(CHECKPOINT_STREAM, { ...current?.metadata, maxCount: KEPT_CHECKPOINTS });
    }
    this.historyLimited = true;
  }
}
