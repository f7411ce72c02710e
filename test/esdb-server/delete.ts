import type { handleUnaryCall, ServerErrorResponse } from '@grpc/grpc-js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { DeleteReq, DeleteResp, TombstoneReq, TombstoneResp } from '@eventstore/db-client/generated/streams_pb.js';
import { legacyExpectedVersion, type ExpectedRevision } from './expected-revision.js';
import { invalidArgumentError, streamDeletedError, wrongExpectedVersionError } from './grpc-errors.js';
import type { DeleteOutcome } from './in-memory-log.js';
import { expectedRevisionOf, streamNameOf } from './proto-mapping.js';
import type { ServerContext } from './server-context.js';

/**
 * Streams.Delete (soft delete) and Streams.Tombstone (hard delete). Unlike appends, a wrong
 * expected version fails the call (with `exception: wrong-expected-version` trailers).
 */
export function handleDelete(context: ServerContext): handleUnaryCall<DeleteReq, DeleteResp> {
  return ({ request }, callback) => {
    const outcome = deleteWith(request.getOptions(), (stream, expected) => context.log.softDelete(stream, expected));
    if ('error' in outcome) return callback(outcome.error);
    const position = new streamsPb.DeleteResp.Position()
      .setCommitPosition(String(outcome.position))
      .setPreparePosition(String(outcome.position));
    callback(null, new streamsPb.DeleteResp().setPosition(position));
  };
}

export function handleTombstone(context: ServerContext): handleUnaryCall<TombstoneReq, TombstoneResp> {
  return ({ request }, callback) => {
    const outcome = deleteWith(request.getOptions(), (stream, expected) => context.log.tombstone(stream, expected));
    if ('error' in outcome) return callback(outcome.error);
    const position = new streamsPb.TombstoneResp.Position()
      .setCommitPosition(String(outcome.position))
      .setPreparePosition(String(outcome.position));
    callback(null, new streamsPb.TombstoneResp().setPosition(position));
  };
}

/** What DeleteReq.Options and TombstoneReq.Options have in common. */
interface DeleteOptions {
  getStreamIdentifier: DeleteReq.Options['getStreamIdentifier'];
  getExpectedStreamRevisionCase(): number;
  getRevision(): string;
}

type DeleteOperation = (streamName: string, expected: ExpectedRevision) => DeleteOutcome;

function deleteWith(
  options: DeleteOptions | undefined,
  operation: DeleteOperation,
): { readonly position: number } | { readonly error: ServerErrorResponse } {
  const expected = options && expectedRevisionOf(options.getExpectedStreamRevisionCase(), options.getRevision());
  if (!options || !expected) return { error: invalidArgumentError('A stream and an expected revision are required.') };
  const streamName = streamNameOf(options.getStreamIdentifier());
  const outcome = operation(streamName, expected);
  switch (outcome.kind) {
    case 'deleted':
      return { position: outcome.position };
    case 'stream-deleted':
      return { error: streamDeletedError(streamName) };
    case 'wrong-expected-version':
      return {
        error: wrongExpectedVersionError(streamName, legacyExpectedVersion(expected), outcome.currentRevision),
      };
  }
}
