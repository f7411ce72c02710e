import type { ExpectedRevision } from './expected-revision.js';

/** What the write path needs to know about a stream to judge an expected revision. */
export interface StreamFacts {
  /** Last revision ever written (ignoring `$tb`), -1 when none; 'tombstoned' after a hard delete. */
  readonly lastRevision: number | 'tombstoned';
  readonly softDeleted: boolean;
  /** Whether the stream has metadata: `stream_exists` accepts a stream with only metadata. */
  readonly hasMetadata: boolean;
  /** Only within the leader's window of recent commits (see RecentCommits), as on the real server. */
  revisionOfEventId(eventId: string): number | undefined;
  eventAt(revision: number): { readonly id: string; readonly position: number } | undefined;
}

export type CommitDecision =
  /** Write at currentRevision + 1; `softDeleted` means the write re-creates the stream. */
  | { readonly kind: 'ok'; readonly currentRevision: number; readonly softDeleted: boolean }
  /** The same events were already written: report them again, write nothing. */
  | { readonly kind: 'idempotent'; readonly lastRevision: number; readonly position: number }
  | { readonly kind: 'wrong-expected-version'; readonly currentRevision: number }
  | { readonly kind: 'stream-deleted' };

/**
 * EventStoreDB's commit check (IndexWriter.CheckCommit), including idempotency by event id:
 * - `any`/`stream_exists`: if the first event id is still in the window of recent commits, all
 *   must be, and the write is idempotent (reported at the revision of the last of them); past the
 *   window (or after a restart) the same ids are written again;
 * - exact/`no_stream` below the current revision: idempotent if the events after the expected
 *   revision carry exactly these ids; a partial match is a wrong expected version;
 * - a soft-deleted stream accepts `no_stream` (it is re-created) but `stream_exists` is refused
 *   as deleted; a tombstoned stream refuses everything.
 */
export function checkCommit(
  stream: StreamFacts,
  expected: ExpectedRevision,
  eventIds: readonly string[],
): CommitDecision {
  if (stream.lastRevision === 'tombstoned') return { kind: 'stream-deleted' };
  const current = stream.lastRevision;
  const ok: CommitDecision = { kind: 'ok', currentRevision: current, softDeleted: stream.softDeleted };
  const wrongExpectedVersion: CommitDecision = { kind: 'wrong-expected-version', currentRevision: current };

  if (expected.kind === 'stream_exists') {
    if (stream.softDeleted) return { kind: 'stream-deleted' };
    if (current < 0 && !stream.hasMetadata) return wrongExpectedVersion;
  }

  if (expected.kind === 'any' || expected.kind === 'stream_exists') {
    return checkIdempotencyById(stream, eventIds) ?? ok;
  }

  const expectedRevision = expected.kind === 'no_stream' ? -1 : expected.revision;
  if (expectedRevision > current) return wrongExpectedVersion;
  if (expectedRevision === current) return ok;
  return (
    checkIdempotencyAfter(stream, expectedRevision, eventIds, expected.kind === 'no_stream') ?? wrongExpectedVersion
  );
}

function checkIdempotencyById(stream: StreamFacts, eventIds: readonly string[]): CommitDecision | undefined {
  if (eventIds.length === 0) return undefined;
  let lastRevision = -1;
  for (const [index, eventId] of eventIds.entries()) {
    const revision = stream.revisionOfEventId(eventId);
    if (revision === undefined) {
      return index === 0 ? undefined : { kind: 'wrong-expected-version', currentRevision: currentOf(stream) };
    }
    lastRevision = revision;
  }
  return idempotent(stream, lastRevision);
}

function checkIdempotencyAfter(
  stream: StreamFacts,
  expectedRevision: number,
  eventIds: readonly string[],
  expectsNoStream: boolean,
): CommitDecision | undefined {
  if (eventIds.length === 0) return undefined;
  for (const [index, eventId] of eventIds.entries()) {
    if (stream.eventAt(expectedRevision + 1 + index)?.id === eventId) continue;
    if (index === 0 && expectsNoStream && stream.softDeleted) {
      return { kind: 'ok', currentRevision: currentOf(stream), softDeleted: true };
    }
    return undefined;
  }
  return idempotent(stream, expectedRevision + eventIds.length);
}

function idempotent(stream: StreamFacts, lastRevision: number): CommitDecision {
  return { kind: 'idempotent', lastRevision, position: stream.eventAt(lastRevision)?.position ?? -1 };
}

const currentOf = (stream: StreamFacts): number => (stream.lastRevision === 'tombstoned' ? -1 : stream.lastRevision);
