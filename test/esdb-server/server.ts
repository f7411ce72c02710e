import { setMaxListeners } from 'node:events';
import type { Server } from '@grpc/grpc-js';
import { DEFAULT_MAX_APPEND_SIZE } from './append-size.js';
import { bindInsecure, createGrpcServer, type RpcName } from './grpc-server.js';
import { InMemoryLog } from './in-memory-log.js';
import { DEFAULT_SUBSCRIPTION_BEHAVIOUR, type SubscriptionBehaviour } from './subscriptions.js';
import { TcpRelay } from './tcp-relay.js';

export type { RpcName } from './grpc-server.js';

export interface InProcessServerOptions {
  /** 0 or undefined: a free port chosen by the OS. */
  readonly port?: number;
  /** Default true, as a real server. False makes the client fall back to Streams.Append. */
  readonly advertiseBatchAppend?: boolean;
  /** Default 1 MiB, as a real server. */
  readonly maxAppendSize?: number;
  /** Test probe: told the name of every RPC as it starts (e.g. to see Append vs BatchAppend). */
  readonly onCall?: (method: RpcName) => void;
  /** Stamps each record's `created` (ms since the epoch); the system clock by default. Tests of as-of cuts drive it. */
  readonly now?: () => number;
  /**
   * The server version whose subscription behaviour is played (default '24.10', which KurrentDB
   * 25.x shares): '22.10' never sends caught_up, '22.10' and '23.10' abort a live consumer that falls
   * `liveBufferSize` (default 32) events behind, '24.10' repeats caught_up after a fall-behind.
   */
  readonly subscriptions?: Partial<SubscriptionBehaviour>;
  /** HTTP/2 streams (calls) open at once per client connection; Kestrel's default is 100. */
  readonly maxConcurrentStreams?: number;
}

const HOST = '127.0.0.1';
/** Kestrel's Http2Limits.MaxStreamsPerConnection default, which the server does not change. */
const KESTREL_MAX_STREAMS_PER_CONNECTION = 100;

/**
 * One in-memory database served over gRPC. The gRPC server listens on a private port for the
 * whole life of the object; the public port is a TCP relay in front of it, so stop() and
 * start() can drop and restore the port (same number, same data) the way a crash and a
 * restart of a real server look to clients.
 */
export class InProcessEventStoreDBServer {
  readonly #grpcServer: Server;
  readonly #shuttingDown: AbortController;
  readonly #relay: TcpRelay;
  #port: number;
  #shutDown = false;

  readonly #writes: { accepted: boolean };

  private constructor(
    grpcServer: Server,
    shuttingDown: AbortController,
    relay: TcpRelay,
    port: number,
    writes: { accepted: boolean },
  ) {
    this.#writes = writes;
    this.#grpcServer = grpcServer;
    this.#shuttingDown = shuttingDown;
    this.#relay = relay;
    this.#port = port;
  }

  static async start(options: InProcessServerOptions = {}): Promise<InProcessEventStoreDBServer> {
    const shuttingDown = new AbortController();
    // Every open call listens to it; dozens of concurrent subscriptions are normal here.
    setMaxListeners(0, shuttingDown.signal);
    const context = {
      log: new InMemoryLog(options.now),
      maxAppendSize: options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE,
      stopping: shuttingDown.signal,
      writes: { accepted: true },
      subscriptions: { ...DEFAULT_SUBSCRIPTION_BEHAVIOUR, ...options.subscriptions },
    };
    const grpcServer = createGrpcServer(context, {
      advertiseBatchAppend: options.advertiseBatchAppend ?? true,
      onCall: options.onCall,
      maxConcurrentStreams: options.maxConcurrentStreams ?? KESTREL_MAX_STREAMS_PER_CONNECTION,
    });
    const relay = new TcpRelay({ host: HOST, port: await bindInsecure(grpcServer, HOST, 0) });
    const port = await relay.listen(HOST, options.port ?? 0);
    return new InProcessEventStoreDBServer(grpcServer, shuttingDown, relay, port, context.writes);
  }

  get port(): number {
    return this.#port;
  }

  get connectionString(): string {
    return `esdb://${HOST}:${this.#port}?tls=false`;
  }

  async start(): Promise<void> {
    if (this.#shutDown) throw new Error('The in-process EventStoreDB was shut down; start a new one.');
    if (!this.#relay.isListening) this.#port = await this.#relay.listen(HOST, this.#port);
  }

  /** Reads go on; every append is answered Timeout, as by a node of a cluster that lost its leader. */
  loseLeader(): void {
    this.#writes.accepted = false;
  }

  /** Appends are taken again. */
  electLeader(): void {
    this.#writes.accepted = true;
  }

  /** Closes the port and resets every connection; open calls fail with "Connection dropped". */
  async stop(): Promise<void> {
    await this.#relay.close();
  }

  async shutdown(): Promise<void> {
    this.#shutDown = true;
    await this.#relay.close();
    this.#shuttingDown.abort();
    this.#grpcServer.forceShutdown();
  }
}
