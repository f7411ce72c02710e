import { createHmac } from 'node:crypto';
import { type NamedPayload, allPywaPayloads } from '../../apps/api/src/webhooks/pywa.fixtures.js';
import { type Json, deeplyNested, mutateJson, nastyString, randomJson } from './nasty-values.js';
import type { Random } from './random.js';

/** The route's own body limit (WEBHOOK_BODY_LIMIT): Meta's 3 MB and a margin. */
export const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

export interface WebhookCase {
  readonly description: string;
  readonly body: Buffer;
  readonly headers: Record<string, string | string[]>;
  /** What the README's contract says the answer is. */
  readonly expected: 200 | 400 | 401 | 413 | 415;
}

const FIXTURES: readonly NamedPayload[] = allPywaPayloads();
/** The contact of every fixture: each case writes as one of many, so no conversation grows for the whole run. */
const FIXTURE_CONTACT = '972987654321';
const OTHER_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/jsonp',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/json-patch+json',
];

/** A POST to the webhook: a real payload as is, mutated, broken, random, huge or deep; signed or not; of any content type. */
export function webhookCase(random: Random, appSecret: string): WebhookCase {
  const [what, body] = random.weighted<() => [string, Buffer]>([
    [25, () => realPayload(random)],
    [30, () => mutatedPayload(random)],
    [10, () => brokenEnvelope(random)],
    [10, () => mutatedBytes(random)],
    [10, () => [`random JSON`, Buffer.from(JSON.stringify(randomJson(random)) ?? 'null')]],
    [4, () => deepPayload(random)],
    [2, () => hugePayload(random)],
  ])();
  const [signedAs, signature] = signatureFor(random, body, appSecret);
  const json = body.length > WEBHOOK_BODY_LIMIT || random.chance(0.9);
  const contentType = json
    ? random.pick(['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8'])
    : random.pick(OTHER_CONTENT_TYPES);
  const headers: Record<string, string | string[]> = {
    'content-type': contentType,
    ...(signature !== undefined && { 'x-hub-signature-256': signature }),
  };
  return {
    description: `${what} (${body.length} bytes), ${signedAs}, ${contentType}`,
    body,
    headers,
    expected: expectedAnswer(body, json, signedAs === 'signed'),
  };
}

/** The contract, in its order: body limit, content type, signature, then Meta's envelope. */
function expectedAnswer(body: Buffer, json: boolean, signed: boolean): WebhookCase['expected'] {
  if (body.length > WEBHOOK_BODY_LIMIT) return 413;
  if (!json) return 415;
  if (!signed) return 401;
  return isMetaEnvelope(body) ? 200 : 400;
}

function isMetaEnvelope(body: Buffer): boolean {
  const text = body.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(body)) return false;
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const { object, entry } = value as Record<string, unknown>;
    return object === 'whatsapp_business_account' && Array.isArray(entry);
  } catch {
    return false;
  }
}

/** A fixture, from one of a thousand contacts. */
function fixture(random: Random): NamedPayload {
  const { key, payload } = random.pick(FIXTURES);
  const contact = String(972_000_000_000 + random.int(0, 999));
  return {
    key,
    payload: JSON.parse(JSON.stringify(payload).replaceAll(FIXTURE_CONTACT, contact)) as Record<string, unknown>,
  };
}

function realPayload(random: Random): [string, Buffer] {
  const { key, payload } = fixture(random);
  // Meta's own spacing varies; the signature is over the bytes, whatever they are.
  return [`fixture ${key}`, Buffer.from(JSON.stringify(payload, null, random.pick([0, 2, '\t'])))];
}

function mutatedPayload(random: Random): [string, Buffer] {
  const { key, payload } = fixture(random);
  let value = payload as Json;
  const count = random.int(1, 4);
  for (let round = 0; round < count; round++) value = mutateJson(value, random);
  return [`fixture ${key} with ${count} mutations`, Buffer.from(JSON.stringify(value))];
}

