/**
 * How a real node answers an append it cannot (or cannot say it did) commit, one append at a time:
 * - `not-ready`: the node is starting (NotHandled NotReady: "Server Is Not Ready");
 * - `no-leader`: an election is under way (NotHandled NotLeader without leader info:
 *   "No leader info available in response");
 * - `commit-timeout-landed`: the write is in the log, the acknowledgement timed out (CommitTimeout);
 * - `commit-timeout-lost`: timed out and the write never made it (lost with a failed-over leader).
 * Sources: Streams.BatchAppend.cs (ConvertMessage), Streams.Append.cs (HandleWriteEventsCompleted),
 * RpcExceptions.cs (ServerNotReady, NoLeaderInfo, Timeout) in kurrent-io/KurrentDB.
 */
export type AppendFault = 'not-ready' | 'no-leader' | 'commit-timeout-landed' | 'commit-timeout-lost';

/** Which appends a fault waits for: all of them by default. */
export type AppendTarget = (streamName: string) => boolean;

export class WriteFaults {
  #notReady = false;
  readonly #queued: { fault: AppendFault; target: AppendTarget }[] = [];

  /** Every append answered "not ready" until `ready()`. */
  setNotReady(notReady: boolean): void {
    this.#notReady = notReady;
  }

  /** The next appends (Append or BatchAppend) to streams `target` accepts, one fault each, in order. */
  inject(faults: readonly AppendFault[], target: AppendTarget = () => true): void {
    this.#queued.push(...faults.map((fault) => ({ fault, target })));
  }

  /** The fault for the append to `streamName` being committed now, if any. */
  take(streamName: string): AppendFault | undefined {
    if (this.#notReady) return 'not-ready';
    const next = this.#queued[0];
    if (!next?.target(streamName)) return undefined;
    this.#queued.shift();
    return next.fault;
  }

  clear(): void {
    this.#notReady = false;
    this.#queued.length = 0;
  }

  get pending(): number {
    return this.#queued.length;
  }
}
