import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A port freed a moment ago may still be held by the OS; a restart retries for a while. */
const LISTEN_ATTEMPTS = 40;
const LISTEN_RETRY_MS = 50;

/**
 * The public port, relaying TCP to the gRPC server behind it. Closing the relay closes the
 * port and resets every client connection, which is what clients see when a server dies:
 * their calls fail with UNAVAILABLE "Connection dropped", then reconnecting is refused until
 * the relay listens again. The gRPC server and its data are untouched behind it.
 */
export class TcpRelay {
  readonly #target: { readonly host: string; readonly port: number };
  readonly #connections = new Set<Socket>();
  #listener: Server | undefined;

  constructor(target: { readonly host: string; readonly port: number }) {
    this.#target = target;
  }

  get isListening(): boolean {
    return this.#listener !== undefined;
  }

  /** Listens on `port` (0 = any free port) and returns the port. */
  async listen(host: string, port: number): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const listener = createServer((client) => this.#relay(client));
      try {
        await new Promise<void>((resolve, reject) => {
          listener.once('error', reject);
          listener.listen(port, host, () => resolve());
        });
        this.#listener = listener;
        const address = listener.address();
        if (address === null || typeof address === 'string') throw new Error('TCP relay has no port');
        return address.port;
      } catch (error) {
        const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (!inUse || port === 0 || attempt >= LISTEN_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, LISTEN_RETRY_MS));
      }
    }
  }

  /** Stops accepting, resets every open connection, resolves once the port is released. */
  async close(): Promise<void> {
    const listener = this.#listener;
    if (!listener) return;
    this.#listener = undefined;
    const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
    for (const socket of this.#connections) closeAbruptly(socket);
    this.#connections.clear();
    await closed;
  }

  #relay(client: Socket): void {
    const upstream = createConnection(this.#target);
    // gRPC sends many small frames; Nagle's algorithm would add tens of milliseconds to each.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.#connections.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.#connections.delete(from);
        to.destroy();
      });
    }
  }
}

/**
 * Resets the connection (RST), as a dying server's kernel does, unless the socket's shutdown is
 * under way (end() was called, 'finish' has not come): libuv refuses a reset then
 * (uv_tcp_close_reset: EINVAL), and Node 20-24 then marks the handle closing without closing it
 * (src/tcp_wrap.cc, TCPWrap::Reset sets state_ = kClosing whatever the result), so 'close' never
 * comes and the process spins at 100 % CPU in Environment::CleanupHandles when it exits. Such a
 * socket is ending anyway: a plain destroy() closes it.
 */
export function closeAbruptly(socket: Socket): void {
  if (socket.writableEnded && !socket.writableFinished) socket.destroy();
  else socket.resetAndDestroy();
}
