import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '@helpdesk/config';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { normaliseToE164, toWaId } from '@helpdesk/domain';
import { systemClock, type Clock } from '@helpdesk/commands/shared/clock.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import type { DemoTargets } from '@helpdesk/demo';
import { withAppContext } from '../app-context/with-app-context.js';
import { demoPlan, type SeedDemoOptions } from './demo-plan.js';
import { seedChannel, seedContact, seedPortal, seedTemplate, type SeedContext, type SeedStep } from './seed-steps.js';

/** What seed-demo did, step by step, and the simulator's targets file (`simulate --targets`). */
export interface SeedDemoReport {
  readonly steps: readonly SeedStep[];
  readonly targets: DemoTargets;
}

/**
 * Registers the demo portal, connects its WhatsApp account, approves its templates and creates its
 * contacts, through the API's own command handlers on the configured stores. Every step finds what
 * an earlier run did and leaves it, so running it again changes nothing.
 * `connectedAt` fixes the clock of the whole run (and so the channel's connection time).
 */
export async function seedDemo(
  config: AppConfig,
  options: SeedDemoOptions & { connectedAt?: Date },
): Promise<SeedDemoReport> {
  const clock: Clock = options.connectedAt ? { now: () => new Date(options.connectedAt!) } : systemClock;
  const plan = demoPlan(options, clock.now());
  const correlationId = `seed-demo-${randomUUID()}`;
  const origin = (step: string): CommandOrigin => ({
    portalId: plan.portalId,
    actor: { kind: 'system', id: 'seed-demo' },
    idempotencyKey: `seed-demo:${plan.portalId}:${step}`,
    correlationId,
  });
  // The demo's numbers are made up (+1 555 ...), so Meta is not asked who holds them: seed-demo is an
  // operator's tool on the stores themselves. The claims still apply: it cannot take an id someone holds.
  const demoConfig: AppConfig = { ...config, whatsapp: { ...config.whatsapp, ownershipCheck: 'off' } };
  return withAppContext(
    demoConfig,
    async (app) => {
      const context: SeedContext = { commandBus: app.get(CommandBus), store: app.get<EventStore>(EVENT_STORE), origin };
      const steps: SeedStep[] = [await seedPortal(context, plan)];
      const { step, channel } = await seedChannel(context, plan);
      steps.push(step);
      for (const template of plan.templates) steps.push(await seedTemplate(context, template));
      for (const contact of plan.contacts) steps.push(await seedContact(context, contact));
      const targets: DemoTargets = {
        portalId: plan.portalId,
        accountId: channel.accountId,
        wabaId: channel.wabaId,
        connectedAt: channel.connectedAt,
        numbers: channel.phoneNumbers.map(({ phoneNumberId, displayNumber }) => ({ phoneNumberId, displayNumber })),
        contacts: plan.contacts.map((contact) => ({
          name: contact.name,
          waId: toWaId(normaliseToE164((contact.mobilePhoneNumber ?? contact.phoneNumber)!)),
        })),
      };
      return { steps, targets };
    },
    clock,
  );
}
