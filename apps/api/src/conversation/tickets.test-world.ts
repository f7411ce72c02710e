import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CommandBus } from '@nestjs/cqrs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@helpdesk/config';
import { testToken } from '@helpdesk/auth/fixtures';
import type { AppOverrides } from '../app.module.js';
import { ConnectAccountCommand } from '@helpdesk/commands/channel/connect-account.handler.js';
import { TestClock } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { ReceiveInboundMessageCommand } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import { createApp } from '../create-app.js';
import { RegisterPortalCommand } from '@helpdesk/commands/portal/register-portal.handler.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import { ApproveTemplateCommand } from '@helpdesk/commands/template/approve-template.handler.js';
import { RegisterTemplateCommand } from '@helpdesk/commands/template/register-template.handler.js';

/** Two portals on one booted service; acme has a WhatsApp number, an approved template and a contact who wrote. */
export const SECRET = 'e2e-secret-that-is-long-enough-for-hs256';
export const CONNECTED_AT = '2024-11-05T08:00:00.000Z';
export const RECEIVED_AT = '2024-11-05T09:00:00.000Z';
export const acme = 'acme';
export const globex = 'globex';
export const phoneNumberId = '106540352242922';
export const contactPhone = '+33612345678';
export const template = { accountId: 'account-1', name: 'order_ready', language: 'en_US' };

export interface GraphqlAnswer {
  readonly status: number;
  readonly data: Record<string, unknown> | null;
  readonly errors?: {
    message: string;
    extensions?: { code?: string; fields?: { field: string }[] } & Record<string, unknown>;
  }[];
  readonly raw: string;
}

/** `overrides`: e.g. `eventStoreNow`, to stamp events at instants the test chooses; the world keeps its own clock. */
/** `extraEnv`: more configuration, e.g. AUTH_JWKS_URL. */
export async function openTicketsWorld(
  overrides: Omit<AppOverrides, 'clock'> = {},
  extraEnv: Readonly<Record<string, string>> = {},
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickets-e2e-'));
  const clock = new TestClock(new Date(CONNECTED_AT));
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test', AUTH_JWT_SECRET: SECRET, ...extraEnv };
  const app: NestFastifyApplication = await createApp(loadConfig(env), { ...overrides, clock });
  await app.listen(0, '127.0.0.1');
  const url = `${await app.getUrl()}/graphql`;
  const bus = app.get(CommandBus);
  await seedPortals(bus);

  return {
    app,
    dataDir,
    clock,
    bus,
    /** A token as `helpdesk mint-token` prints it. */
    async token(portal: string, roles: string, user = 'agent-1'): Promise<string> {
      return testToken({ portal, user, roles, team: 'support' }, SECRET);
    },
    async graphql(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphqlAnswer> {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      const raw = await response.text();
      return { status: response.status, raw, ...(JSON.parse(raw) as Omit<GraphqlAnswer, 'status' | 'raw'>) };
    },
    /** A contact's WhatsApp message to acme's number, at the clock's time. */
    receive(wamid: string, body = 'Where is my order?') {
      const message = {
        phoneNumberId,
        wamid,
        from: contactPhone,
        sentAt: clock.now().toISOString(),
        content: { kind: 'text' as const, body },
      };
      return bus.execute(new ReceiveInboundMessageCommand(message));
    },
    async close(): Promise<void> {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type TicketsWorld = Awaited<ReturnType<typeof openTicketsWorld>>;

/** The origin of the commands a world seeds on a portal's behalf. */
export const admin = (portalId: string): CommandOrigin => ({ portalId, actor: { kind: 'user', id: 'admin-1' } });

async function seedPortals(bus: CommandBus): Promise<void> {
  for (const portalId of [acme, globex]) {
    const portal = { name: portalId, timeZone: 'Europe/Paris', subscriptionStartedOn: '2024-01-15' };
    await bus.execute(new RegisterPortalCommand(admin(portalId), portal));
  }
  await bus.execute(
    new ConnectAccountCommand(admin(acme), {
      ...{ accountId: template.accountId, wabaId: 'waba-1', name: 'Acme support', timeZone: 'Europe/Paris' },
      ...{
        accountType: 'business',
        businessVerified: true,
        phoneNumbers: [{ phoneNumberId, displayNumber: '+15550001111' }],
      },
    }),
  );
  const body = 'Hi {{1}}, your order {{2}} is ready.';
  await bus.execute(new RegisterTemplateCommand(admin(acme), { ...template, category: 'utility', body }));
  await bus.execute(new ApproveTemplateCommand(admin(acme), template));
}
