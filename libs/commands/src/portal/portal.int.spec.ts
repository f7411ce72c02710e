import { monthlyLimitAt, portalStreamName } from '@helpdesk/domain';
import { refusalOf } from '../../../../test/support/domain-refusals.js';
import { eventsOf } from '../../../../test/support/stream-events.js';
import { useTemporarySqliteStore } from '../../../../test/support/temporary-sqlite-store.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { ChangeMonthlyLimitCommand, ChangeMonthlyLimitHandler } from './change-monthly-limit.handler.js';
import { loadPortal } from './load-portal.js';
import { RegisterPortalCommand, RegisterPortalHandler } from './register-portal.handler.js';

const actor = { kind: 'user', id: 'admin-1' } as const;
const origin: CommandOrigin = { portalId: 'acme', actor, correlationId: 'onboarding-1' };
const registration = { name: 'Acme support', timeZone: 'Europe/Paris', subscriptionStartedOn: '2023-10-28' };

describe('Portal handlers against the embedded store', () => {
  const stores = useTemporarySqliteStore('portal-');
  const clock = { now: () => new Date('2024-10-28T09:30:00.000Z') };

  it('registers a portal that can then be loaded, with who did it in the metadata', async () => {
    const handler = new RegisterPortalHandler(stores.current, clock);
    const registered = await handler.execute(new RegisterPortalCommand(origin, registration));

    expect(registered).toMatchObject({ status: 'Registered', portalId: 'acme', timeZone: 'Europe/Paris' });
    expect(monthlyLimitAt(registered, clock.now())).toBe(1000);
    await expect(loadPortal(stores.current, 'acme')).resolves.toEqual(registered);
    const events = await eventsOf(stores.current, portalStreamName('acme'));
    expect(events.map((event) => event.type)).toEqual(['PortalRegistered']);
    const metadata = { tenantId: 'acme', actorId: 'user:admin-1', correlationId: 'onboarding-1' };
    expect(events[0].metadata).toMatchObject(metadata);
  });

  it('does not find a portal that was never registered', async () => {
    expect((await refusalOf(loadPortal(stores.current, 'nobody'))).code).toBe('PORTAL_NOT_FOUND');
  });

  it('refuses to register the same portal twice', async () => {
    const handler = new RegisterPortalHandler(stores.current, clock);
    await handler.execute(new RegisterPortalCommand(origin, registration));
    const refusal = await refusalOf(handler.execute(new RegisterPortalCommand(origin, registration)));
    expect(refusal.code).toBe('PORTAL_ALREADY_REGISTERED');
  });

  it('changes the monthly limit from its effective instant', async () => {
    await new RegisterPortalHandler(stores.current, clock).execute(new RegisterPortalCommand(origin, registration));
    const change = new ChangeMonthlyLimitCommand(origin, { limit: 2500, effectiveFrom: '2024-11-28T00:00:00+01:00' });
    await new ChangeMonthlyLimitHandler(stores.current, clock).execute(change);

    const portal = await loadPortal(stores.current, 'acme');
    expect(monthlyLimitAt(portal, new Date('2024-11-27T22:59:59.999Z'))).toBe(1000);
    expect(monthlyLimitAt(portal, new Date('2024-11-27T23:00:00.000Z'))).toBe(2500);
  });

  it('refuses to change the limit of a portal that does not exist', async () => {
    const change = new ChangeMonthlyLimitCommand(origin, { limit: 2500, effectiveFrom: '2024-11-28T00:00:00Z' });
    const refusal = await refusalOf(new ChangeMonthlyLimitHandler(stores.current, clock).execute(change));
    expect(refusal.code).toBe('PORTAL_NOT_FOUND');
  });
});
