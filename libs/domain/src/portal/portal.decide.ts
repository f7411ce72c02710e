import { assertNever, refuse } from '../core/index.js';
import { RULEBOOK, defaultMonthlyLimitAt } from '../rules/rulebook.js';
import { calendarDate, canonicalTimeZone, conversationLimit, isoInstant } from './calendar-values.js';
import type { ChangeMonthlyLimit, PortalCommand, RegisterPortal } from './portal.commands.js';
import type { ReadReceiptsToContactsChanged } from './portal.events.js';
import type { MonthlyLimitChanged, PortalEvent, PortalRegistered } from './portal.events.js';
import type { PortalState, RegisteredPortal } from './portal.state.js';

/** The help desk's own quota for a new portal (1,000 conversations a month shared by all its channels), from the rulebook. */
export const DEFAULT_MONTHLY_CONVERSATION_LIMIT = RULEBOOK.defaultLimit[0].monthlyConversations;

export function decidePortal(command: PortalCommand, state: PortalState): PortalEvent[] {
  switch (command.type) {
    case 'RegisterPortal':
      return [registerPortal(command, state)];
    case 'ChangeMonthlyLimit':
      return changeMonthlyLimit(command, registered(state, command.context.portalId));
    case 'ChangeReadReceiptsToContacts': {
      const portal = registered(state, command.context.portalId);
      const { enabled } = command.data;
      if (portal.readReceiptsToContacts === enabled) return [];
      const changedAt = command.context.now.toISOString();
      const changed: ReadReceiptsToContactsChanged = {
        type: 'ReadReceiptsToContactsChanged',
        data: { portalId: portal.portalId, enabled, changedAt },
      };
      return [changed];
    }
    case 'SuspendPortal': {
      const portal = registered(state, command.context.portalId);
      const reason = command.data.reason.trim();
      if (reason === '') refuse('INVALID_COMMAND', 'A suspension needs a reason', { portalId: portal.portalId });
      if (portal.suspended !== null) return [];
      const suspendedAt = command.context.now.toISOString();
      return [{ type: 'PortalSuspended', data: { portalId: portal.portalId, reason, suspendedAt } }];
    }
    case 'ResumePortal': {
      const portal = registered(state, command.context.portalId);
      if (portal.suspended === null) return [];
      return [
        { type: 'PortalResumed', data: { portalId: portal.portalId, resumedAt: command.context.now.toISOString() } },
      ];
    }
    default:
      return assertNever(command);
  }
}

function registerPortal(command: RegisterPortal, state: PortalState): PortalRegistered {
  const { portalId, now } = command.context;
  if (state.status === 'Registered') {
    refuse('PORTAL_ALREADY_REGISTERED', `Portal ${portalId} is already registered`, { portalId });
  }
  const { name, timeZone, subscriptionStartedOn, monthlyConversationLimit } = command.data;
  if (name.trim() === '') refuse('INVALID_COMMAND', 'A portal needs a name', { portalId });
  return {
    type: 'PortalRegistered',
    data: {
      portalId,
      name: name.trim(),
      timeZone: canonicalTimeZone(timeZone),
      subscriptionStartedOn: calendarDate(subscriptionStartedOn),
      monthlyConversationLimit: conversationLimit(monthlyConversationLimit ?? defaultMonthlyLimitAt(now)),
      registeredAt: now.toISOString(),
    },
  };
}

/** The same limit from the same instant again is a retry, not a new decision. */
function changeMonthlyLimit(command: ChangeMonthlyLimit, portal: RegisteredPortal): MonthlyLimitChanged[] {
  const limit = conversationLimit(command.data.limit);
  const effectiveFrom = isoInstant(command.data.effectiveFrom);
  const alreadyDecided = portal.monthlyLimits
    .slice(1)
    .some((period) => period.limit === limit && period.effectiveFrom === effectiveFrom);
  if (alreadyDecided) return [];
  const changedAt = command.context.now.toISOString();
  return [{ type: 'MonthlyLimitChanged', data: { portalId: portal.portalId, limit, effectiveFrom, changedAt } }];
}

function registered(state: PortalState, portalId: string): RegisteredPortal {
  if (state.status !== 'Registered') refuse('PORTAL_NOT_FOUND', `Portal ${portalId} is not registered`, { portalId });
  return state;
}
