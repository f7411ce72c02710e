import { CLOCK, systemClock } from '../shared/clock.js';
import { Global, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, openSqliteEventStore, SqliteEventStore } from '@helpdesk/event-store';
import { loadPortal } from '../portal/load-portal.js';
import { PortalModule } from '../portal/portal.module.js';
import { RegisterPortalCommand } from '../portal/register-portal.handler.js';
import { QuotaGate } from './quota-gate.js';
import { quotaPortalAt } from './quota-requests.js';
import { QuotaModule } from './quota.module.js';

describe('PortalModule and QuotaModule wired by Nest', () => {
  let dataDir: string;
  let store: SqliteEventStore;
  let app: INestApplicationContext;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'quota-module-'));
    store = openSqliteEventStore({ dataDir });
    @Global()
    @Module({
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: CLOCK, useValue: systemClock },
      ],
      exports: [EVENT_STORE, CLOCK],
    })
    class TestStoreModule {}
    @Module({ imports: [CqrsModule.forRoot(), TestStoreModule, PortalModule, QuotaModule] })
    class TestAppModule {}
    app = await NestFactory.createApplicationContext(TestAppModule, { logger: false, abortOnError: false });
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers a portal over the command bus and reserves a conversation through the exported gate', async () => {
    const origin = { portalId: 'acme', actor: { kind: 'user' as const, id: 'admin-1' } };
    const registration = { name: 'Acme', timeZone: 'Europe/Paris', subscriptionStartedOn: '2023-10-28' };
    await app.get(CommandBus).execute(new RegisterPortalCommand(origin, registration));

    const now = new Date('2024-11-15T12:00:00.000Z');
    const portal = quotaPortalAt(await loadPortal(store, 'acme'), now);
    const account = { accountId: 'waba-1', verified: true, timeZone: 'Europe/Paris' };
    const reservation = await app
      .get(QuotaGate)
      .reserveBusinessInitiatedConversation({ origin, now, portal, account, conversationId: 'c1', messageId: 'm1' });
    expect(reservation).toEqual({ ruleVersion: 'conversations/2024-11-01', periodKey: '2024-10-28', monthlyUsed: 1 });
  });
});
