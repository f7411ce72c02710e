import { CONTACT_PHONE } from './seed-portals.js';
import { type FieldRule, agents, anyRole, isNotNull, isNull } from './field-rule.js';

const THREAD = 'thread { nodes { id content { __typename ... on TextContent { body } } } }';

/** Every Query field: who may ask, and what another portal gets when it asks about the victim's things. */
export const QUERY_FIELDS: Readonly<Record<string, FieldRule>> = {
  serviceHealth: {
    roles: 'public',
    otherPortal: 'nothing',
    probe: () => ({ query: '{ serviceHealth { healthy } }' }),
    ownerSees: isNotNull,
  },
  tickets: {
    roles: anyRole,
    otherPortal: 'nothing',
    // Searching the victim's own words: the strongest way to look for its tickets.
    probe: (t) => ({
      query: 'query ($s: String) { tickets(search: $s) { totalCount nodes { id preview contact { name } } } }',
      variables: { s: t.marker },
    }),
    nothing: (value) => (value as { totalCount: number }).totalCount === 0,
  },
  ticket: {
    roles: anyRole,
    otherPortal: 'nothing',
    probe: (t) => ({
      query: 'query ($id: ID!) { ticket(id: $id) { id preview contact { name } } }',
      variables: { id: t.ticketId },
    }),
    nothing: isNull,
  },
  conversation: {
    roles: anyRole,
    otherPortal: 'nothing',
    probe: (t) => ({
      query: `query ($id: ID!) { conversation(id: $id) { id ${THREAD} } }`,
      variables: { id: t.conversationId },
    }),
    nothing: isNull,
  },
  views: { roles: anyRole, otherPortal: 'nothing', probe: () => ({ query: '{ views { id name ticketCount } }' }) },
  view: {
    roles: anyRole,
    otherPortal: 'nothing',
    probe: (t) => ({
      query: 'query ($id: ID!) { view(id: $id) { id name ticketCount } }',
      variables: { id: t.viewId },
    }),
    nothing: isNull,
  },
  portal: {
    roles: [...anyRole, 'operator'],
    otherPortal: 'nothing',
    // The portal is the token's: there is no argument naming another one.
    probe: () => ({ query: '{ portal { id name timeZone monthlyConversationLimit } }' }),
  },
  campaign: {
    roles: agents,
    otherPortal: 'nothing',
    probe: (t) => ({
      query: 'query ($id: ID!) { campaign(id: $id) { id state total refused templateName } }',
      variables: { id: t.campaignId },
    }),
    ownerSees: isNotNull,
    nothing: isNull,
  },
  quotaUsage: {
    roles: anyRole,
    otherPortal: 'nothing',
    // The portal is the token's: there is no way to name another one's quota.
    probe: () => ({ query: '{ quotaUsage { used limit remaining } }' }),
    ownerSees: isNotNull,
  },
  dailyUsage: {
    roles: anyRole,
    otherPortal: 'nothing',
    probe: (t) => ({
      query: 'query ($a: ID!) { dailyUsage(accountId: $a) { accountId businessInitiated } }',
      variables: { a: t.accountId },
    }),
    ownerSees: isNotNull,
    nothing: isNull,
  },
  channels: { roles: anyRole, otherPortal: 'nothing', probe: () => ({ query: '{ channels { id name wabaId } }' }) },
  templates: {
    roles: anyRole,
    otherPortal: 'nothing',
    probe: (t) => ({
      query: 'query ($a: ID) { templates(accountId: $a) { name body } }',
      variables: { a: t.accountId },
    }),
    nothing: (value) => (value as unknown[]).length === 0,
  },
  contacts: {
    roles: anyRole,
    otherPortal: 'nothing',
    probe: () => ({ query: '{ contacts { totalCount nodes { id name } } }' }),
  },
  contactsByPhone: {
    roles: anyRole,
    otherPortal: 'nothing',
    probe: () => ({
      query: 'query ($p: String!) { contactsByPhone(phone: $p) { id name } }',
      variables: { p: CONTACT_PHONE },
    }),
  },
  conversationHistory: {
    roles: ['auditor'],
    otherPortal: 'nothing',
    probe: (t) => ({
      query: 'query ($c: ID!) { conversationHistory(conversationId: $c) { type data } }',
      variables: { c: t.conversationId },
    }),
    nothing: isNull,
  },
  conversationExport: {
    roles: ['auditor'],
    otherPortal: 'nothing',
    probe: (t) => ({
      query: 'query ($c: ID!) { conversationExport(conversationId: $c) { ndjson count } }',
      variables: { c: t.conversationId },
    }),
    nothing: isNull,
  },
  verifyConversationExport: {
    roles: ['auditor'],
    otherPortal: 'nothing',
    // The victim's real export, as if it had leaked: another portal cannot even have it confirmed.
    probe: (t) => ({
      query: 'query ($n: String!) { verifyConversationExport(ndjson: $n) { ok line problem } }',
      variables: { n: t.exportNdjson },
    }),
    ownerSees: (value) => (value as { ok: boolean }).ok === true,
    nothing: (value) => (value as { ok: boolean }).ok === false,
  },
  projections: {
    roles: ['operator'],
    otherPortal: 'service-wide',
    probe: () => ({ query: '{ projections { name state lagEvents } }' }),
    ownerSees: isNotNull,
  },
  inboxBacklog: {
    roles: ['operator'],
    otherPortal: 'service-wide',
    probe: () => ({ query: '{ inboxBacklog { payloads capped oldestReceivedAt } }' }),
    ownerSees: isNotNull,
  },
  projectionRebuild: {
    roles: ['operator'],
    otherPortal: 'service-wide',
    probe: () => ({ query: '{ projectionRebuild(name: "ticket_list") { state } }' }),
    ownerSees: () => true,
  },
  projectionDriftCheck: {
    roles: ['operator'],
    otherPortal: 'service-wide',
    probe: () => ({ query: '{ projectionDriftCheck(name: "ticket_list") { equal eventsReplayed } }' }),
    ownerSees: isNotNull,
  },
};
