import { checkWebhookEnvelope, isJsonContentType } from './webhook-envelope.js';

describe("Meta's webhook envelope", () => {
  const check = (body: string | Buffer) =>
    checkWebhookEnvelope(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));

  it('accepts {"object":"whatsapp_business_account","entry":[...]} and gives back the exact text', () => {
    const body = '{ "object": "whatsapp_business_account", "entry": [ {"id": "1"} ], "caf\\u00e9": "\\/" }';
    expect(check(body)).toEqual({ ok: true, body, payload: JSON.parse(body) });
  });

  it.each([
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'The body is not UTF-8 text'],
    ['text that is not JSON', 'entry=1', 'The body is not JSON'],
    ['JSON that is not an object', '[{"object":"whatsapp_business_account"}]', 'The body is not a JSON object'],
    [
      'another object',
      '{"object":"instagram","entry":[]}',
      '"object" must be "whatsapp_business_account" (got "instagram")',
    ],
    ['no object', '{"entry":[]}', '"object" must be "whatsapp_business_account" (got nothing)'],
    ['an entry that is not a list', '{"object":"whatsapp_business_account","entry":{}}', '"entry" must be a list'],
  ])('refuses %s', (_case, body, reason) => {
    expect(check(body)).toEqual({ ok: false, reason });
  });

  it('takes application/json with or without parameters, and nothing else', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('Application/JSON; charset=utf-8')).toBe(true);
    expect(isJsonContentType('text/plain')).toBe(false);
    expect(isJsonContentType('application/x-www-form-urlencoded')).toBe(false);
    expect(isJsonContentType(undefined)).toBe(false);
  });
});
