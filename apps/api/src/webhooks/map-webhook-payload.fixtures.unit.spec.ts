import type { InboundContent } from '@helpdesk/domain';
import { mapWebhookPayload } from './map-webhook-payload.js';
import { allPywaPayloads } from './pywa.fixtures.js';
import type { MetaError, StatusUpdate, WebhookItem } from './webhook-items.js';

/** Every named payload of every pywa fixture file, and the items it must map to. */
const FIRST_MESSAGE = 'entry[0].changes[0].value.messages[0]';
const FIRST_STATUS = 'entry[0].changes[0].value.statuses[0]';
const business = { phoneNumberId: '1122334455667', displayPhoneNumber: '972123456789' };
const at = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/** Every pywa payload names its sender in `contacts[].profile.name`, kept as `profileName`. */
const message = (
  wamid: string,
  sentAt: number,
  content: InboundContent,
  from = '+972987654321',
  profileName: string | null = 'Test Name',
): WebhookItem => ({
  kind: 'message',
  where: FIRST_MESSAGE,
  message: { ...business, wamid, from, sentAt: at(sentAt), content, ...(profileName && { profileName }) },
});
const status = (value: StatusUpdate['status'], timestamp: number, extra: Partial<StatusUpdate> = {}): WebhookItem => ({
  kind: 'status',
  where: FIRST_STATUS,
  status: {
    ...business,
    wamid: 'wamid.xyzxyz',
    recipientWaId: '972987654321',
    status: value,
    at: at(timestamp),
    ...extra,
  },
});
const unsupported = (unsupportedKind: string, detail: string) =>
  ({ kind: 'unsupported', unsupportedKind, detail }) as InboundContent;
const text = (body: string): InboundContent => ({ kind: 'text', body });
const notSupported = '131051 Message type unknown (Message type is currently not supported.)';
const experiment: MetaError = {
  code: 130472,
  title: "User's number is part of an experiment",
  message: "User's number is part of an experiment",
  details: "Failed to send message because this user's phone number is part of an experiment",
};
const interactive = (replyType: 'button' | 'list', extra = {}): InboundContent => ({
  kind: 'interactive_reply',
  replyType,
  replyId: 'callback_data',
  title: 'title',
  ...extra,
});
const image: InboundContent = { kind: 'image', mediaId: '65463453', mimeType: 'image/jpeg', sha256: '4654+8g=' };
const card = (formattedName: string, phone: string, type: string) => ({
  formattedName,
  phones: [{ phone, waId: '972987654321', type }],
});