function brokenEnvelope(random: Random): [string, Buffer] {
  const { payload } = random.pick(FIXTURES);
  const entry = (payload as { entry: Json }).entry;
  const [what, value] = random.pick<[string, Json]>([
    ['another object', { object: random.pick(['page', 'instagram', 'WHATSAPP_BUSINESS_ACCOUNT', '']), entry }],
    [
      'entry not a list',
      { object: 'whatsapp_business_account', entry: random.pick<Json>([null, {}, 'x', 1, { 0: entry }]) },
    ],
    ['no entry', { object: 'whatsapp_business_account' }],
    ['a list', [payload as Json]],
    ['a string', nastyString(random)],
    ['null', null],
  ]);
  return [`envelope: ${what}`, Buffer.from(JSON.stringify(value) ?? '')];
}

function mutatedBytes(random: Random): [string, Buffer] {
  const bytes = Buffer.from(JSON.stringify(random.pick(FIXTURES).payload));
  const [what, mutated] = random.pick<[string, () => Buffer]>([
    ['truncated', () => bytes.subarray(0, random.int(0, bytes.length - 1))],
    ['bytes flipped', () => Buffer.from(bytes.map((byte) => (random.chance(0.01) ? random.int(0, 255) : byte)))],
    [
      'invalid UTF-8 inside',
      () => Buffer.concat([bytes.subarray(0, 40), Buffer.from([0xc3, 0x28, 0xff]), bytes.subarray(40)]),
    ],
    ['a BOM first', () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes])],
    ['random bytes', () => random.bytes(random.int(0, 2_000))],
    ['empty', () => Buffer.alloc(0)],
  ]);
  return [`bytes: ${what}`, mutated()];
}

function deepPayload(random: Random): [string, Buffer] {
  const depth = random.pick([1_000, 10_000, 100_000]);
  const nested = deeplyNested(random, depth);
  const inEnvelope = random.chance(0.7);
  const text = inEnvelope ? `{"object":"whatsapp_business_account","entry":[${nested}]}` : nested;
  return [`nested ${depth} deep${inEnvelope ? ' in an entry' : ''}`, Buffer.from(text)];
}

function hugePayload(random: Random): [string, Buffer] {
  const over = random.chance(0.6);
  const size = over ? WEBHOOK_BODY_LIMIT + random.int(1, 64 * 1024) : WEBHOOK_BODY_LIMIT - random.int(1_024, 64 * 1024);
  const prefix = '{"object":"whatsapp_business_account","entry":[],"padding":"';
  return [
    `${over ? 'over' : 'just under'} the body limit`,
    Buffer.from(`${prefix}${'x'.repeat(size - prefix.length - 2)}"}`),
  ];
}

function signatureFor(
  random: Random,
  body: Buffer,
  appSecret: string,
): ['signed' | string, string | string[] | undefined] {
  const hmac = (key: string, bytes: Buffer | string) => createHmac('sha256', key).update(bytes).digest('hex');
  const valid = hmac(appSecret, body);
  return random.weighted<() => ['signed' | string, string | string[] | undefined]>([
    [55, () => ['signed', `sha256=${valid}`]],
    [5, () => ['signed', `sha256=${valid.toUpperCase()}`]],
    [6, () => ['unsigned', undefined]],
    [3, () => ['an empty signature', '']],
    [5, () => ['signed with another secret', `sha256=${hmac('not-the-app-secret', body)}`]],
    [5, () => ['signed for other bytes', `sha256=${hmac(appSecret, Buffer.concat([body, Buffer.from(' ')]))}`]],
    [4, () => ['a truncated signature', `sha256=${valid.slice(0, random.int(0, 63))}`]],
    [3, () => ['a non-hex signature', `sha256=${'zz'.repeat(32)}`]],
    [3, () => ['a SHA-1 header', `sha1=${createHmac('sha1', appSecret).update(body).digest('hex')}`]],
    [3, () => ['the bare digest', valid]],
    [3, () => ['the header twice', [`sha256=${valid}`, `sha256=${valid}`]]],
    [
      2,
      () => [
        'an odd signature',
        random.pick(['sha256=', 'sha256', '=', 'null', `sha256=${'a'.repeat(10_000)}`, `sha256=${valid}00`]),
      ],
    ],
  ])();
}
