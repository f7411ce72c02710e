import { ReadStore } from '@helpdesk/read-store';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { parsePosition } from '../graphql/positions.js';
import { ProjectionsService } from '../projections/projections.service.js';
import type { ViewsWorld } from '../views-api/views-api.test-world.js';

export const CONNECT = 'mutation($input: ConnectWhatsAppAccountInput!) { connectWhatsAppAccount(input: $input) { accountId position } }';
export const DISCONNECT = 'mutation($input: WhatsAppAccountInput!) { disconnectWhatsAppAccount(input: $input) { accountId position } }';
export const VERIFY = 'mutation($input: WhatsAppAccountInput!) { markBusinessVerified(input: $input) { accountId position } }';
export const ADD_NUMBER = 'mutation($input: AddPhoneNumberInput!) { addPhoneNumber(input: $input) { accountId displayNumber position } }';
export const REMOVE_NUMBER =
  'mutation($input: RemovePhoneNumberInput!) { removePhoneNumber(input: $input) { accountId displayNumber position } }';
export const REGISTER_TEMPLATE =
  'mutation($input: RegisterTemplateInput!) { registerTemplate(input: $input) { accountId name language position } }';
export const APPROVE_TEMPLATE = 'mutation($input: ApproveTemplateInput!) { approveTemplate(input: $input) { position } }';
export const REJECT_TEMPLATE = 'mutation($input: RejectTemplateInput!) { rejectTemplate(input: $input) { position } }';
export const CREATE_CONTACT = 'mutation($input: CreateContactInput!) { createContact(input: $input) { contactId position } }';
export const CHANGE_CONTACT = 'mutation($input: ChangeContactInput!) { changeContact(input: $input) { contactId position } }';
export const RESEND =
  'mutation($input: ResendOutboundMessageInput!) { resendOutboundMessage(input: $input) { conversationId messageId position } }';
export const REPLY = 'mutation($input: ReplyToConversationInput!) { replyToConversation(input: $input) { conversationId messageId position } }';

/** Reads a read model once it has applied a mutation's events (the position it returned). */
export function readModelsAt(world: ViewsWorld) {
  const db: ReadDatabase = world.app.get(ReadStore).db;
  return async <T>(position: string, read: (db: ReadDatabase) => Promise<T>): Promise<T> => {
    await world.app.get(ProjectionsService).whenCaughtUp(parsePosition(position)!);
    return read(db);
  };
}
