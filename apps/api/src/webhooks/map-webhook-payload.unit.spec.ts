import { mapMessageContent } from './map-message-content.js';
import { mapWebhookPayload } from './map-webhook-payload.js';
import { pywaPayload } from './pywa.fixtures.js';
import type { WebhookItem } from './webhook-items.js';

type Value = Record<string, unknown>;
const valueOf = (file: string, name: string): Value =>
  (pywaPayload(file, name) as { entry: { changes: { value: Value }[] }[] }).entry[0].changes[0].value;
const firstMessage = (file: string, name: string) => (valueOf(file, name).messages as Value[])[0];
const payloadOf = (...entries: unknown[]) => ({ object: 'whatsapp_business_account', entry: entries });
const entryOf = (...changes: unknown[]) => ({ id: 'waba-1', changes });
const messagesChange = (value: Value) => ({ field: 'messages', value });
const summary = (items: WebhookItem[]) =>
  items.map((item) => {
    if (item.kind === 'message') return `${item.where} message ${item.message.wamid} ${item.message.content.kind}`;
    if (item.kind === 'status') return `${item.where} status ${item.status.wamid} ${item.status.status}`;
    if (item.kind === 'error') return `${item.where} error ${item.error.code}`;
    return `${item.where} unmapped: ${item.reason}`;
  });

describe('Mapping one POST with several entries, changes, messages and statuses', () => {
  it('maps every item, in payload order, pointing at where it was', () => {
    const text = valueOf('message.json', 'text');
    const image = firstMessage('message.json', 'image');
    const reaction = { ...firstMessage('message.json', 'reaction'), id: 'wamid.reaction' };
    const delivered = (valueOf('message_status.json', 'delivered').statuses as Value[])[0];
    const read = { ...(valueOf('message_status.json', 'read').statuses as Value[])[0], id: 'wamid.other' };
    const payload = payloadOf(
      entryOf(
        messagesChange({ ...text, messages: [...(text.messages as Value[]), { ...image, id: 'wamid.image' }] }),
        messagesChange({ ...valueOf('message_status.json', 'delivered'), statuses: [delivered, read] }),
      ),
      entryOf(
        { field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } },
        messagesChange({
          ...text,
          messages: [reaction],
          statuses: [delivered],
          errors: [{ code: 131000, title: 'Something went wrong' }],
        }),
      ),
    );

    expect(summary(mapWebhookPayload(payload))).toEqual([
      'entry[0].changes[0].value.messages[0] message wamid.xyzxyz text',
      'entry[0].changes[0].value.messages[1] message wamid.image image',
      'entry[0].changes[1].value.statuses[0] status wamid.xyzxyz delivered',
      'entry[0].changes[1].value.statuses[1] status wamid.other read',
      "entry[1].changes[0] unmapped: Changes of field 'account_update' are not handled",
      'entry[1].changes[1].value.messages[0] message wamid.reaction unsupported',
      'entry[1].changes[1].value.statuses[0] status wamid.xyzxyz delivered',
      'entry[1].changes[1].value.errors[0] error 131000',
    ]);
  });
});

