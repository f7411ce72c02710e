/**
 * The case "never twice" is about: the dispatcher process dies after Meta received the request and
 * before Meta's id is recorded. A real process is SIGKILLed by the fake Graph API the moment the
 * request arrives; the answer goes to a dead socket. After a restart the message is not sent again
 * and its delivery is marked unknown.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type SqliteEventStore, openSqliteEventStore } from '@helpdesk/event-store';
import { ACCESS_TOKEN, type OutboundWorld, openOutboundWorld } from './outbound.test-world.js';

const CHILD = fileURLToPath(new URL('outbound-crash.child.cjs', import.meta.url));

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

function runDispatcherProcess(outbound: OutboundWorld): { child: ChildProcess; exited: Promise<Exit> } {
  const now = outbound.world.clock.now().toISOString();
  const child = spawn(process.execPath, [CHILD, outbound.world.dataDir, outbound.graph.url, ACCESS_TOKEN, now], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, output })));
  return { child, exited };
}

describe('A dispatcher that dies between the call to Meta and recording the answer', () => {
  let outbound: OutboundWorld;
  let reopened: SqliteEventStore | null = null;

  beforeEach(async () => {
    outbound = await openOutboundWorld();
  });

  afterEach(async () => {
    await outbound.close();
    await reopened?.close();
  });

  it('is not sent again after a restart, and its delivery is marked unknown', async () => {
    const { messageId } = await outbound.reply('Your order shipped');
    await outbound.world.store.close();

    const { child, exited } = runDispatcherProcess(outbound);
    const received = new Promise<void>((resolve) =>
      outbound.graph.script(async () => {
        child.kill('SIGKILL');
        await exited;
        resolve();
        return { kind: 'accept' };
      }),
    );
    await Promise.race([
      received,
      exited.then(({ output }) => Promise.reject(new Error(`The dispatcher exited first:\n${output}`))),
    ]);
    expect(await exited).toMatchObject({ signal: 'SIGKILL' });

    reopened = openSqliteEventStore({ dataDir: outbound.world.dataDir });
    const typesNow = async () => (await outbound.eventsOf(messageId, undefined, reopened!)).map((event) => event.type);
    expect(await typesNow()).toEqual(['ReplyAccepted', 'OutboundSendAttempted']);

    const restarted = outbound.startDispatcher({ store: reopened });
    await restarted.whenIdle();
    await restarted.stop();
    const again = outbound.startDispatcher({ store: reopened });
    await again.whenIdle();

    expect(await typesNow()).toEqual(['ReplyAccepted', 'OutboundSendAttempted', 'OutboundDeliveryUnknown']);
    expect(outbound.graph.requestsFor(messageId)).toHaveLength(1);
    expect(outbound.graph.requests).toHaveLength(1);
  });
});
