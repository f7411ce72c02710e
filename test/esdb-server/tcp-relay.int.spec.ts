/**
 * The relay's abrupt close must really close every socket, whatever state its write side is in.
 * A socket whose shutdown is under way cannot be reset (libuv refuses, Node then never closes the
 * handle, and the test process spun at 100 % CPU on exit): it is destroyed instead.
 */
import { once } from 'node:events';
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';
import { closeAbruptly } from './tcp-relay.js';

let server: Server;
const accepted: Socket[] = [];
beforeEach(async () => {
  server = createServer((socket) => {
    socket.pause();
    accepted.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterEach(async () => {
  for (const socket of accepted.splice(0)) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

async function connected(): Promise<Socket> {
  const peer = once(server, 'connection');
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  socket.on('error', () => undefined);
  await Promise.all([once(socket, 'connect'), peer]);
  return socket;
}

it('a socket whose shutdown is under way is closed', async () => {
  const socket = await connected();
  socket.end();
  // end() asks libuv for the shutdown on the next tick; libuv performs it on its next poll. In
  // between, a reset is refused: the window the relay's close fell into.
  await new Promise((resolve) => process.nextTick(resolve));
  expect(socket.writableEnded).toBe(true);
  expect(socket.writableFinished).toBe(false);
  const closed = once(socket, 'close');
  closeAbruptly(socket);
  await closed;
  expect(socket.destroyed).toBe(true);
});

it('an open socket is reset: the peer sees ECONNRESET, not an orderly end', async () => {
  const socket = await connected();
  const peer = accepted.at(-1)!;
  const peerError = once(peer, 'error');
  peer.resume();
  const closed = once(socket, 'close');
  closeAbruptly(socket);
  await closed;
  const [error] = (await peerError) as [NodeJS.ErrnoException];
  expect(error.code).toBe('ECONNRESET');
});
