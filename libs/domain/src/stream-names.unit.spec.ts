import {
  FormerStreamCategory,
  SingleStreamName,
  StreamCategory,
  channelStreamName,
  contactPhoneStreamName,
  contactStreamName,
  conversationIdFromStreamName,
  conversationStreamName,
  conversationsByPhoneStreamName,
  dailyQuotaStreamName,
  formerContactPhoneStreamNames,
  formerPhoneNumberIdStreamNames,
  monthlyQuotaStreamName,
  phoneNumberClaimStreamName,
  phoneNumberIdStreamName,
  portalStreamName,
  streamName,
  streamPrefix,
  templateStreamName,
  viewSlotsStreamName,
  viewStreamName,
  wabaClaimStreamName,
} from './stream-names.js';

const categories = Object.values(StreamCategory);

/** The categories named before the rule that a category has no '-': renaming them would strand their streams. */
const HYPHENATED_BEFORE_THE_RULE = [
  'quota-month',
  'quota-day',
  'whatsapp-account',
  'phone-number',
  'conversations-by-phone',
  'whatsapp-inbox',
];

/**
 * Either way round: a stream of `contact` whose first part is `phone` would be named like one of
 * `contact-phone`, so `a`'s prefix beginning `b`'s is a collision whichever filter is set.
 */
function overlapsOf(list: readonly string[]): string[] {
  const prefixOf = (category: string) => `${category}-`;
  return list.flatMap((a) =>
    list
      .filter((b) => a !== b && prefixOf(b).startsWith(prefixOf(a)))
      .map((b) => `${prefixOf(a)} begins ${prefixOf(b)}`),
  );
}

describe('Stream names', () => {
  it('gives each category a prefix that begins no other category’s, so a prefix filter sees one category only', () => {
    expect(overlapsOf(categories)).toEqual([]);
    expect(new Set(categories).size).toBe(categories.length);
  });

  it('names no single stream so that a category’s prefix filter would see it', () => {
    const seen = Object.values(SingleStreamName).filter((name) =>
      categories.some((category) => name.startsWith(streamPrefix(category))),
    );
    expect(seen).toEqual([]);
  });

  it('would have found the two collisions of the former names', () => {
    const before = categories.map((category) =>
      category === StreamCategory.contactPhoneIndex
        ? FormerStreamCategory.contactPhoneIndex
        : category === StreamCategory.phoneNumberIdClaim
          ? FormerStreamCategory.phoneNumberIdClaim
          : category,
    );
    expect(overlapsOf(before)).toEqual(['phone-number- begins phone-number-id-', 'contact- begins contact-phone-']);
  });

  it('keeps a category free of "-" unless it had one before the rule, so EventStoreDB’s $by_category sees it whole', () => {
    expect(categories.filter((category) => category.includes('-')).sort()).toEqual(
      [...HYPHENATED_BEFORE_THE_RULE].sort(),
    );
    expect(categories.every((category) => /^[a-z][a-z_-]*[a-z]$/.test(category))).toBe(true);
  });

  it('joins the category and the parts with "-"', () => {
    expect(categories.every((category) => streamPrefix(category) === `${category}-`)).toBe(true);
    expect(streamName(StreamCategory.template, 'acc-1', 'welcome', 'en_US')).toBe('template-acc-1-welcome-en_US');
    expect(conversationIdFromStreamName(conversationStreamName('p-1-31612345678'))).toBe('p-1-31612345678');
    expect(conversationIdFromStreamName(conversationsByPhoneStreamName('p', '316'))).toBeNull();
  });

  it('names every stream as the service always has, but for the two categories that collided', () => {
    expect({
      portal: portalStreamName('p'),
      monthlyQuota: monthlyQuotaStreamName('p', '2025-03-01'),
      dailyQuota: dailyQuotaStreamName('acc', '2025-03-11'),
      channel: channelStreamName('acc'),
      wabaClaim: wabaClaimStreamName('1001'),
      phoneNumberClaim: phoneNumberClaimStreamName('+31612345678'),
      contact: contactStreamName('p', 'c-1'),
      template: templateStreamName('acc', 'welcome', 'en'),
      view: viewStreamName('p', 'v-1'),
      viewSlots: viewSlotsStreamName('p'),
      conversation: conversationStreamName('p-106-31612345678'),
      conversationsByPhone: conversationsByPhoneStreamName('p', '31612345678'),
    }).toEqual({
      portal: 'portal-p',
      monthlyQuota: 'quota-month-p-2025-03-01',
      dailyQuota: 'quota-day-acc-2025-03-11',
      channel: 'whatsapp-account-acc',
      wabaClaim: 'waba-1001',
      phoneNumberClaim: 'phone-number-31612345678',
      contact: 'contact-p-c-1',
      template: 'template-acc-welcome-en',
      view: 'view-p-v-1',
      viewSlots: 'view_slots-p',
      conversation: 'conversation-p-106-31612345678',
      conversationsByPhone: 'conversations-by-phone-p-31612345678',
    });
  });

  it('renames the two that collided, and still names where they were written before', () => {
    expect(contactPhoneStreamName('p', '+31612345678')).toBe('contact_phone-p-31612345678');
    expect(formerContactPhoneStreamNames('p', '+31612345678')).toEqual(['contact-phone-p-31612345678']);
    expect(phoneNumberIdStreamName('106540352242922')).toBe('phone_number_id-106540352242922');
    expect(formerPhoneNumberIdStreamNames('106540352242922')).toEqual(['phone-number-id-106540352242922']);
    // The former names fall under the prefixes of `contact` and `phone-number`: why they are no category now.
    expect(
      Object.values(FormerStreamCategory).every((former) => !(categories as readonly string[]).includes(former)),
    ).toBe(true);
  });
});
