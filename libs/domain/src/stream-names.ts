import { toWaId } from './phone-number/e164.js';

/**
 * Every category of stream the service writes, in one place: a stream is named
 * `{category}-{part}-{part}...` by `streamName`, and nothing else spells a name.
 *
 * A subscription filtered on `streamPrefix(category)` must see that category only, so no
 * category's prefix (with its '-') may begin another's (stream-names.unit.spec.ts checks it).
 * New categories contain no '-' (words joined by '_'): EventStoreDB's `$by_category` splits a name
 * at its first '-', so there a category with a '-' would share its `$ce-` stream with others. The
 * categories that already had one keep it: renaming them would strand every stored stream.
 */
export const StreamCategory = {
  portal: 'portal',
  monthlyQuota: 'quota-month',
  dailyQuota: 'quota-day',
  channel: 'whatsapp-account',
  wabaClaim: 'waba',
  phoneNumberClaim: 'phone-number',
  phoneNumberIdClaim: 'phone_number_id',
  contact: 'contact',
  contactPhoneIndex: 'contact_phone',
  template: 'template',
  view: 'view',
  viewSlots: 'view_slots',
  conversation: 'conversation',
  conversationsByPhone: 'conversations-by-phone',
  webhookInbox: 'whatsapp-inbox',
  campaign: 'campaign',
} as const;

export type StreamCategory = (typeof StreamCategory)[keyof typeof StreamCategory];

/**
 * Streams that are one of a kind (a worker's checkpoint, its failures), named whole. A prefix
 * filter on a category must not see them either: none begins with a category's prefix.
 */
export const SingleStreamName = {
  inboxProcessorCheckpoint: 'whatsapp-processor-checkpoint',
  inboxProcessorFailures: 'whatsapp-processor-failures',
  outboundDispatcherCheckpoint: 'outbound-dispatcher-checkpoint',
  inboundMediaFetcherCheckpoint: 'inbound-media-fetcher-checkpoint',
  campaignRunnerCheckpoint: 'campaign_runner-checkpoint',
} as const;

/**
 * Names the categories that collided had before: `contact-` began `contact-phone-` and
 * `phone-number-` began `phone-number-id-`. Streams under these names are frozen: nothing writes
 * them any more, and their loaders fold them before the stream of the current name (the
 * `olderNames` of `handleCommand` and `loadState`).
 */
export const FormerStreamCategory = {
  contactPhoneIndex: 'contact-phone',
  phoneNumberIdClaim: 'phone-number-id',
} as const;

type AnyCategory = StreamCategory | (typeof FormerStreamCategory)[keyof typeof FormerStreamCategory];

export function streamName(category: AnyCategory, ...parts: readonly string[]): string {
  return [category, ...parts].join('-');
}

/** What every stream of the category, and only those, begins with: for a subscription's `prefixes`. */
export function streamPrefix(category: StreamCategory): string {
  return `${category}-`;
}

/** What follows the category in a stream of it (its id), or null for a stream of another category. */
export function idFromStreamName(category: StreamCategory, name: string): string | null {
  const prefix = streamPrefix(category);
  return name.startsWith(prefix) ? name.slice(prefix.length) : null;
}

/** One stream per portal (tenant). */
export function portalStreamName(portalId: string): string {
  return streamName(StreamCategory.portal, portalId);
}

/** A portal's conversations of one monthly period: the period key is its local start date. */
export function monthlyQuotaStreamName(portalId: string, periodKey: string): string {
  return streamName(StreamCategory.monthlyQuota, portalId, periodKey);
}

/** A WABA's business-initiated conversations of one local day (unverified businesses only). */
export function dailyQuotaStreamName(accountId: string, day: string): string {
  return streamName(StreamCategory.dailyQuota, accountId, day);
}

export function channelStreamName(accountId: string): string {
  return streamName(StreamCategory.channel, accountId);
}

/** One stream per WABA id across all portals: its expected revision settles two portals connecting it at once. */
export function wabaClaimStreamName(wabaId: string): string {
  return streamName(StreamCategory.wabaClaim, wabaId);
}

/** One stream per number across all portals: its expected revision is what makes claims race-free. */
export function phoneNumberClaimStreamName(e164: string): string {
  return streamName(StreamCategory.phoneNumberClaim, toWaId(e164));
}

export function phoneNumberIdStreamName(phoneNumberId: string): string {
  return streamName(StreamCategory.phoneNumberIdClaim, phoneNumberId);
}

/** Where the id's claim was written before its category was renamed: folded first, never written. */
export function formerPhoneNumberIdStreamNames(phoneNumberId: string): string[] {
  return [streamName(FormerStreamCategory.phoneNumberIdClaim, phoneNumberId)];
}

export function contactStreamName(portalId: string, contactId: string): string {
  return streamName(StreamCategory.contact, portalId, contactId);
}

/** Per portal: two portals' contacts with one number never meet. */
export function contactPhoneStreamName(portalId: string, e164: string): string {
  return streamName(StreamCategory.contactPhoneIndex, portalId, toWaId(e164));
}

/** Where the number's index was written before its category was renamed: folded first, never written. */
export function formerContactPhoneStreamNames(portalId: string, e164: string): string[] {
  return [streamName(FormerStreamCategory.contactPhoneIndex, portalId, toWaId(e164))];
}

export function templateStreamName(accountId: string, name: string, language: string): string {
  return streamName(StreamCategory.template, accountId, name, language);
}

export function viewStreamName(portalId: string, viewId: string): string {
  return streamName(StreamCategory.view, portalId, viewId);
}

/** A template campaign: its recipients and what became of each. */
export function campaignStreamName(portalId: string, campaignId: string): string {
  return streamName(StreamCategory.campaign, portalId, campaignId);
}

/** One stream per portal: its expected revision makes two creations racing for the last slot end with one view. */
export function viewSlotsStreamName(portalId: string): string {
  return streamName(StreamCategory.viewSlots, portalId);
}

/**
 * One conversation per (portal, business phone number, contact): its tickets, thread and sessions.
 * The id is `conversationIdOf` its key.
 */
export function conversationStreamName(conversationId: string): string {
  return streamName(StreamCategory.conversation, conversationId);
}

export function conversationIdFromStreamName(name: string): string | null {
  return idFromStreamName(StreamCategory.conversation, name);
}

/** An index of a portal's conversations with one contact number, for associating contacts created later. */
export function conversationsByPhoneStreamName(portalId: string, contactWaId: string): string {
  return streamName(StreamCategory.conversationsByPhone, portalId, contactWaId);
}
