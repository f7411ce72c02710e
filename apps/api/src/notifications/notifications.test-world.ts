import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@helpdesk/config';
import { type Role, mintAccessToken } from '@helpdesk/auth';
import { ConnectAccountCommand } from '@helpdesk/commands/channel/connect-account.handler.js';
import { TestClock } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { ReceiveInboundMessageCommand } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import { createApp } from '../create-app.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { RegisterPortalCommand } from '@helpdesk/commands/portal/register-portal.handler.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import { Subscriber } from './subscriber.test-world.js';

export const SECRET = 'e2e-secret-that-is-long-enough-for-hs256';
export const RECEIVED_AT = '2024-11-05T09:00:00.000Z';
/** Two portals, each with its own WhatsApp number. */
export const NUMBERS = { acme: '106540352242922', globex: '206540352242933' } as const;
export type PortalName = keyof typeof NUMBERS;

/** The booted API (real HTTP and WebSocket) with two portals; `env` adds variables (PROJECTIONS=off, ...). */
export async function openNotificationsWorld(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'notifications-e2e-'));
  const clock = new TestClock(new Date('2024-11-05T08:00:00.000Z'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    AUTH_JWT_SECRET: SECRET,
    ...env,
  });
  const app: NestFastifyApplication = await createApp(config, { clock });
  await app.listen(0, '127.0.0.1');
  const url = `${await app.getUrl()}/graphql`;
  const bus = app.get(CommandBus);
  for (const portalId of Object.keys(NUMBERS) as PortalName[]) await seedPortal(bus, portalId);
  clock.set(RECEIVED_AT);
  const subscribers: Subscriber[] = [];

  return {
    app,
    clock,
    bus,
    url,
    token(portalId: PortalName, roles: Role[] = ['agent'], expiresInSeconds = 3600): string {
      return mintAccessToken({ portalId, userId: `${portalId}-agent`, roles, expiresInSeconds }, SECRET, clock.now());
    },
    subscriber(token?: string): Subscriber {
      const subscriber = new Subscriber(url, token);
      subscribers.push(subscriber);
      return subscriber;
    },
    /** Resolves once the server has registered `count` subscriptions of this kind in all (they receive from then on). */
    async subscriptionsStarted(
      kind: 'messageReceived' | 'ticketChanged' | 'messageDeliveryChanged',
      count: number,
    ): Promise<void> {
      const started = app.get(MetricsRegistry).counter('graphql_subscriptions_started_total', '', ['subscription']);
      while (started.get({ subscription: kind }) < count) await new Promise((resolve) => setImmediate(resolve));
    },
    async graphql(query: string, variables: Record<string, unknown>, token: string) {
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });

      return {
        status: response.status,
        ...((await response.json()) as {
          data?: Record<string, any>;
          errors?: { message: string; extensions?: Record<string, unknown> }[];
        }),
      };
    },
    /** A contact's WhatsApp message to the portal's number. */
    receive(portalId: PortalName, wamid: string, from = '+33612345678', body = `Hello (${wamid})`) {
      const message = {
        phoneNumberId: NUMBERS[portalId],
        wamid,
        from,
        sentAt: clock.now().toISOString(),
        content: { kind: 'text' as const, body },
      };
      return bus.execute(new ReceiveInboundMessageCommand(message));
    },
    async close(): Promise<void> {
      await Promise.all(subscribers.map((subscriber) => subscriber.close()));
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type NotificationsWorld = Awaited<ReturnType<typeof openNotificationsWorld>>;

async function seedPortal(bus: CommandBus, portalId: PortalName): Promise<void> {
  const admin: CommandOrigin = { portalId, actor: { kind: 'user', id: 'admin-1' } };
  await bus.execute(
    new RegisterPortalCommand(admin, { name: portalId, timeZone: 'Europe/Paris', subscriptionStartedOn: '2024-01-15' }),
  );
  const phoneNumbers = [
    { phoneNumberId: NUMBERS[portalId], displayNumber: portalId === 'acme' ? '+15550001111' : '+15550002222' },
  ];
  await bus.execute(
    new ConnectAccountCommand(admin, {
      ...{ accountId: `${portalId}-account`, wabaId: `${portalId}-waba`, name: portalId, timeZone: 'Europe/Paris' },
      ...{ accountType: 'business', businessVerified: true, phoneNumbers },
    }),
  );
}
