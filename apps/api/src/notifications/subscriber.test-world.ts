import { createRequire } from 'node:module';
import { type Client, createClient } from 'graphql-ws';

// `ws` is already installed (Mercurius and @nestjs/graphql use it); Node 20 has no WebSocket of its own.
const WebSocket = createRequire(import.meta.url)('ws') as unknown;

export interface Delivery {
  readonly data?: Record<string, Record<string, unknown>> | null;
  readonly errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** One subscription as a client sees it: what arrived, and a way to wait for the next without sleeping. */
export class Subscription {
  readonly received: Delivery[] = [];
  /** The error that ended it, or 'complete'. */
  ended: unknown;
  private readonly watchers = new Set<() => void>();

  push(delivery: Delivery): void {
    this.received.push(delivery);
    this.wake();
  }

  end(outcome: unknown): void {
    this.ended = outcome;
    this.wake();
  }

  async whenReceived(count: number): Promise<Delivery[]> {
    while (this.received.length < count && this.ended === undefined) await this.changed();
    if (this.received.length < count)
      throw new Error(`subscription ended (${JSON.stringify(this.ended)}) after ${this.received.length} deliveries`);
    return this.received.slice(0, count);
  }

  async whenEnded(): Promise<unknown> {
    while (this.ended === undefined) await this.changed();
    return this.ended;
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.watchers.add(resolve));
  }

  private wake(): void {
    const watchers = [...this.watchers];
    this.watchers.clear();
    watchers.forEach((wake) => wake());
  }
}

/**
 * A real `graphql-ws` client (protocol graphql-transport-ws) over a real WebSocket, as a browser
 * help desk client would connect: the token in `connectionParams`.
 */
export class Subscriber {
  readonly client: Client;
  /** Why the server closed the socket, if it did. */
  closed: { code: number; reason: string } | undefined;

  constructor(url: string, token?: string) {
    this.client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: token === undefined ? {} : { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: false,
      on: { closed: (event) => (this.closed = event as { code: number; reason: string }) },
      onNonLazyError: () => undefined,
    });
  }

  /** Resolves once the server has accepted the connection (connection_ack). */
  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      const stopConnected = this.client.on('connected', () => (stopConnected(), stopClosed(), resolve()));
      const stopClosed = this.client.on('closed', (event) => (stopConnected(), stopClosed(), reject(event)));
    });
  }

  subscribe(query: string, variables: Record<string, unknown> = {}): Subscription {
    const subscription = new Subscription();
    this.client.subscribe(
      { query, variables },
      {
        next: (value) => subscription.push(value as Delivery),
        error: (error) => subscription.end(error),
        complete: () => subscription.end('complete'),
      },
    );
    return subscription;
  }

  close(): Promise<void> {
    return this.client.dispose() ?? Promise.resolve();
  }
}
