import type { InMemoryLog } from './in-memory-log.js';
import type { WriteFaults } from './write-faults.js';
import type { SubscriptionBehaviour } from './subscriptions.js';

/** What every RPC handler of one listening period of the server shares. */
export interface ServerContext {
  /** Outlives stop()/start(): the data stays while the port is closed. */
  readonly log: InMemoryLog;
  /** Largest total size of one append (data + metadata + 2 × type length), as the real server. */
  readonly maxAppendSize: number;
  /** Aborts when the server stops, so long-running calls stop waiting for new events. */
  readonly stopping: AbortSignal;
  /**
   * False while the node has no leader (`InProcessEventStoreDB.loseLeader()`): reads are served,
   * every append is answered Timeout, as a node answers a write it cannot get committed.
   */
  readonly writes: { accepted: boolean };
  /** Faults injected by tests (`notReady()`, `injectAppendFaults()`), taken as appends commit. */
  readonly faults: WriteFaults;
  /** 25.1's per-event limit (MaxAppendEventSize); undefined: no per-event check, as before 25.1. */
  readonly maxAppendEventSize: number | undefined;
  /** The server's own clock, for BatchAppend deadlines (which the client sends as absolute times). */
  readonly clock: () => number;
  /** `caught_up` and slow live consumers, as the chosen server version treats them. */
  readonly subscriptions: SubscriptionBehaviour;
}
