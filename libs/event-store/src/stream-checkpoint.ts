import { randomUUID } from 'node:crypto';
import { EventStore, Position, StreamNotFoundError } from './port/index.js';

interface Checkpointed {
  readonly commit: string;
  readonly prepare: string;
}

/**
 * Where a follower of `$all` resumes: the last event of a small stream of its own (the store
 * keeps only the last few, by `maxCount`). Keep the stream out of the follower's own filter.
 */
export class StreamCheckpoint {
  private written: Position | null = null;
  private historyLimited = false;

  constructor(
    private readonly store: EventStore,
    readonly streamName: string,
    private readonly eventType: string,
    private readonly keepLast = 10,
  ) {}

  async read(): Promise<Position | null> {
    try {
      for await (const event of this.store.readStream(this.streamName, { direction: 'backwards', maxCount: 1 })) {
        const { commit, prepare } = event.data as Checkpointed;
        this.written = { commit: BigInt(commit), prepare: BigInt(prepare) };
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return this.written;
  }

  async write(position: Position): Promise<void> {
    if (this.written && this.written.commit === position.commit && this.written.prepare === position.prepare) return;
    const data: Checkpointed = { commit: position.commit.toString(), prepare: position.prepare.toString() };
    await this.store.append(this.streamName, [{ id: randomUUID(), type: this.eventType, data }], 'any');
    this.written = position;
    await this.limitHistory();
  }

  /** Once per process: cheap, and it repairs a limit whose first write was lost. */
  private async limitHistory(): Promise<void> {
    if (this.historyLimited) return;
    const current = await this.store.getStreamMetadata(this.streamName);
    if (current?.metadata.maxCount !== this.keepLast) {
      await this.store.setStreamMetadata(this.streamName, { ...current?.metadata, maxCount: this.keepLast });
    }
    this.historyLimited = true;
  }
}
