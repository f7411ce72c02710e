import { fold } from '../core/index.js';
import { specificationFor } from '../../../../test/support/decider-specification.js';
import {
  ChangeMonthlyLimit,
  monthlyLimitAt,
  PortalCommand,
  PortalEvent,
  refuseSendingIfSuspended,
  portalDecider,
  RegisteredPortal,
  RegisterPortal,
} from './index.js';

const portalId = 'portal-1';
const now = new Date('2024-10-28T09:30:00.000Z');
const context = { portalId, actor: { kind: 'user' as const, id: 'admin-1' }, now };
const spec = specificationFor(portalDecider);

function register(data: Partial<RegisterPortal['data']> = {}): RegisterPortal {
  const defaults = { name: 'Acme support', timeZone: 'Europe/Paris', subscriptionStartedOn: '2023-10-28' };
  return { type: 'RegisterPortal', data: { ...defaults, ...data }, context };
}

function changeLimit(limit: number, effectiveFrom: string): ChangeMonthlyLimit {
  return { type: 'ChangeMonthlyLimit', data: { limit, effectiveFrom }, context };
}

const registered: PortalEvent = {
  type: 'PortalRegistered',
  data: {
    portalId,
    name: 'Acme support',
    timeZone: 'Europe/Paris',
    subscriptionStartedOn: '2023-10-28',
    monthlyConversationLimit: 1000,
    registeredAt: '2024-10-28T09:30:00.000Z',
  },
};

function limitChanged(limit: number, effectiveFrom: string): PortalEvent {
  return { type: 'MonthlyLimitChanged', data: { portalId, limit, effectiveFrom, changedAt: now.toISOString() } };
}

describe('Portal', () => {
  describe('When unregistered', () => {
    it('registers with the default limit of 1,000 conversations a month', () => {
      spec.given([]).when(register()).then([registered]);
    });

    it('keeps an explicit limit and the canonical name of the time zone', () => {
      const command = register({ monthlyConversationLimit: 250, timeZone: 'europe/paris' });
      const [event] = spec.given([]).when(command).events();
      expect(event.data).toMatchObject({ monthlyConversationLimit: 250, timeZone: 'Europe/Paris' });
    });

    it.each(['Mars/Olympus_Mons', '+05:00', ''])('refuses the time zone %p', (timeZone) => {
      spec.given([]).when(register({ timeZone })).thenRefuses('INVALID_TIME_ZONE', /IANA/);
    });

    it.each(['2023-02-30', '2023-2-3', '28/10/2023', '2023-10-28T00:00:00Z'])(
      'refuses the subscription start %p',
      (subscriptionStartedOn) => {
        spec
          .given([])
          .when(register({ subscriptionStartedOn }))
          .thenRefuses('INVALID_DATE', /YYYY-MM-DD/);
      },
    );

    it.each([0, -1, 1.5, Number.NaN])('refuses the limit %p', (monthlyConversationLimit) => {
      spec
        .given([])
        .when(register({ monthlyConversationLimit }))
        .thenRefuses('INVALID_LIMIT', /positive whole/);
    });

    it('accepts the smallest limit, 1', () => {
      const [event] = spec
        .given([])
        .when(register({ monthlyConversationLimit: 1 }))
        .events();
      expect(event.data).toMatchObject({ monthlyConversationLimit: 1 });
    });

    it('refuses a blank name', () => {
      spec
        .given([])
        .when(register({ name: '  ' }))
        .thenRefuses('INVALID_COMMAND', /name/);
    });

    it('cannot change the limit of a portal that does not exist', () => {
      spec.given([]).when(changeLimit(2000, '2024-11-28T00:00:00Z')).thenRefuses('PORTAL_NOT_FOUND');
    });
  });

  describe('When registered', () => {
    it('refuses a second registration', () => {
      spec
        .given([registered])
        .when(register())
        .thenRefuses('PORTAL_ALREADY_REGISTERED', /portal-1/);
    });

    it('changes the limit from an instant, normalised to UTC', () => {
      spec
        .given([registered])
        .when(changeLimit(2000, '2024-11-28T00:00:00+01:00'))
        .then([limitChanged(2000, '2024-11-27T23:00:00.000Z')]);
    });

    it('treats the same change again as a retry', () => {
      spec
        .given([registered, limitChanged(2000, '2024-11-27T23:00:00.000Z')])
        .when(changeLimit(2000, '2024-11-27T23:00:00Z'))
        .thenNothingHappens();
    });

    it.each(['2024-11-28T00:00:00', '2024-11-28', 'next month'])(
      'refuses the effective instant %p',
      (effectiveFrom) => {
        spec
          .given([registered])
          .when(changeLimit(2000, effectiveFrom))
          .thenRefuses('INVALID_DATE', /offset/);
      },
    );

    it('refuses a new limit of 0', () => {
      spec.given([registered]).when(changeLimit(0, '2024-11-28T00:00:00Z')).thenRefuses('INVALID_LIMIT');
    });
  });

  describe('Read receipts to contacts', () => {
    const receipts = (enabled: boolean) =>
      ({ type: 'ChangeReadReceiptsToContacts', data: { enabled }, context }) as const;
    const turnedOff: PortalEvent = {
      type: 'ReadReceiptsToContactsChanged',
      data: { portalId, enabled: false, changedAt: now.toISOString() },
    };

    it('are on by default; an admin turns them off, and on again', () => {
      spec.given([registered]).when(receipts(false)).then([turnedOff]);
      const [on] = spec.given([registered, turnedOff]).when(receipts(true)).events();
      expect(on.data).toMatchObject({ enabled: true });
    });

    it('record nothing when the setting is already so', () => {
      spec.given([registered]).when(receipts(true)).thenNothingHappens();
      spec.given([registered, turnedOff]).when(receipts(false)).thenNothingHappens();
    });

    it('cannot be changed on a portal that does not exist', () => {
      spec.given([]).when(receipts(false)).thenRefuses('PORTAL_NOT_FOUND');
    });
  });

  describe('The limit in force', () => {
    const portalAfter = (events: PortalEvent[]) =>
      fold(portalDecider.evolve, portalDecider.initialState, [registered, ...events]) as RegisteredPortal;

    it('is the registration limit before any change takes effect, even before the registration', () => {
      const portal = portalAfter([limitChanged(2000, '2024-11-28T00:00:00.000Z')]);
      expect(monthlyLimitAt(portal, new Date('2020-01-01T00:00:00Z'))).toBe(1000);
      expect(monthlyLimitAt(portal, new Date('2024-11-27T23:59:59.999Z'))).toBe(1000);
    });

    it('is the new limit from the effective instant on', () => {
      const portal = portalAfter([limitChanged(2000, '2024-11-28T00:00:00.000Z')]);
      expect(monthlyLimitAt(portal, new Date('2024-11-28T00:00:00.000Z'))).toBe(2000);
    });

    it('follows the effective dates, not the order the changes were decided in', () => {
      const portal = portalAfter([
        limitChanged(3000, '2025-01-28T00:00:00.000Z'),
        limitChanged(2000, '2024-11-28T00:00:00.000Z'),
      ]);
      expect(monthlyLimitAt(portal, new Date('2024-12-15T00:00:00Z'))).toBe(2000);
      expect(monthlyLimitAt(portal, new Date('2025-02-01T00:00:00Z'))).toBe(3000);
    });

    it('is the later decision when two changes take effect at the same instant', () => {
      const portal = portalAfter([
        limitChanged(2000, '2024-11-28T00:00:00.000Z'),
        limitChanged(1500, '2024-11-28T00:00:00.000Z'),
      ]);
      expect(monthlyLimitAt(portal, new Date('2024-12-01T00:00:00Z'))).toBe(1500);
    });
  });
});

