import { type FieldRule, agents } from './field-rule.js';

const filtered =
  (field: string, selection: string): FieldRule['probe'] =>
  (t) => ({
    query: `subscription ($c: ID) { ${field}(conversationId: $c) { ${selection} } }`,
    variables: { c: t.conversationId },
  });

/** Every Subscription field (driven over WebSocket by subscriptions-matrix.e2e.spec.ts). */
export const SUBSCRIPTION_FIELDS: Readonly<Record<string, FieldRule>> = {
  messageReceived: {
    roles: agents,
    otherPortal: 'nothing',
    probe: filtered('messageReceived', 'conversationId messageId preview'),
  },
  ticketChanged: {
    roles: agents,
    otherPortal: 'nothing',
    probe: filtered('ticketChanged', 'conversationId ticketId change'),
  },
  messageDeliveryChanged: {
    roles: agents,
    otherPortal: 'nothing',
    probe: filtered('messageDeliveryChanged', 'conversationId messageId delivery { status error { code title } }'),
  },
  campaignProgress: {
    roles: agents,
    otherPortal: 'nothing',
    probe: (t) => ({
      query: 'subscription ($id: ID!) { campaignProgress(id: $id) { id state total templateName } }',
      variables: { id: t.campaignId },
    }),
  },
};

/**
 * The subscriptions that follow a portal's conversations and hear a contact's message (the others name
 * one thing of the portal; messageDeliveryChanged hears Meta's statuses: its own cases in the spec).
 */
export const CONVERSATION_SUBSCRIPTIONS: readonly string[] = ['messageReceived', 'ticketChanged'];
