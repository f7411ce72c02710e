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

export class WriteFaults {
  #notReady = false;
  readonly #queued: AppendFault[] = [];

  /** Every append answered "not ready" until `ready()`. */
  setNotReady(notReady: boolean): void {
    this.#notReady = notReady;
  }

  /** The next appends (Append or BatchAppend), one fault each, in order. */
  inject(faults: readonly AppendFault[]): void {
    this.#queued.push(...faults);
  }

  /** The fault for the append being committed now, if any. */
  take(): AppendFault | undefined {
    if (this.#notReady) return 'not-ready';
    return this.#queued.shift();
  }

  clear(): void {
    this.#notReady = false;
    this.#queued.length = 0;
  }

  get pending(): number {
    return this.#queued.length;
  }
}