describe('Suspending a portal', () => {
  const suspend = (reason = 'unpaid invoice'): PortalCommand => ({ type: 'SuspendPortal', data: { reason }, context });
  const resume: PortalCommand = { type: 'ResumePortal', data: {}, context };
  const suspended: PortalEvent = {
    type: 'PortalSuspended',
    data: { portalId, reason: 'unpaid invoice', suspendedAt: now.toISOString() },
  };
  const stateOf = (events: PortalEvent[]) => fold(portalDecider.evolve, portalDecider.initialState, events);

  it('suspends a registered portal with the reason, once', () => {
    spec.given([registered]).when(suspend()).then([suspended]);
    spec.given([registered, suspended]).when(suspend('again')).thenNothingHappens();
  });

  it('refuses a suspension without a reason, and an unknown portal', () => {
    spec.given([registered]).when(suspend('  ')).thenRefuses('INVALID_COMMAND');
    spec.given([]).when(suspend()).thenRefuses('PORTAL_NOT_FOUND');
  });

  it('resumes a suspended portal; resuming an active one changes nothing', () => {
    spec
      .given([registered, suspended])
      .when(resume)
      .then([{ type: 'PortalResumed', data: { portalId, resumedAt: now.toISOString() } }]);
    spec.given([registered]).when(resume).thenNothingHappens();
  });

  it('refuses sending only while suspended', () => {
    const active = stateOf([registered]) as RegisteredPortal;
    expect(() => refuseSendingIfSuspended(active)).not.toThrow();
    const stopped = stateOf([registered, suspended]) as RegisteredPortal;
    expect(() => refuseSendingIfSuspended(stopped)).toThrow(expect.objectContaining({ code: 'PORTAL_SUSPENDED' }));
    const back = stateOf([registered, suspended, { type: 'PortalResumed', data: { portalId, resumedAt: 'x' } }]);
    expect(() => refuseSendingIfSuspended(back as RegisteredPortal)).not.toThrow();
  });
});
