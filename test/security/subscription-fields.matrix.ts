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
};
