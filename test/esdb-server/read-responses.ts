import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { TfPosition } from './in-memory-log.js';
import type { LogRecord } from './log-record.js';
import { readEventOf, streamIdentifierOf, type UuidFormat } from './proto-mapping.js';

/** The ReadResp messages the Read RPC sends, one builder each. */

export const eventResponse = (record: LogRecord, uuidFormat: UuidFormat): ReadResp =>
  new streamsPb.ReadResp().setEvent(readEventOf(record, uuidFormat));

export const streamNotFoundResponse = (streamName: string): ReadResp =>
  new streamsPb.ReadResp().setStreamNotFound(
    new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifierOf(streamName)),
  );

export const confirmationResponse = (subscriptionId: string): ReadResp =>
  new streamsPb.ReadResp().setConfirmation(
    new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(subscriptionId),
  );

export const caughtUpResponse = (): ReadResp => new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp());

/** Filtered subscriptions only; a page start's checkpoint has prepare 0, an event's has prepare = commit. */
export const checkpointResponse = (position: TfPosition): ReadResp =>
  new streamsPb.ReadResp().setCheckpoint(
    new streamsPb.ReadResp.Checkpoint()
      .setCommitPosition(String(position.commit))
      .setPreparePosition(String(position.prepare)),
  );
