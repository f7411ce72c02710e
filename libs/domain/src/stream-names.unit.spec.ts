import {
  SingleStreamName,
  StreamCategory,
  channelStreamName,
  contactPhoneStreamName,
  contactStreamName,
  conversationIdFromStreamName,
  conversationStreamName,
  conversationsByPhoneStreamName,
  dailyQuotaStreamName,
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

describe('Stream names', () => {
  it('names no single stream so that a category’s prefix filter would see it', () => {
    const seen = Object.values(SingleStreamName).filter((name) => categories.some((category) => name.startsWith(streamPrefix(category))));
    expect(seen).toEqual([]);
  });

  it('joins the category and the parts with "-"', () => {
    expect(categories.every((category) => streamPrefix(category) === `${category}-`)).toBe(true);
    expect(streamName(StreamCategory.template, 'acc-1', 'welcome', 'en_US')).toBe('template-acc-1-welcome-en_US');
    expect(conversationIdFromStreamName(conversationStreamName('p-1-31612345678'))).toBe('p-1-31612345678');
    expect(conversationIdFromStreamName(conversationsByPhoneStreamName('p', '316'))).toBeNull();
  });

  it('names every stream as the service always has', () => {
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
      phoneNumberId: phoneNumberIdStreamName('106540352242922'),
      contactPhoneIndex: contactPhoneStreamName('p', '+31612345678'),
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
      phoneNumberId: 'phone-number-id-106540352242922',
      contactPhoneIndex: 'contact-phone-p-31612345678',
    });
  });

});
