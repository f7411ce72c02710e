import { BACKWARDS, END, FORWARDS, type EventStoreDBClient, type StreamingRead } from '@eventstore/db-client';
import {
  Direction,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamNotFoundError,
  comparePositions,
} from '../port/index.js';
import { ClientStreamReader } from './client-stream-reader.js';
import { toPortError } from './map-errors.js';
import { toClientReadPosition, toClientReadRevision } from './map-positions.js';
import { ClientResolvedEvent, isSystemRecord, toRecordedEvent } from './map-recorded-event.js';

/**
 * Every read the adapter makes, as lazy async iterables of port events: nothing is sent until the
 * first pull, client errors become port errors, and the gRPC call is always cancelled at the end,
 * even when the consumer stops early.
 */
export class ClientReads {
  private readonly inFlight = new Set<ClientStreamReader<ClientResolvedEvent>>();

  constructor(
    private readonly client: EventStoreDBClient,
    /** Throws when the store is closed; checked at the first pull of every read. */
    private readonly assertOpen: () => void,
  ) {}

  readStream(streamName: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const direction = options.direction ?? 'forwards';
    const fromRevision = options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end');
    return this.readEvents(
      () =>
        this.client.readStream(streamName, {
          direction: toClientDirection(direction),
          fromRevision: toClientReadRevision(fromRevision),
          ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
        }),
      { streamName },
      () => true,
      undefined,
    );
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const direction = options.direction ?? 'forwards';
    const fromPosition = options.fromPosition ?? (direction === 'forwards' ? 'start' : 'end');
    if (direction === 'backwards' && typeof fromPosition === 'object') {
      return this.readAllBackwardsFrom(fromPosition, options.maxCount);
    }
    return this.readAllEvents(direction, fromPosition, options.maxCount, () => true);
  }

  /** The last event of a stream, `undefined` if it has none (missing or soft-deleted). */
  readLastEvent(streamName: string, reportedStreamName = streamName): Promise<RecordedEvent | undefined> {
    return this.readOneEvent(streamName, reportedStreamName, END);
  }

  /** The event at `revision`, `undefined` if it isn't readable (missing, deleted, truncated). */
  async readEventAt(
    streamName: string,
    revision: bigint,
    reportedStreamName = streamName,
  ): Promise<RecordedEvent | undefined> {
    const event = await this.readOneEvent(streamName, reportedStreamName, revision);
    return event?.revision === revision ? event : undefined;
  }

  /** Fails the reads in flight: once the client is disposed, a cancelled read may never end on its own. */
  failAll(error: unknown): void {
    for (const reader of this.inFlight) reader.fail(error);
  }

  /**
   * Client 6.2.1 sends no filter on `$all` reads (only subscriptions take one): system records are
   * dropped here, so the server's count can't be used and `maxCount` is enforced on what we yield.
   */
  private readAllEvents(
    direction: Direction,
    fromPosition: Position | 'start' | 'end',
    maxCount: number | undefined,
    alsoKeep: (event: RecordedEvent) => boolean,
  ): AsyncIterable<RecordedEvent> {
    return this.readEvents(
      () =>
        this.client.readAll({
          direction: toClientDirection(direction),
          fromPosition: toClientReadPosition(fromPosition),
        }),
      {},
      (event) => !isSystemRecord(event) && alsoKeep(event),
      maxCount,
    );
  }

  /**
   * EventStoreDB reads `$all` backwards from a *post*-position (the end of a record): starting at an
   * event's position skips that event. The port promises an inclusive start as forwards, so the
   * event at exactly that position is fetched with a one-event forwards read and handed over first.
   */
  private readAllBackwardsFrom(from: Position, maxCount: number | undefined): AsyncIterable<RecordedEvent> {
    // An async generator method of an object literal has its own `this`: it reaches the reader through this name.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const reads = this;
    return {
      async *[Symbol.asyncIterator]() {
        if (maxCount !== undefined && maxCount <= 0) return;
        let remaining = maxCount;
        const atOrAfterStart = reads.readEvents(
          () => reads.client.readAll({ direction: FORWARDS, fromPosition: toClientReadPosition(from), maxCount: 1 }),
          {},
          () => true,
          1,
        );
        for await (const event of atOrAfterStart) {
          if (comparePositions(event.position, from) === 0 && !isSystemRecord(event)) {
            yield event;
            if (remaining !== undefined && --remaining === 0) return;
          }
        }
        // Strictly before `from`, also on a server that would include the start position itself.
        yield* reads.readAllEvents(
          'backwards',
          backwardsReadStart(from),
          remaining,
          (event) => comparePositions(event.position, from) < 0,
        );
      },
    };
  }

  private async readOneEvent(
    streamName: string,
    reportedStreamName: string,
    fromRevision: bigint | typeof END,
  ): Promise<RecordedEvent | undefined> {
    try {
      for await (const event of this.readEvents(
        () => this.client.readStream(streamName, { direction: BACKWARDS, fromRevision, maxCount: 1 }),
        { streamName: reportedStreamName },
        () => true,
        1,
      )) {
        return event;
      }
      return undefined;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
  }

  /** Keeps only what `keep` accepts and stops after `maxYielded` of those. */
  private readEvents(
    startRead: () => StreamingRead<ClientResolvedEvent>,
    context: { streamName?: string },
    keep: (event: RecordedEvent) => boolean,
    maxYielded: number | undefined,
  ): AsyncIterable<RecordedEvent> {
    // An async generator method of an object literal has its own `this`: it reaches the reader through this name.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const reads = this;
    return {
      async *[Symbol.asyncIterator]() {
        reads.assertOpen();
        if (maxYielded !== undefined && maxYielded <= 0) return;
        let read: StreamingRead<ClientResolvedEvent>;
        try {
          read = startRead();
        } catch (error) {
          throw toPortError(error, context);
        }
        const reader = new ClientStreamReader<ClientResolvedEvent>(read);
        reads.inFlight.add(reader);
        let yielded = 0;
        try {
          for (;;) {
            let resolved: ClientResolvedEvent | undefined;
            try {
              resolved = await reader.next();
            } catch (error) {
              throw toPortError(error, context);
            }
            if (resolved === undefined) return;
            const event = toRecordedEvent(resolved);
            if (event === undefined || !keep(event)) continue;
            yield event;
            yielded += 1;
            if (maxYielded !== undefined && yielded >= maxYielded) return;
          }
        } finally {
          reads.inFlight.delete(reader);
          await cancelQuietly(read);
        }
      },
    };
  }
}

/**
 * The server reads backwards the records whose end (post-position) is at or before the request,
 * comparing (commit, prepare) pairs: from a filtered subscription's checkpoint `(X, 0)` it would
 * skip the event ending exactly at X, though that event lies before the checkpoint. Asking from
 * `(X, X)` returns every record ending at or before X, which is what "before `from`" means.
 */
function backwardsReadStart(from: Position): Position {
  return { commit: from.commit, prepare: from.commit };
}

/** Cancels a read's gRPC call (a no-op once it ended) and frees its buffers. Never throws. */
export async function cancelQuietly(read: StreamingRead<unknown>): Promise<void> {
  try {
    await read.cancel();
  } catch {
    // The gRPC call never started (e.g. no channel): there is nothing to cancel.
  }
  read.destroy();
}

function toClientDirection(direction: Direction): typeof FORWARDS | typeof BACKWARDS {
  return direction === 'forwards' ? FORWARDS : BACKWARDS;
}
