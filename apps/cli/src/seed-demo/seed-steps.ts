import type { CommandBus } from '@nestjs/cqrs';
import { DomainError, type ChannelState, type DomainErrorCode } from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import { AddPhoneNumberCommand } from '@helpdesk/commands/channel/add-phone-number.handler.js';
import { ConnectAccountCommand } from '@helpdesk/commands/channel/connect-account.handler.js';
import { loadChannel } from '@helpdesk/commands/channel/find-channel-by-number.js';
import { CreateContactCommand } from '@helpdesk/commands/contact/create-contact.handler.js';
import { loadPortal } from '@helpdesk/commands/portal/load-portal.js';
import { RegisterPortalCommand } from '@helpdesk/commands/portal/register-portal.handler.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import { ApproveTemplateCommand } from '@helpdesk/commands/template/approve-template.handler.js';
import { loadTemplate } from '@helpdesk/commands/template/load-template.js';
import { RegisterTemplateCommand } from '@helpdesk/commands/template/register-template.handler.js';
import type { DemoPlan } from './demo-plan.js';

export interface SeedStep {
  readonly subject: string;
  readonly outcome: 'created' | 'updated' | 'unchanged';
  readonly detail: string;
}

export interface SeedContext {
  readonly commandBus: CommandBus;
  readonly store: EventStore;
  /** Each step adds its own suffix: the same step of any run has the same idempotency key. */
  readonly origin: (step: string) => CommandOrigin;
}

export async function seedPortal({ commandBus, store, origin }: SeedContext, plan: DemoPlan): Promise<SeedStep> {
  const subject = `portal ${plan.portalId}`;
  const created = await unlessAlready('PORTAL_ALREADY_REGISTERED', () =>
    commandBus.execute(new RegisterPortalCommand(origin('portal'), plan.portal)),
  );
  const portal = created ?? (await loadPortal(store, plan.portalId));
  const limit = portal.monthlyLimits.at(-1)!.limit;
  const detail = `${portal.timeZone}, subscription started ${portal.subscriptionStartedOn}, ${limit} conversations a month`;
  return { subject, outcome: created ? 'created' : 'unchanged', detail };
}

/** Connects the account with every planned number, or adds the ones a connected account lacks. */
export async function seedChannel(
  { commandBus, store, origin }: SeedContext,
  plan: DemoPlan,
): Promise<{ step: SeedStep; channel: Extract<ChannelState, { status: 'Connected' }> }> {
  const { accountId, wabaId, name, timeZone } = plan.account;
  const subject = `whatsapp account ${accountId}`;
  const before = await loadChannel(store, accountId);
  if (before.status !== 'NeverConnected' && before.portalId !== plan.portalId) {
    throw new Error(`WhatsApp account ${accountId} belongs to portal ${before.portalId}, not ${plan.portalId}`);
  }
  if (before.status !== 'Connected') {
    const profile = { accountId, wabaId, name, timeZone, accountType: 'business' as const, businessVerified: false };
    const connect = new ConnectAccountCommand(origin('connect'), { ...profile, phoneNumbers: plan.phoneNumbers });
    await unlessAlready('CHANNEL_ALREADY_CONNECTED', () => commandBus.execute(connect));
  }
  const connected = await loadChannel(store, accountId);
  if (connected.status !== 'Connected') throw new Error(`WhatsApp account ${accountId} did not connect`);
  const held = new Set(connected.phoneNumbers.map((number) => number.phoneNumberId));
  const missing = plan.phoneNumbers.filter((planned) => !held.has(planned.phoneNumberId));
  for (const number of missing) {
    await commandBus.execute(
      new AddPhoneNumberCommand(origin(`add-${number.phoneNumberId}`), { accountId, ...number }),
    );
  }
  const channel = await loadChannel(store, accountId);
  if (channel.status !== 'Connected') throw new Error(`WhatsApp account ${accountId} was disconnected meanwhile`);
  const numbers = `${channel.phoneNumbers.length} number${channel.phoneNumbers.length === 1 ? '' : 's'}`;
  const step: SeedStep =
    before.status !== 'Connected'
      ? { subject, outcome: 'created', detail: `connected with ${numbers} at ${channel.connectedAt}` }
      : missing.length > 0
        ? { subject, outcome: 'updated', detail: `added ${missing.length}, now ${numbers}` }
        : { subject, outcome: 'unchanged', detail: `connected with ${numbers} since ${channel.connectedAt}` };
  return { step, channel };
}

/** Registers the template (as submitted to Meta) and records Meta's approval. */
export async function seedTemplate(
  { commandBus, store, origin }: SeedContext,
  template: DemoPlan['templates'][number],
): Promise<SeedStep> {
  const { accountId, name, language } = template;
  const subject = `template ${name} (${language})`;
  const key = `template-${name}-${language}`;
  const registered = await unlessAlready('TEMPLATE_ALREADY_REGISTERED', () =>
    commandBus.execute(new RegisterTemplateCommand(origin(`${key}-register`), template)),
  );
  const current = await loadTemplate(store, origin(key).portalId, accountId, name, language);
  if (current.status === 'Approved') return { subject, outcome: 'unchanged', detail: 'approved' };
  await commandBus.execute(new ApproveTemplateCommand(origin(`${key}-approve`), { accountId, name, language }));
  return {
    subject,
    outcome: registered ? 'created' : 'updated',
    detail: registered ? 'registered and approved' : 'approved',
  };
}

export async function seedContact(
  { commandBus, origin }: SeedContext,
  contact: DemoPlan['contacts'][number],
): Promise<SeedStep> {
  const subject = `contact ${contact.contactId}`;
  const created = await unlessAlready('CONTACT_ALREADY_EXISTS', () =>
    commandBus.execute(new CreateContactCommand(origin(`contact-${contact.contactId}`), contact)),
  );
  const numbers = [contact.phoneNumber, contact.mobilePhoneNumber].filter(Boolean).join(', ');
  return { subject, outcome: created ? 'created' : 'unchanged', detail: `${contact.name}, ${numbers}` };
}

/** The result, or undefined when the domain refused because it is already done: a rerun is a no-op. */
async function unlessAlready<T>(code: DomainErrorCode, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DomainError && error.code === code) return undefined;
    throw error;
  }
}
