import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { DomainError, type RegisteredPortal, monthlyLimitAt } from '@helpdesk/domain';
import { openEventStore } from '@helpdesk/event-store/open-event-store.js';
import { waitForNetworkStores } from '@helpdesk/commands/stores/wait-for-stores.js';
import {
  ChangeMonthlyLimitCommand,
  ChangeMonthlyLimitHandler,
} from '@helpdesk/commands/portal/change-monthly-limit.handler.js';
import { loadPortal } from '@helpdesk/commands/portal/load-portal.js';
import { RegisterPortalCommand, RegisterPortalHandler } from '@helpdesk/commands/portal/register-portal.handler.js';
import {
  ResumePortalCommand,
  ResumePortalHandler,
  SuspendPortalCommand,
  SuspendPortalHandler,
} from '@helpdesk/commands/portal/suspend-portal.handler.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import { systemClock, type Clock } from '@helpdesk/commands/shared/clock.js';
import { existingInstall } from '../app-context/existing-install.js';
import { UsageError, type CliRunner, type CliIo } from '../cli-command.js';

/** Portal ids name streams and appear in tokens: the same rule as the API's registerPortal. */
const PORTAL_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const runPortal: CliRunner = (argv, io) => portal(argv, io, systemClock);

/** The command itself, with the clock changes are recorded at. */
export async function portal(argv: readonly string[], io: CliIo, clock: Clock): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      portal: { type: 'string' },
      name: { type: 'string' },
      'time-zone': { type: 'string' },
      'subscription-start': { type: 'string' },
      'monthly-limit': { type: 'string' },
      limit: { type: 'string' },
      'effective-from': { type: 'string' },
      by: { type: 'string' },
      reason: { type: 'string' },
    },
  });
  const [action, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected '${extra.join(' ')}'`);
  const portalId = values.portal ?? '';
  if (!PORTAL_ID.test(portalId)) {
    throw new UsageError(`--portal must be lower case letters, digits and '-', up to 63 (got '${portalId}')`);
  }
  const origin: CommandOrigin = {
    portalId,
    actor: { kind: 'user', id: values.by?.trim() || `cli:${userInfo().username}` },
  };
  const run = plan(action, values, origin);

  // An operator onboards tenants on a running install: the API creates the store, this never does.
  const config = existingInstall(io, 'portal');
  await waitForNetworkStores(config, (line) => io.stderr(`helpdesk portal: ${line}\n`));
  const store = await openEventStore(config.eventStore);
  try {
    const settings = await run({ store, clock });
    io.stdout(formatPortal(settings, clock.now()));
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    io.stderr(`helpdesk portal: ${error.code}: ${error.message}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

type Stores = { store: Awaited<ReturnType<typeof openEventStore>>; clock: Clock };
type Values = Record<string, string | undefined>;

/** What the action will do, its options checked before any store is opened. */
function plan(
  action: string | undefined,
  values: Values,
  origin: CommandOrigin,
): (stores: Stores) => Promise<RegisteredPortal> {
  switch (action) {
    case 'register': {
      const name = required(values, 'name');
      const timeZone = required(values, 'time-zone');
      const subscriptionStartedOn = required(values, 'subscription-start');
      const limit = values['monthly-limit'];
      const data = {
        name,
        timeZone,
        subscriptionStartedOn,
        ...(limit !== undefined && { monthlyConversationLimit: wholeNumber('--monthly-limit', limit) }),
      };
      return ({ store, clock }) =>
        new RegisterPortalHandler(store, clock).execute(new RegisterPortalCommand(origin, data));
    }
    case 'change-limit': {
      const limit = wholeNumber('--limit', required(values, 'limit'));
      const effectiveFrom = required(values, 'effective-from');
      const data = { limit, effectiveFrom };
      return ({ store, clock }) =>
        new ChangeMonthlyLimitHandler(store, clock).execute(new ChangeMonthlyLimitCommand(origin, data));
    }
    case 'suspend': {
      const reason = required(values, 'reason');
      return ({ store, clock }) =>
        new SuspendPortalHandler(store, clock).execute(new SuspendPortalCommand(origin, reason));
    }
    case 'resume':
      return ({ store, clock }) => new ResumePortalHandler(store, clock).execute(new ResumePortalCommand(origin));
    case 'show':
      return ({ store }) => loadPortal(store, origin.portalId);
    default:
      throw new UsageError(`expected register, change-limit, suspend, resume or show (got '${action ?? ''}')`);
  }
}

function required(values: Values, option: string): string {
  const value = values[option]?.trim();
  if (!value) throw new UsageError(`--${option} is required`);
  return value;
}

function wholeNumber(option: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${option} must be a whole number (got '${text}')`);
  return Number(text);
}

function formatPortal(portal: RegisteredPortal, now: Date): string {
  const limits = portal.monthlyLimits.map(({ limit, effectiveFrom }) => `    ${limit} from ${effectiveFrom}`);
  return [
    `portal ${portal.portalId}: ${portal.name}`,
    `  time zone            ${portal.timeZone}`,
    `  subscription start   ${portal.subscriptionStartedOn}`,
    `  monthly limit now    ${monthlyLimitAt(portal, now)}`,
    `  read receipts        ${portal.readReceiptsToContacts ? 'on' : 'off'}`,
    `  suspended            ${portal.suspended ? `since ${portal.suspended.since}: ${portal.suspended.reason}` : 'no'}`,
    '  limits decided:',
    ...limits,
    '',
  ].join('\n');
}
