import type { RecordedEvent } from '@helpdesk/event-store';
import { eventsOf } from '../../../test/support/stream-events.js';
import { ConnectAccountCommand, ConnectAccountHandler } from '@helpdesk/commands/channel/connect-account.handler.js';
import {
  TestClock,
  accountId,
  admin,
  businessPhone,
  phoneNumberId,
} from '@helpdesk/commands/conversation/conversation.test-world.js';
import {
  type InboundMessage,
  ReceiveInboundMessageCommand,
  ReceiveInboundMessageHandler,
} from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import { ReplyToContactHandler } from '@helpdesk/commands/conversation/reply-to-contact.handler.js';
import { KeptUploads } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { RegisterPortalCommand, RegisterPortalHandler } from '@helpdesk/commands/portal/register-portal.handler.js';
import { QuotaGate } from '@helpdesk/commands/quota/quota-gate.js';
import type { AuditedStoreKind } from './audited-stores.test-world.js';
import { runHelpdeskWith } from './cli.test-world.js';
import { ownershipNotChecked } from '@helpdesk/commands/channel/phone-number-ownership.js';

/**
 * The conversation test world's portal (acme, one connected number) on a fresh store of `kind`.
 * One clock drives the commands and stamps the stored events, as the wall clock does in production.
 */
export async function openAuditorWorld(kind: AuditedStoreKind, connectedAt: string) {
  const clock = new TestClock(new Date(connectedAt));
  const audited = await kind.open(clock);
  const store = audited.connect();
  await new RegisterPortalHandler(store, clock).execute(
    new RegisterPortalCommand(admin, { name: 'Acme', timeZone: 'Europe/Paris', subscriptionStartedOn: '2024-01-15' }),
  );
  await new ConnectAccountHandler(store, clock, ownershipNotChecked).execute(
    new ConnectAccountCommand(admin, {
      ...{ accountId, wabaId: 'waba-1', name: 'Acme support', timeZone: 'Europe/Paris' },
      ...{
        accountType: 'business',
        businessVerified: false,
        phoneNumbers: [{ phoneNumberId, displayNumber: businessPhone }],
      },
    }),
  );

  return {
    dir: audited.dir,
    env: audited.env,
    store,
    clock,
    // Text replies only: no upload is ever kept, so a claim would be refused.
    replies: new ReplyToContactHandler(store, clock, new QuotaGate(store), new KeptUploads()),
    receive(message: InboundMessage) {
      return new ReceiveInboundMessageHandler(store, clock).execute(new ReceiveInboundMessageCommand(message));
    },
    eventsOf(stream: string): Promise<RecordedEvent[]> {
      return eventsOf(store, stream);
    },
    /** `helpdesk <argv>` on this world's store. */
    run(...argv: string[]) {
      return runHelpdeskWith(audited.env, ...argv);
    },
    async close(): Promise<void> {
      try {
        await store.close();
      } finally {
        await audited.dispose();
      }
    },
  };
}

export type AuditorWorld = Awaited<ReturnType<typeof openAuditorWorld>>;
