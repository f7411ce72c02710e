import {
  type AppendFault,
  type AppendTarget,
  InProcessEventStoreDBServer,
  type InProcessServerOptions,
} from './server.js';

export type { AppendFault, AppendTarget, InProcessServerOptions, RpcName } from './server.js';

/**
 * An EventStoreDB gRPC server in this process, for contract tests of code that uses the real
 * `@eventstore/db-client` over a real TCP connection. Data is kept in memory.
 */
export interface InProcessEventStoreDB {
  readonly port: number;
  /** `esdb://127.0.0.1:${port}?tls=false` */
  readonly connectionString: string;
  /** Closes the port and forcibly ends open calls (subscriptions see the connection drop); keeps the data. */
  stop(): Promise<void>;
  /** Listens again on the same port with the same data (to test reconnecting and resubscribing). */
  start(): Promise<void>;
  /** Reads go on; every append is answered Timeout, as by a node of a cluster that lost its leader. */
  loseLeader(): void;
  /** Appends are taken again. */
  electLeader(): void;
  /** Every append refused "Server Is Not Ready" (a starting node) until `ready()`; reads go on. */
  notReady(): void;
  ready(): void;
  /** The next appends meet these faults, one each, in order (see AppendFault). */
  injectAppendFaults(...faults: AppendFault[]): void;
  /** The same, for appends to the streams `target` accepts only (e.g. not the webhook inbox). */
  injectAppendFaultsFor(target: AppendTarget, ...faults: AppendFault[]): void;
  /** An election: `refusedAppends` appends answered "No leader info available", then writes resume; recent commits forgotten. */
  changeLeader(refusedAppends: number): void;
  readonly pendingAppendFaults: number;
  /** Ready, no injected faults left, the clock back in step. */
  clearFaults(): void;
  /** The server's clock runs `ms` ahead of the client's, for BatchAppend's absolute deadlines. */
  skewClock(ms: number): void;
  /** stop() and start(), forgetting recent commits (idempotency of `any`/`stream_exists` retries). */
  restart(): Promise<void>;
  /** Stops for good. */
  shutdown(): Promise<void>;
}

/** `port` 0 or undefined: a random free port. See {@link InProcessServerOptions} for the rest. */
export function startInProcessEventStoreDB(options?: InProcessServerOptions): Promise<InProcessEventStoreDB> {
  return InProcessEventStoreDBServer.start(options);
}
