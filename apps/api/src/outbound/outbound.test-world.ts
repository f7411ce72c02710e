import { Logger } from '@nestjs/common';
import { conversationStreamName } from '@helpdesk/domain';
import type { EventStore, RecordedEvent } from '@helpdesk/event-store';
import type { MediaStore } from '@helpdesk/media-store';
import { FakeGraphApi } from '@helpdesk/fake-graph-api';
import type { Timers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import {
  HOUR,
  type TestClock,
  type World,
  agent,
  conversationOf,
  inboundMessage,
  later,
  openWorld,
  template,
} from '@helpdesk/commands/conversation/conversation.test-world.js';
import { ReplyToContactCommand } from '@helpdesk/commands/conversation/reply-to-contact.handler.js';
import { SendTemplateCommand } from '@helpdesk/commands/conversation/send-template.handler.js';
import { type GraphApi, HttpGraphApi } from './graph-api-client.js';
import type { DispatcherSettings } from './dispatcher-settings.js';
import { OutboundDispatcher } from './outbound-dispatcher.js';

// Warnings and errors only: "delivery is on" at every start is noise in a test run.
Logger.overrideLogger(['error', 'warn']);

export const ACCESS_TOKEN = 'test-access-token';
export const firstMessageAt = '2025-03-10T09:00:00.000Z';
export const contacts = [
  '+33612345678',
  '+33612345679',
  '+33612345680',
  '+33612345681',
  '+33612345682',
  '+33612345683',
];

/**
 * Timers on virtual time: a wait fires on the next turn of the event loop and moves the test clock
 * to its due time. Retries and backoff run at once, and every delay asked for is kept. With
 * `advance` false the clock stays put: a wait only re-checks, as a wait in real time would for a
 * call that takes milliseconds.
 */
export class VirtualTimers implements Timers {
  readonly delays: number[] = [];
  private readonly pending = new Map<number, NodeJS.Immediate>();
  private handles = 0;

  constructor(
    private readonly clock: TestClock,
    private readonly advance = true,
  ) {}

  setTimeout(callback: () => void, delayMs: number): number {
    const handle = ++this.handles;
    const due = this.clock.now().getTime() + delayMs;
    this.delays.push(delayMs);
    this.pending.set(
      handle,
      setImmediate(() => {
        this.pending.delete(handle);
        if (this.advance && this.clock.now().getTime() < due) this.clock.set(new Date(due).toISOString());
        callback();
      }),
    );
    return handle;
  }

  clearTimeout(handle: unknown): void {
    clearImmediate(this.pending.get(handle as number));
    this.pending.delete(handle as number);
  }
}

export interface DispatcherOptions {
  readonly graph?: GraphApi | null;
  readonly random?: () => number;
  readonly store?: EventStore;
  readonly timers?: Timers;
  readonly settings?: Partial<DispatcherSettings>;
  readonly media?: MediaStore;
}

/** The conversation world (portal, number, template, contacts who wrote an hour ago) plus a fake Graph API. */
export async function openOutboundWorld() {
  const world: World = await openWorld({ connectedAt: '2025-03-01T08:00:00.000Z' });
  for (const [index, phone] of contacts.entries()) {
    world.clock.set(firstMessageAt);
    await world.receive(inboundMessage(`wamid.in-${index}`, firstMessageAt, phone));
  }
  world.clock.set(later(firstMessageAt, HOUR));
  const graph = await FakeGraphApi.start({ accessToken: ACCESS_TOKEN });
  const timers = new VirtualTimers(world.clock);
  const running: OutboundDispatcher[] = [];

  return {
    world,
    graph,
    timers,
    /** Meta's API over real HTTP, to the fake. */
    client(timeoutMs?: number): HttpGraphApi {
      return new HttpGraphApi({ apiUrl: graph.url, accessToken: ACCESS_TOKEN, ...(timeoutMs && { timeoutMs }) });
    },
    startDispatcher(options: DispatcherOptions = {}): OutboundDispatcher {
      const dispatcher = new OutboundDispatcher({
        store: options.store ?? world.store,
        graph: options.graph === undefined ? this.client() : options.graph,
        clock: world.clock,
        timers: options.timers ?? timers,
        random: options.random ?? (() => 0.5),
        settings: options.settings,
        media: options.media,
      });
      running.push(dispatcher);
      dispatcher.start();
      return dispatcher;
    },
    reply(body: string, phone = contacts[0]) {
      return world.replies.execute(new ReplyToContactCommand(agent(), conversationOf(phone), { kind: 'text', body }));
    },
    sendTemplate(parameters: readonly string[], phone = contacts[0]) {
      const request = { ...template, parameters: { body: parameters } };
      return world.templates.execute(new SendTemplateCommand(agent(), conversationOf(phone), request));
    },
    /** The conversation's events about one message, in order. */
    async eventsOf(messageId: string, phone = contacts[0], store: EventStore = world.store): Promise<RecordedEvent[]> {
      const events: RecordedEvent[] = [];
      for await (const event of store.readStream(conversationStreamName(conversationOf(phone)))) {
        if ((event.data as { messageId?: string }).messageId === messageId) events.push(event);
      }
      return events;
    },
    async typesOf(messageId: string, phone = contacts[0]): Promise<string[]> {
      return (await this.eventsOf(messageId, phone)).map((event) => event.type);
    },
    async close(): Promise<void> {
      await Promise.all(running.map((dispatcher) => dispatcher.stop()));
      await graph.close();
      await world.close();
    },
  };
}

export type OutboundWorld = Awaited<ReturnType<typeof openOutboundWorld>>;

/** Random numbers in turn, for jitter the test chooses. */
export function sequence(...values: number[]): () => number {
  let next = 0;
  return () => values[next++ % values.length];
}
