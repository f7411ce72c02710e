/**
 * The leader's memory of recent commits (IndexWriter's `_committedEvents`, a BoundedCache of
 * ESConsts.CommittedEventsMemCacheLimit = 8 MiB): the only place where an `any`/`stream_exists`
 * retry finds its event ids. Oldest entries fall out when it is full; a restart or a failover
 * starts it empty. Exact and `no_stream` retries don't need it: they compare ids at revisions.
 */
export const DEFAULT_IDEMPOTENCY_WINDOW_BYTES = 8 * 1024 * 1024;

interface Commit {
  readonly streamName: string;
  readonly revision: number;
  readonly bytes: number;
}

export class RecentCommits {
  readonly #byEventId = new Map<string, Commit>();
  #bytes = 0;

  constructor(private readonly capacityBytes: number = DEFAULT_IDEMPOTENCY_WINDOW_BYTES) {}

  remember(eventId: string, streamName: string, revision: number): void {
    // The real sizer: a Guid key, an int, a pointer and the stream name's UTF-16 characters.
    const bytes = 16 + 4 + 8 + 2 * streamName.length;
    this.#forget(eventId);
    this.#byEventId.set(eventId, { streamName, revision, bytes });
    this.#bytes += bytes;
    // Map iteration is insertion order: the first entries are the oldest.
    for (const oldest of this.#byEventId.keys()) {
      if (this.#bytes <= this.capacityBytes) break;
      this.#forget(oldest);
    }
  }

  /** The revision of `eventId` in `streamName`, if it is still remembered. */
  revisionOf(eventId: string, streamName: string): number | undefined {
    const commit = this.#byEventId.get(eventId);
    return commit?.streamName === streamName ? commit.revision : undefined;
  }

  /** A restart or a new leader: nothing is remembered. */
  clear(): void {
    this.#byEventId.clear();
    this.#bytes = 0;
  }

  #forget(eventId: string): void {
    const commit = this.#byEventId.get(eventId);
    if (!commit) return;
    this.#byEventId.delete(eventId);
    this.#bytes -= commit.bytes;
  }
}
