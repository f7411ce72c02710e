import { setMaxListeners } from 'node:events';
import type { Server } from '@grpc/grpc-js';
import { DEFAULT_MAX_APPEND_SIZE } from './append-size.js';
import { bindInsecure, createGrpcServer, type RpcName } from './grpc-server.js';
import { InMemoryLog } from './in-memory-log.js';
import type { ServerContext } from './server-context.js';
import { DEFAULT_SUBSCRIPTION_BEHAVIOUR, type SubscriptionBehaviour } from './subscriptions.js';
import { TcpRelay } from './tcp-relay.js';
import { type AppendFault, type AppendTarget, WriteFaults } from './write-faults.js';

export type { RpcName } from './grpc-server.js';
export type { AppendFault, AppendTarget } from './write-faults.js';

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
  /** 25.1's per-event limit (16 MiB there); undefined: none, as 23.10 (only the append's total counts). */
  readonly maxAppendEventSize?: number;
  /** The leader's memory of recent commits for `any`/`stream_exists` idempotency; default 8 MiB, as the real server. */
  readonly idempotencyWindowBytes?: number;
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

/** The version clients are told: 25.1 when its per-event limit is played, else the subscriptions' version. */
function reportedVersion({ maxAppendEventSize, subscriptions }: ServerContext): string {
  return maxAppendEventSize === undefined ? `${subscriptions.version}.0` : '25.1.0';
}
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

  readonly #context: ServerContext;
  readonly #clock: { skewMs: number };

  private constructor(
    grpcServer: Server,
    shuttingDown: AbortController,
    relay: TcpRelay,
    port: number,
    context: ServerContext,
    clock: { skewMs: number },
  ) {
    this.#context = context;
    this.#clock = clock;
    this.#grpcServer = grpcServer;
    this.#shuttingDown = shuttingDown;
    this.#relay = relay;
    this.#port = port;
  }

  static async start(options: InProcessServerOptions = {}): Promise<InProcessEventStoreDBServer> {
    const shuttingDown = new AbortController();
    // Every open call listens to it; dozens of concurrent subscriptions are normal here.
    setMaxListeners(0, shuttingDown.signal);
    const clock = { skewMs: 0 };
    const context: ServerContext = {
      log: new InMemoryLog(options.now, options.idempotencyWindowBytes),
      maxAppendSize: options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE,
      maxAppendEventSize: options.maxAppendEventSize,
      stopping: shuttingDown.signal,
      writes: { accepted: true },
      faults: new WriteFaults(),
      clock: () => Date.now() + clock.skewMs,
      subscriptions: { ...DEFAULT_SUBSCRIPTION_BEHAVIOUR, ...options.subscriptions },
    };
    const grpcServer = createGrpcServer(context, {
      advertiseBatchAppend: options.advertiseBatchAppend ?? true,
      onCall: options.onCall,
      maxConcurrentStreams: options.maxConcurrentStreams ?? KESTREL_MAX_STREAMS_PER_CONNECTION,
      serverVersion: reportedVersion(context),
    });
    const relay = new TcpRelay({ host: HOST, port: await bindInsecure(grpcServer, HOST, 0) });
    const port = await relay.listen(HOST, options.port ?? 0);
    return new InProcessEventStoreDBServer(grpcServer, shuttingDown, relay, port, context, clock);
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
    this.#context.writes.accepted = false;
  }

  /** Appends are taken again. */
  electLeader(): void {
    this.#context.writes.accepted = true;
  }

  /** A node still starting: every append is refused "Server Is Not Ready" until `ready()`; reads go on. */
  notReady(): void {
    this.#context.faults.setNotReady(true);
  }

  ready(): void {
    this.#context.faults.setNotReady(false);
  }

  /** The next appends meet these faults, one each, in order; later appends are normal again. */
  injectAppendFaults(...faults: AppendFault[]): void {
    this.#context.faults.inject(faults);
  }

  /** As injectAppendFaults, for appends to the streams `target` accepts only (others pass untouched). */
  injectAppendFaultsFor(target: AppendTarget, ...faults: AppendFault[]): void {
    this.#context.faults.inject(faults, target);
  }

  /**
   * An election: the next `refusedAppends` appends are answered "No leader info available"
   * (the window), then the new leader takes writes. Its memory of recent commits starts empty.
   */
  changeLeader(refusedAppends: number): void {
    this.#context.faults.inject(Array.from({ length: refusedAppends }, () => 'no-leader' as const));
    this.#context.log.forgetRecentCommits();
  }

  /** Ready, no injected faults left, the clock back in step. */
  clearFaults(): void {
    this.#context.faults.clear();
    this.#clock.skewMs = 0;
  }

  /** Injected faults not yet met by an append. */
  get pendingAppendFaults(): number {
    return this.#context.faults.pending;
  }

  /** The server's clock runs `ms` ahead of the client's (negative: behind). */
  skewClock(ms: number): void {
    this.#clock.skewMs = ms;
  }

  /** stop() then start(): same port, same data, and the memory of recent commits is empty. */
  async restart(): Promise<void> {
    await this.stop();
    this.#context.log.forgetRecentCommits();
    await this.start();
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
