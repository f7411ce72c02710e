import { ConnectAccountCommand, ConnectAccountHandler } from '@helpdesk/commands/channel/connect-account.handler.js';
import { RunConversationCommand, RunConversationCommandHandler } from '@helpdesk/commands/conversation/conversation-command.handler.js';
import { admin, conversationOf } from '@helpdesk/commands/conversation/conversation.test-world.js';
import type { World } from '@helpdesk/commands/conversation/conversation.test-world.js';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import { ChangeViewCommand, ChangeViewHandler } from '@helpdesk/commands/view/change-view.handler.js';
import { CreateViewCommand, CreateViewHandler } from '@helpdesk/commands/view/create-view.handler.js';
import { DeleteViewCommand, DeleteViewHandler } from '@helpdesk/commands/view/delete-view.handler.js';
import { ownershipNotChecked } from '@helpdesk/commands/channel/phone-number-ownership.js';

/** A second WhatsApp account of the portal, with its own number. */
export const secondAccount = { accountId: 'account-2', phoneNumberId: '200000000000002', businessPhone: '+15550002222' };

export const user = (id: string): CommandOrigin => ({ portalId: admin.portalId, actor: { kind: 'user', id } });

/** The real command handlers the views read model follows, over the conversation test world's store. */
export function viewCommands(world: World) {
  const { store, clock } = world;
  return {
    create: (by: string, data: CreateViewCommand['data']) => new CreateViewHandler(store, clock).execute(new CreateViewCommand(user(by), data)),
    change: (by: string, data: ChangeViewCommand['data']) => new ChangeViewHandler(store, clock).execute(new ChangeViewCommand(user(by), data)),
    remove: (by: string, viewId: string) =>
      new DeleteViewHandler(store, clock).execute(new DeleteViewCommand(user(by), { viewId, actorRole: 'agent' })),
    assign: (ticketId: string, assigneeId: string, phone?: string) =>
      new RunConversationCommandHandler(store, clock).execute(new RunConversationCommand(admin, conversationOf(phone), 'AssignTicket', { ticketId, assigneeId })),
    close: (ticketId: string, phone?: string) =>
      new RunConversationCommandHandler(store, clock).execute(new RunConversationCommand(admin, conversationOf(phone), 'CloseTicket', { ticketId })),
    connectSecondAccount: () =>
      new ConnectAccountHandler(store, clock, ownershipNotChecked).execute(
        new ConnectAccountCommand(admin, {
          ...{ accountId: secondAccount.accountId, wabaId: 'waba-2', name: 'Acme sales', timeZone: 'Europe/Paris' },
          accountType: 'business',
          businessVerified: true,
          phoneNumbers: [{ phoneNumberId: secondAccount.phoneNumberId, displayNumber: secondAccount.businessPhone }],
        }),
      ),
  };
}
