import { CONTACT_PHONE } from './seed-portals.js';
import { type FieldRule, type Probe, type Target, agents } from './field-rule.js';

/** `mutation ($i: <Input>!) { field(input: $i) { <selection> } }` */
function mutation(field: string, inputType: string, selection: string, input: Record<string, unknown>): Probe {
  return { query: `mutation ($i: ${inputType}!) { ${field}(input: $i) { ${selection} } }`, variables: { i: input } };
}

const message = 'conversationId messageId position';
const ticket = 'conversationId ticketId position';
const account = 'accountId position';

const onTicket = (field: string, input: string) => (t: Target) =>
  mutation(field, input, ticket, { conversationId: t.conversationId, ticketId: t.ticketId });
const onAccount = (field: string) => (t: Target) =>
  mutation(field, 'WhatsAppAccountInput', account, { accountId: t.accountId });

/** Every Mutation field: who may call it, and what another portal's token changes when it aims at the victim (nothing). */
export const MUTATION_FIELDS: Readonly<Record<string, FieldRule>> = {
  replyToConversation: {
    roles: agents,
    otherPortal: 'refused',
    probe: (t) =>
      mutation('replyToConversation', 'ReplyToConversationInput', message, {
        conversationId: t.conversationId,
        text: 'probe',
      }),
  },
  sendTemplate: {
    roles: agents,
    otherPortal: 'refused',
    probe: (t) =>
      mutation('sendTemplate', 'SendTemplateInput', message, {
        ...{
          conversationId: t.conversationId,
          name: t.template.name,
          language: t.template.language,
          bodyParameters: ['probe'],
        },
      }),
  },
  startConversation: {
    roles: agents,
    otherPortal: 'refused',
    // The victim's contact from the victim's number: another portal's ids answer as unknown ones.
    probe: (t) =>
      mutation('startConversation', 'StartConversationInput', 'conversationId ticketId messageId position', {
        ...{ contactId: t.contactId, fromPhoneNumberId: t.phoneNumberId, idempotencyKey: 'probe-start' },
        ...{ name: t.template.name, language: t.template.language, bodyParameters: ['probe'] },
      }),
  },
  sendTemplateCampaign: {
    roles: agents,
    otherPortal: 'refused',
    // From the victim's number: another portal's number answers as an unknown one.
    probe: (t) =>
      mutation('sendTemplateCampaign', 'SendTemplateCampaignInput', 'campaignId position', {
        ...{ fromPhoneNumberId: t.phoneNumberId, name: t.template.name, language: t.template.language },
        ...{ recipients: [{ contactId: t.contactId }], idempotencyKey: 'probe-campaign' },
      }),
  },
  cancelCampaign: {
    roles: agents,
    otherPortal: 'refused',
    probe: (t) =>
      mutation('cancelCampaign', 'CancelCampaignInput', 'campaignId position', { campaignId: t.campaignId }),
  },
  assignTicket: {
    roles: agents,
    otherPortal: 'refused',
    probe: (t) =>
      mutation('assignTicket', 'AssignTicketInput', ticket, {
        conversationId: t.conversationId,
        ticketId: t.ticketId,
        assigneeId: 'intruder',
      }),
  },
  closeTicket: { roles: agents, otherPortal: 'refused', probe: onTicket('closeTicket', 'CloseTicketInput') },
  reopenTicket: { roles: agents, otherPortal: 'refused', probe: onTicket('reopenTicket', 'ReopenTicketInput') },
  markConversationRead: {
    roles: agents,
    otherPortal: 'refused',
    probe: (t) =>
      mutation('markConversationRead', 'MarkConversationReadInput', 'conversationId position', {
        conversationId: t.conversationId,
      }),
  },
  chooseConversationContact: {
    roles: agents,
    otherPortal: 'refused',
    probe: (t) =>
      mutation('chooseConversationContact', 'ChooseConversationContactInput', 'conversationId contactId position', {
        conversationId: t.conversationId,
        contactId: t.contactId,
      }),
  },
  registerPortal: {
    roles: ['operator'],
    // Operators run the service for every portal: aimed at the victim's id, it is refused as already
    // registered (PORTAL_ALREADY_REGISTERED), and the victim's settings stay as they were.
    otherPortal: 'service-wide',
    probe: (t) =>
      mutation('registerPortal', 'RegisterPortalInput', 'id name', {
        portalId: t.portalId,
        name: 'probe',
        timeZone: 'UTC',
        subscriptionStartedOn: '2024-01-01',
      }),
  },
  // Operators act on any portal by design (the service's own staff). The probes name a portal that
  // was never registered (PORTAL_NOT_FOUND, nothing appended), so the shared world keeps sending;
  // apps/api/src/portal/portal.e2e.spec.ts suspends and resumes a real one.
  suspendPortal: {
    roles: ['operator'],
    otherPortal: 'service-wide',
    probe: () =>
      mutation('suspendPortal', 'SuspendPortalInput', 'id suspended { reason }', {
        portalId: 'never-registered',
        reason: 'probe',
      }),
  },
  resumePortal: {
    roles: ['operator'],
    otherPortal: 'service-wide',
    probe: () => mutation('resumePortal', 'ResumePortalInput', 'id', { portalId: 'never-registered' }),
  },
  changeMonthlyLimit: {
    roles: ['admin'],
    otherPortal: 'own-portal',
    probe: () =>
      mutation('changeMonthlyLimit', 'ChangeMonthlyLimitInput', 'id monthlyConversationLimit', {
        limit: 7,
        effectiveFrom: '2024-12-01T00:00:00Z',
      }),
  },
  changeReadReceiptsToContacts: {
    roles: ['admin'],
    otherPortal: 'own-portal',
    probe: () =>
      mutation('changeReadReceiptsToContacts', 'ReadReceiptsToContactsInput', 'readReceiptsToContacts', {
        enabled: false,
      }),
  },
  quarantineMessage: {
    roles: agents,
    otherPortal: 'refused',
    probe: (t) =>
      mutation('quarantineMessage', 'QuarantineMessageInput', message, {
        conversationId: t.conversationId,
        messageId: t.inboundMessageId,
        reason: 'probe',
      }),
  },
  revealQuarantinedMessage: {
    roles: ['auditor'],
    otherPortal: 'refused',
    probe: (t) =>
      mutation('revealQuarantinedMessage', 'RevealQuarantinedMessageInput', message, {
        ...{ conversationId: t.conversationId, messageId: t.quarantinedMessageId, reason: 'probe' },
      }),
  },
  resendOutboundMessage: {
    roles: agents,
    otherPortal: 'refused',
    probe: (t) =>
      mutation('resendOutboundMessage', 'ResendOutboundMessageInput', message, {
        conversationId: t.conversationId,
        messageId: t.outboundMessageId,
      }),
  },
  createContact: {
    roles: agents,
    otherPortal: 'own-portal',
    probe: () =>
      mutation('createContact', 'CreateContactInput', 'contactId position', {
        name: 'probe contact',
        phoneNumber: CONTACT_PHONE,
      }),
  },
  changeContact: {
    roles: agents,
    otherPortal: 'refused',
    probe: (t) =>
      mutation('changeContact', 'ChangeContactInput', 'contactId position', { contactId: t.contactId, name: 'probe' }),
  },
  createView: {
    roles: agents,
    otherPortal: 'own-portal',
    probe: () =>
      mutation('createView', 'CreateViewInput', 'viewId position', {
        name: 'probe view',
        sharing: 'ONLY_ME',
        filters: [],
      }),
  },
  changeView: {
    roles: agents,
    otherPortal: 'refused',
    probe: (t) => mutation('changeView', 'ChangeViewInput', 'viewId position', { viewId: t.viewId, name: 'probe' }),
  },
  deleteView: {
    roles: agents,
    otherPortal: 'refused',
    probe: (t) => mutation('deleteView', 'DeleteViewInput', 'viewId position', { viewId: t.viewId }),
  },
  connectWhatsAppAccount: {
    roles: ['admin'],
    otherPortal: 'refused',
    probe: (t) =>
      mutation('connectWhatsAppAccount', 'ConnectWhatsAppAccountInput', account, {
        ...{
          accountId: t.accountId,
          wabaId: '999000999',
          name: 'probe',
          timeZone: 'Europe/Paris',
          accountType: 'BUSINESS',
        },
        phoneNumbers: [{ phoneNumberId: t.phoneNumberId, displayNumber: t.displayNumber }],
      }),
  },
  disconnectWhatsAppAccount: {
    roles: ['admin'],
    otherPortal: 'refused',
    probe: onAccount('disconnectWhatsAppAccount'),
  },
  markBusinessVerified: { roles: ['admin'], otherPortal: 'refused', probe: onAccount('markBusinessVerified') },
  addPhoneNumber: {
    roles: ['admin'],
    otherPortal: 'refused',
    probe: (t) =>
      mutation('addPhoneNumber', 'AddPhoneNumberInput', 'accountId displayNumber position', {
        ...{ accountId: t.accountId, phoneNumberId: '999000111222', displayNumber: '+15559990000' },
      }),
  },
  removePhoneNumber: {
    roles: ['admin'],
    otherPortal: 'refused',
    probe: (t) =>
      mutation('removePhoneNumber', 'RemovePhoneNumberInput', 'accountId displayNumber position', {
        accountId: t.accountId,
        displayNumber: t.displayNumber,
      }),
  },
  registerTemplate: {
    roles: ['admin'],
    otherPortal: 'refused',
    probe: (t) =>
      mutation('registerTemplate', 'RegisterTemplateInput', 'accountId name language position', {
        ...{
          accountId: t.accountId,
          name: 'probe_template',
          language: 'en_US',
          category: 'UTILITY',
          body: 'probe {{1}}',
        },
      }),
  },
  approveTemplate: {
    roles: ['admin'],
    otherPortal: 'refused',
    probe: (t) =>
      mutation('approveTemplate', 'ApproveTemplateInput', 'accountId name language position', { ...t.template }),
  },
  rejectTemplate: {
    roles: ['admin'],
    otherPortal: 'refused',
    probe: (t) =>
      mutation('rejectTemplate', 'RejectTemplateInput', 'accountId name language position', {
        ...t.template,
        reason: 'probe',
      }),
  },
  rebuildProjection: {
    roles: ['operator'],
    otherPortal: 'service-wide',
    // No such projection: the guard's answer is what is probed here, without starting a rebuild.
    probe: () => ({ query: 'mutation { rebuildProjection(name: "no_such_projection") { state } }' }),
  },
};