describe('Mapping what does not fit', () => {
  it('says why an entry, a change or an item cannot become a command', () => {
    const text = valueOf('message.json', 'text');
    const message = (text.messages as Value[])[0];
    const payload = payloadOf(
      { id: 'no-changes' },
      entryOf(
        { field: 'messages' },
        messagesChange({ metadata: text.metadata }),
        messagesChange({ ...text, messages: { not: 'a list' } }),
        messagesChange({
          ...text,
          messages: [
            { ...message, from: '+972987654321' },
            { ...message, timestamp: 'yesterday' },
            { ...message, id: undefined },
          ],
        }),
        messagesChange({
          metadata: text.metadata,
          statuses: [{ id: 'wamid.s', status: 'deleted', timestamp: '1698266945', recipient_id: '1' }],
        }),
      ),
    );

    expect(summary(mapWebhookPayload(payload))).toEqual([
      'entry[0] unmapped: The entry has no changes list',
      'entry[1].changes[0] unmapped: The change has no value',
      'entry[1].changes[1] unmapped: The change carries no message, status or error',
      "entry[1].changes[2].value.messages unmapped: 'messages' is not a list",
      "entry[1].changes[3].value.messages[0] unmapped: Message wamid.xyzxyz: the sender '+972987654321' is not a WhatsApp id",
      "entry[1].changes[3].value.messages[1] unmapped: Message wamid.xyzxyz: the timestamp 'yesterday' is not unix seconds",
      'entry[1].changes[3].value.messages[2] unmapped: A message without an id',
      "entry[1].changes[4].value.statuses[0] unmapped: Status of wamid.s: the status 'deleted' is not known",
    ]);
    expect(mapWebhookPayload({ object: 'whatsapp_business_account' })).toEqual([
      { kind: 'unmapped', where: 'payload', reason: 'The payload has no entry list' },
    ]);
  });

  it('keeps a deleted message as a placeholder (the pywa fixture, with real numbers in place of its placeholders)', () => {
    const value = valueOf('deleted_message.json', 'revoke');
    const revoke = { ...(value.messages as Value[])[0], id: 'wamid.revoke', from: '972987654321' };
    const metadata = { display_phone_number: '972123456789', phone_number_id: '1122334455667' };
    const [item] = mapWebhookPayload(payloadOf(entryOf(messagesChange({ ...value, metadata, messages: [revoke] }))));

    expect(item).toMatchObject({
      kind: 'message',
      message: {
        wamid: 'wamid.revoke',
        content: {
          kind: 'unsupported',
          unsupportedKind: 'deleted',
          detail: 'The contact deleted message <ORIGINAL_WHATSAPP_MESSAGE_ID>',
        },
      },
    });
  });

  it.each([
    [
      { type: 'image', image: { caption: 'no id' } },
      'unsupported_attachment',
      'An attachment (image) without a media id or mime type',
    ],
    [
      { type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow' } } },
      'unsupported_type',
      "A WhatsApp Flow response ('flow')",
    ],
    [
      { type: 'interactive', interactive: { type: 'call_permission_reply' } },
      'unknown',
      "Not understood: interactive reply type 'call_permission_reply'",
    ],
    [{ type: 'request_welcome' }, 'unknown', "Not understood: message type 'request_welcome'"],
    [{ type: 'deleted' }, 'deleted', 'The contact deleted a message'],
    [
      { type: 'ephemeral', errors: [{ code: 131051, title: 'Message type unknown' }] },
      'unknown',
      "Not understood: message type 'ephemeral' [131051 Message type unknown]",
    ],
  ])('maps %j to an unsupported %s placeholder', (message, unsupportedKind, detail) => {
    expect(mapMessageContent(message)).toEqual({ kind: 'unsupported', unsupportedKind, detail });
  });
});

describe("Keeping the sender's WhatsApp profile name", () => {
  const withContacts = (contacts: unknown) => {
    const text = valueOf('message.json', 'text');
    const [item] = mapWebhookPayload(payloadOf(entryOf(messagesChange({ ...text, contacts }))));
    return item.kind === 'message' ? item.message.profileName : 'not a message';
  };
  const sender = String(firstMessage('message.json', 'text').from);

  it("keeps contacts[].profile.name of the message's sender, trimmed", () => {
    expect(withContacts([{ wa_id: sender, profile: { name: '  Ada Lovelace ' } }])).toBe('Ada Lovelace');
  });

  it("keeps none when Meta sent none, another sender's, a blank or an absurdly long one", () => {
    expect(withContacts(undefined)).toBeUndefined();
    expect(withContacts([{ wa_id: '15550000000', profile: { name: 'Someone else' } }])).toBeUndefined();
    expect(withContacts([{ wa_id: sender, profile: { name: '   ' } }])).toBeUndefined();
    expect(withContacts([{ wa_id: sender, profile: { name: 'x'.repeat(257) } }])).toBeUndefined();
    expect(withContacts('not a list')).toBeUndefined();
  });
});
