import { type DeliveryStatus, fromWaId } from '@helpdesk/domain';
import {
  type JsonRecord,
  defined,
  isRecord,
  isoFromUnixSeconds,
  listAt,
  metaErrorOf,
  recordAt,
  textAt,
} from './json-fields.js';
import { mapMessageContent } from './map-message-content.js';
import type { WebhookItem } from './webhook-items.js';

/** The business number a change is about, from `value.metadata`. */
interface BusinessNumber {
  readonly phoneNumberId?: string;
  readonly displayPhoneNumber?: string;
}

const DIGITS = /^\d+$/;
const DELIVERY_STATUSES: readonly string[] = [
  'sent',
  'delivered',
  'read',
  'played',
  'failed',
] satisfies DeliveryStatus[];

/**
 * A webhook payload to the items it asks for, in payload order: every message, status and
 * value-level error of every change of every entry. Pure: routing and dispatching come later.
 */
export function mapWebhookPayload(payload: unknown): WebhookItem[] {
  const entries = listAt(payload, 'entry');
  if (!entries) return [{ kind: 'unmapped', where: 'payload', reason: 'The payload has no entry list' }];
  return entries.flatMap((entry, e) => {
    const changes = listAt(entry, 'changes');
    if (!changes) return [unmapped(`entry[${e}]`, 'The entry has no changes list')];
    return changes.flatMap((change, c) => mapChange(change, `entry[${e}].changes[${c}]`));
  });
}

function mapChange(change: unknown, where: string): WebhookItem[] {
  const field = textAt(change, 'field');
  const value = recordAt(change, 'value');
  if (field !== 'messages') return [unmapped(where, `Changes of field '${field ?? '(none)'}' are not handled`)];
  if (!value) return [unmapped(where, 'The change has no value')];
  const metadata = recordAt(value, 'metadata');
  const business = defined({
    phoneNumberId: textAt(metadata, 'phone_number_id'),
    displayPhoneNumber: textAt(metadata, 'display_phone_number'),
  });
  const names = profileNames(value);
  const items = [
    ...listOf(value, 'messages', where).map(([item, at]) => mapMessage(item, business, at, names)),
    ...listOf(value, 'statuses', where).map(([item, at]) => mapStatus(item, business, at)),
    ...listOf(value, 'errors', where).map(([item, at]) => mapValueError(item, business, at)),
  ];
  const malformed = ['messages', 'statuses', 'errors'].flatMap((key) =>
    value[key] !== undefined && !Array.isArray(value[key])
      ? [unmapped(`${where}.value.${key}`, `'${key}' is not a list`)]
      : [],
  );
  if (items.length + malformed.length === 0) return [unmapped(where, 'The change carries no message, status or error')];
  return [...items, ...malformed];
}

function listOf(value: JsonRecord, key: string, where: string): [unknown, string][] {
  return (listAt(value, key) ?? []).map((item, index) => [item, `${where}.value.${key}[${index}]`]);
}

/** Longest profile name kept: WhatsApp's own limit is far below; anything longer is not a name. */
const MAX_PROFILE_NAME = 256;

/** `value.contacts[]`: the name each sender gave WhatsApp (`profile.name`), by wa_id. */
function profileNames(value: JsonRecord): ReadonlyMap<string, string> {
  const names = new Map<string, string>();
  for (const contact of listAt(value, 'contacts') ?? []) {
    const waId = textAt(contact, 'wa_id');
    const name = textAt(recordAt(contact, 'profile'), 'name')?.trim();
    if (waId && name && name.length <= MAX_PROFILE_NAME) names.set(waId, name);
  }
  return names;
}

function mapMessage(
  message: unknown,
  business: BusinessNumber,
  where: string,
  names: ReadonlyMap<string, string> = new Map(),
): WebhookItem {
  const wamid = textAt(message, 'id');
  if (!isRecord(message) || !wamid) return unmapped(where, 'A message without an id');
  const from = textAt(message, 'from');
  const sentAt = isoFromUnixSeconds(message.timestamp);
  const sender = isDigits(from) ? e164Of(from) : undefined;
  const problem = firstProblem([
    [!isDigits(business.phoneNumberId), `the business phone_number_id '${business.phoneNumberId ?? ''}' is not digits`],
    [sender === undefined, `the sender '${from ?? ''}' is not a WhatsApp id`],
    [sentAt === undefined, `the timestamp '${String(message.timestamp)}' is not unix seconds`],
  ]);
  if (problem || !business.phoneNumberId || !sender || !sentAt)
    return unmapped(where, `Message ${wamid}: ${problem}`, wamid);
  const inbound = {
    phoneNumberId: business.phoneNumberId,
    ...(isDigits(business.displayPhoneNumber) && { displayPhoneNumber: business.displayPhoneNumber }),
    wamid,
    from: sender,
    sentAt,
    content: mapMessageContent(message),
    ...(from && names.has(from) && { profileName: names.get(from) }),
  };
  return { kind: 'message', where, message: inbound };
}

function mapStatus(status: unknown, business: BusinessNumber, where: string): WebhookItem {
  const wamid = textAt(status, 'id');
  if (!isRecord(status) || !wamid) return unmapped(where, 'A status without a message id');
  const value = textAt(status, 'status');
  const recipient = textAt(status, 'recipient_id');
  const at = isoFromUnixSeconds(status.timestamp);
  const problem = firstProblem([
    [textAt(status, 'recipient_type') === 'group', 'statuses of group messages are not handled'],
    [!DELIVERY_STATUSES.includes(value ?? ''), `the status '${value ?? ''}' is not known`],
    [!isDigits(business.phoneNumberId), `the business phone_number_id '${business.phoneNumberId ?? ''}' is not digits`],
    [!isDigits(recipient), `the recipient '${recipient ?? ''}' is not a WhatsApp id`],
    [at === undefined, `the timestamp '${String(status.timestamp)}' is not unix seconds`],
  ]);
  if (problem || !business.phoneNumberId || !recipient || !at)
    return unmapped(where, `Status of ${wamid}: ${problem}`, wamid);
  const error = (listAt(status, 'errors') ?? []).map(metaErrorOf).find((found) => found !== undefined);
  return {
    kind: 'status',
    where,
    status: {
      phoneNumberId: business.phoneNumberId,
      ...(isDigits(business.displayPhoneNumber) && { displayPhoneNumber: business.displayPhoneNumber }),
      wamid,
      recipientWaId: recipient,
      status: value as DeliveryStatus,
      at,
      ...defined({ error, callbackData: textAt(status, 'biz_opaque_callback_data') }),
    },
  };
}

function mapValueError(error: unknown, business: BusinessNumber, where: string): WebhookItem {
  const metaError = metaErrorOf(error);
  if (!metaError) return unmapped(where, 'An error without a code');
  return { kind: 'error', where, ...defined({ phoneNumberId: business.phoneNumberId }), error: metaError };
}

function unmapped(where: string, reason: string, wamid?: string): WebhookItem {
  return { kind: 'unmapped', where, reason, ...defined({ wamid }) };
}

function firstProblem(checks: readonly [failed: boolean, problem: string][]): string | undefined {
  return checks.find(([failed]) => failed)?.[1];
}

function isDigits(value: string | undefined): value is string {
  return value !== undefined && DIGITS.test(value);
}

function e164Of(waId: string): string | undefined {
  try {
    return fromWaId(waId);
  } catch {
    return undefined;
  }
}