const EXPECTED: Record<string, WebhookItem[]> = {
  'callback_button.json/button': [message('wamid.xyzxyz', 1698266730, interactive('button'))],
  'callback_button.json/quick_reply': [
    message('wamid.xsidjw', 1698269027, { kind: 'button_reply', payload: 'callback_data', text: 'title' }),
  ],
  'callback_button.json/quick_reply_without_context': [
    message('wamid.xsidjx', 1698269027, { kind: 'button_reply', payload: 'callback_data', text: 'title' }),
  ],
  'callback_selection.json/callback': [message('wamid.zyzxyz', 1698266905, interactive('list'))],
  'callback_selection.json/description': [
    message('wamid.zyzxyz', 1698266905, interactive('list', { description: 'description' })),
  ],
  // pywa left Meta's placeholders in this one: not routable, so said so (the content alone is tested elsewhere).
  'deleted_message.json/revoke': [
    {
      kind: 'unmapped',
      where: FIRST_MESSAGE,
      reason: "Message <WHATSAPP_MESSAGE_ID>: the business phone_number_id '<BUSINESS_PHONE_NUMBER_ID>' is not digits",
      wamid: '<WHATSAPP_MESSAGE_ID>',
    },
  ],
  'edited_message.json/image': [
    {
      kind: 'message',
      where: FIRST_MESSAGE,
      message: {
        phoneNumberId: '106540352242922',
        displayPhoneNumber: '15550783881',
        wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
        from: '+16505551234',
        sentAt: at(1749854575),
        content: unsupported(
          'edited',
          'The contact edited wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA= (new image content)',
        ),
      },
    },
  ],
  'message.json/text': [message('wamid.xyzxyz', 1697043223, text('Body Text'))],
  'message.json/image': [message('wamid.xyzxyz', 1697043379, image)],
  'message.json/media_with_url': [message('wamid.xyzxyz', 1697043379, image)],
  'message.json/video': [
    message('wamid.xyzxyz', 1697044362, {
      kind: 'video',
      mediaId: '765756756',
      mimeType: 'video/mp4',
      sha256: 'Jh+2ij6PzUv/J2y+grrtegr/ZMzRxkEPwc24Oyib4s03w9Jc=',
      caption: 'caption',
    }),
  ],
  'message.json/document': [
    message('wamid.xyzxyz', 1697043666, {
      kind: 'document',
      mediaId: '1234567890987654321',
      mimeType: 'application/pdf',
      sha256: 'grwfwe/ZPx0wAbdfbdeFUNItPZ0RylL8gGUvdt3YFqc18SY=',
      caption: 'caption',
      filename: 'filename.pdf',
    }),
  ],
  'message.json/audio': [
    message('wamid.xyzxyz', 1697043509, {
      kind: 'audio',
      mediaId: '1234567890987654321',
      mimeType: 'audio/ogg; codecs=opus',
      sha256: 'E3dxS/PdYZE7ppA3pQ4mpCFaXBJ8pX4SRN/dsfvds/iPGA=',
    }),
  ],
  'message.json/voice': [
    message('wamid.xyzxyz', 1697043473, {
      kind: 'voice',
      mediaId: '1234567890987654321',
      mimeType: 'audio/ogg; codecs=opus',
      sha256: 'm04pFf2ERdaopTyFkGPA0+bX3i+YY2dYgVFwOgDLSDI=',
    }),
  ],
  'message.json/static_sticker': [
    message('wamid.xyzxyz', 1697043760, {
      kind: 'sticker',
      mediaId: '1234567890987654321',
      mimeType: 'image/webp',
      sha256: 'OmT4nhjUhCMIPNmj7eeOZeCYjTXkLxoOv85OMCFwSuc=',
      animated: false,
    }),
  ],
  'message.json/animated_sticker': [
    message('wamid.xyzxyz', 1697043785, {
      kind: 'sticker',
      mediaId: '1234567890987654321',
      mimeType: 'image/webp',
      sha256: 'HcwyCKrTKXHk0a00ms4HWIA76GY0Du6q4Z/iuwevw=',
      animated: true,
    }),
  ],
  'message.json/reaction': [
    message('wamid.xyzxyz', 1697044456, unsupported('reaction', 'The contact reacted \u{1F62E} to wamid.yzxyzx=')),
  ],
  'message.json/unreaction_empty': [
    message(
      'wamid.xyzxyz',
      1697044456,
      unsupported('reaction_removed', 'The contact removed their reaction to wamid.yzxyzx='),
    ),
  ],
  'message.json/unreaction_no_emoji': [
    message(
      'wamid.xyzxyz',
      1697044456,
      unsupported('reaction_removed', 'The contact removed their reaction to wamid.yzxyzx='),
    ),
  ],
  'message.json/current_location': [
    message('wamid.xyzxyz', 1697044557, { kind: 'location', latitude: 12.25089, longitude: 43.90539 }),
  ],
  'message.json/chosen_location': [
    message('wamid.xyzxyz', 1697044557, {
      kind: 'location',
      latitude: 37.4611978,
      longitude: -122.2164385,
      name: 'Facebook HQ',
      address: '1 Hacker Way, Menlo Park, CA 94025',
    }),
  ],
  'message.json/contacts': [
    message('wamid.xyzxyz', 1697044621, {
      kind: 'contacts',
      contacts: [
        card('Chandler Bing', '+1 555-555-5555', 'CELL'),
        card('Monica', '+1 666-666-6666', 'HOME'),
        card('Rachel Green', '+1 777-777-7777', 'WORK'),
      ],
    }),
  ],
  'message.json/order': [
    message(
      'wamid.xyzxyz',
      1697044668,
      unsupported('unsupported_type', 'An order of 3 item(s) from catalog 354160437058781'),
    ),
  ],
  'message.json/unsupported': [
    message(
      'wamid.xyzxyz',
      1697044706,
      unsupported('unsupported_type', `WhatsApp cannot deliver this message type [${notSupported}]`),
    ),
  ],
  'message.json/unsupported_with_type': [
    message(
      'wamid.xyzxyz',
      1697044706,
      unsupported('unsupported_type', `WhatsApp cannot deliver this message type ('pool') [${notSupported}]`),
    ),
  ],
  'message.json/reply': [message('wamid.xyzxyz', 1697044746, text('replied text'))],
  'message.json/forwarded': [message('wamid.xyzxyz', 1697044815, text('forwarded text'))],
  'message.json/forwarded_many_times': [message('wamid.xyzxyz', 1697044968, text('text forwarded many times'))],
  'message.json/interactive_message_with_err': [
    message(
      'wamid.wegrchytvwcggt=',
      1700505494,
      unsupported('unknown', 'Not understood: an interactive message without its reply'),
    ),
    {
      kind: 'error',
      where: 'entry[0].changes[0].value.errors[0]',
      phoneNumberId: '1122334455667',
      error: {
        code: 131000,
        title: 'Something went wrong',
        message: 'Something went wrong',
        details: 'Unsupported webhook payload',
      },
    },
  ],
  'message.json/referral': [message('wamid.ID', 1697045000, text('BODY'))],
  'message_status.json/sent': [status('sent', 1698266945)],
  'message_status.json/delivered': [status('delivered', 1698266945)],
  'message_status.json/read': [status('read', 1689380458)],
  'message_status.json/played': [status('played', 1689380458)],
  'message_status.json/failed': [status('failed', 1689380458, { error: experiment })],
  'message_status.json/with_tracker': [status('sent', 1698266945, { callbackData: 'some data' })],
  'message_status.json/group': [
    {
      kind: 'unmapped',
      where: FIRST_STATUS,
      reason: 'Status of <WHATSAPP_MESSAGE_ID>: statuses of group messages are not handled',
      wamid: '<WHATSAPP_MESSAGE_ID>',
    },
  ],
  'system.json/phone_number_change': [
    message(
      'wamid.xyzxyz==',
      1753851315,
      unsupported('system', 'user_changed_number: User A changed from 972987654321 to 972912345678'),
      '+972987654321',
      null, // no contacts[] in a system message
    ),
  ],
  'system.json/identity_change': [
    message(
      'wamid.xyzxyz',
      1697044706,
      unsupported('system', 'customer_identity_changed: User identity changed'),
      '+972987654321',
      'User A',
    ),
  ],
};

/** What a payload holds, counted straight from the JSON: each must come out as exactly one item. */
function countItemsIn(payload: Record<string, unknown>): number {
  const entries = payload.entry as { changes: { value: Record<string, unknown[] | undefined> }[] }[];
  return entries
    .flatMap((entry) => entry.changes)
    .reduce(
      (sum, { value }) =>
        sum + (value.messages?.length ?? 0) + (value.statuses?.length ?? 0) + (value.errors?.length ?? 0),
      0,
    );
}

describe('Mapping every pywa fixture payload', () => {
  const payloads = allPywaPayloads();

  it('has an expectation for every named payload of every fixture file, and no stale one', () => {
    expect(payloads.map(({ key }) => key).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(payloads.map(({ key, payload }) => [key, payload] as const))('%s maps to its items', (key, payload) => {
    expect(mapWebhookPayload(payload)).toEqual(EXPECTED[key]);
  });

  it.each(payloads.map(({ key, payload }) => [key, payload] as const))('%s drops nothing', (_key, payload) => {
    expect(mapWebhookPayload(payload)).toHaveLength(countItemsIn(payload));
  });
});
