import { type Fact, conversationOf, userActor } from '@helpdesk/domain/fixtures';
import type { ChangeView, CreateView } from '@helpdesk/domain';
import type { EventWorld } from '../testing/event.test-world.js';

/** A second WhatsApp account of the portal, with its own number. */
export const secondAccount = {
  accountId: 'account-2',
  phoneNumberId: '200000000000002',
  businessPhone: '+15550002222',
};

/**
 * What the views read model follows, decided by the domain's deciders on the world's history
 * (views by users, tickets by the admin) and appended to its store in turn.
 */
export function viewCommands(world: EventWorld) {
  const h = world.history;
  const record = (facts: Fact[]) => world.append(facts);
  return {
    create: (by: string, data: CreateView['data']) => record(h.view({ type: 'CreateView', data }, userActor(by))),
    change: (by: string, data: ChangeView['data']) => record(h.view({ type: 'ChangeView', data }, userActor(by))),
    remove: (by: string, viewId: string) =>
      record(h.view({ type: 'DeleteView', data: { viewId, actorRole: 'agent' } }, userActor(by))),
    assign: (ticketId: string, assigneeId: string, phone?: string) =>
      record(h.assign(conversationOf(phone), assigneeId, ticketId)),
    close: (ticketId: string, phone?: string) => record(h.close(conversationOf(phone), ticketId)),
    connectSecondAccount: () =>
      record(
        h.connectAccount({
          ...{ accountId: secondAccount.accountId, wabaId: 'waba-2', name: 'Acme sales', timeZone: 'Europe/Paris' },
          accountType: 'business',
          businessVerified: true,
          phoneNumbers: [{ phoneNumberId: secondAccount.phoneNumberId, displayNumber: secondAccount.businessPhone }],
        }),
      ),
  };
}
