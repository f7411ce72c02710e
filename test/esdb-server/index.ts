import { InProcessEventStoreDBServer, type InProcessServerOptions } from './server.js';

export type { InProcessServerOptions, RpcName } from './server.js';

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
  /** Stops for good. */
  shutdown(): Promise<void>;
}

/** `port` 0 or undefined: a random free port. See {@link InProcessServerOptions} for the rest. */
export function startInProcessEventStoreDB(options?: InProcessServerOptions): Promise<InProcessEventStoreDB> {
  return InProcessEventStoreDBServer.start(options);
}
