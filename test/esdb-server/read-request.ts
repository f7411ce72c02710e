import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { ReadReq } from '@eventstore/db-client/generated/streams_pb.js';
import { checkpointIntervalOf, eventFilterOf, searchWindowOf, type EventFilter } from './event-filter.js';
import type { TfPosition } from './in-memory-log.js';
import { streamNameOf, type UuidFormat } from './proto-mapping.js';

export type Direction = 'forwards' | 'backwards';
/** A stream revision, or one of the two ends. */
export type ReadFrom = 'start' | 'end' | number;
/** A `$all` position as sent (prepare may differ from commit), or one of the two ends. */
export type AllFrom = 'start' | 'end' | TfPosition;

/** A ReadReq, validated and reduced to the four things the Read RPC can be asked to do. */
export type ReadRequest =
  | {
      readonly kind: 'read-stream';
      readonly streamName: string;
      readonly from: ReadFrom;
      readonly direction: Direction;
      readonly maxCount: number;
      readonly uuidFormat: UuidFormat;
    }
  | {
      readonly kind: 'read-all';
      readonly from: AllFrom;
      readonly direction: Direction;
      readonly maxCount: number;
      readonly filter: EventFilter | undefined;
      readonly uuidFormat: UuidFormat;
    }
  | {
      readonly kind: 'subscribe-stream';
      readonly streamName: string;
      readonly from: ReadFrom;
      readonly uuidFormat: UuidFormat;
    }
  | {
      readonly kind: 'subscribe-all';
      readonly from: AllFrom;
      readonly filter:
        | { readonly filter: EventFilter; readonly searchWindow: number; readonly checkpointInterval: number }
        | undefined;
      readonly uuidFormat: UuidFormat;
    };

const { StreamOptionCase, CountOptionCase, FilterOptionCase, ReadDirection } = streamsPb.ReadReq.Options;

/** Returns an error message for combinations the real server rejects as invalid arguments. */
export function parseReadRequest(request: ReadReq): ReadRequest | string {
  const options = request.getOptions();
  if (!options) return '`options` is a required argument';
  if (!options.hasUuidOption()) return '`uuidOption` is a required argument';
  const uuidFormat: UuidFormat = options.getUuidOption()?.hasStructured() ? 'structured' : 'string';
  const direction: Direction = options.getReadDirection() === ReadDirection.BACKWARDS ? 'backwards' : 'forwards';
  const subscribing = options.getCountOptionCase() === CountOptionCase.SUBSCRIPTION;
  const filterOptions = options.getFilterOptionCase() === FilterOptionCase.FILTER ? options.getFilter() : undefined;
  const combination = [
    options.getStreamOptionCase(),
    options.getCountOptionCase(),
    direction,
    options.getFilterOptionCase(),
  ];
  const invalid = `The combination of (${combination.join(', ')}) is invalid.`;
  if (subscribing && direction === 'backwards') return invalid;
  if (!subscribing && options.getCountOptionCase() !== CountOptionCase.COUNT) return invalid;

  switch (options.getStreamOptionCase()) {
    case StreamOptionCase.STREAM: {
      const stream = options.getStream();
      if (!stream || filterOptions) return invalid;
      const streamName = streamNameOf(stream.getStreamIdentifier());
      const from: ReadFrom = stream.hasRevision() ? Number(stream.getRevision()) : stream.hasEnd() ? 'end' : 'start';
      return subscribing
        ? { kind: 'subscribe-stream', streamName, from, uuidFormat }
        : { kind: 'read-stream', streamName, from, direction, maxCount: Number(options.getCount()), uuidFormat };
    }
    case StreamOptionCase.ALL: {
      const all = options.getAll();
      if (!all) return invalid;
      const position = all.getPosition();
      // Both halves count: the real server compares (commit, prepare) pairs, and checkpoints of
      // filtered subscriptions carry prepare 0.
      const from: AllFrom = position
        ? { commit: Number(position.getCommitPosition()), prepare: Number(position.getPreparePosition()) }
        : all.hasEnd()
          ? 'end'
          : 'start';
      let filter: EventFilter | undefined;
      try {
        filter = filterOptions && eventFilterOf(filterOptions);
      } catch (error) {
        return `Invalid filter: ${(error as Error).message}`;
      }
      if (filterOptions && !filter) return `'${filterOptions.getFilterCase()}' is not a valid filter`;
      if (subscribing) {
        const checkpointed =
          filter && filterOptions
            ? {
                filter,
                searchWindow: searchWindowOf(filterOptions),
                checkpointInterval: checkpointIntervalOf(filterOptions),
              }
            : undefined;
        return { kind: 'subscribe-all', from, filter: checkpointed, uuidFormat };
      }
      return { kind: 'read-all', from, direction, maxCount: Number(options.getCount()), filter, uuidFormat };
    }
    default:
      return invalid;
  }
}
