import { createHmac } from 'node:crypto';
import { checkWhatsAppSignature, signWhatsAppPayload, verificationChallenge } from './whatsapp-signature.js';

const secret = 'app-secret';
const hmac = (body: Buffer | string, key = secret) => createHmac('sha256', key).update(body).digest('hex');

describe("Meta's X-Hub-Signature-256", () => {
  const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');

  it('accepts the HMAC-SHA256 of the raw body, in lower or upper case hex', () => {
    expect(checkWhatsAppSignature(body, `sha256=${hmac(body)}`, secret)).toBe('valid');
    expect(checkWhatsAppSignature(body, `sha256=${hmac(body).toUpperCase()}`, secret)).toBe('valid');
    expect(signWhatsAppPayload(body, secret)).toBe(`sha256=${hmac(body)}`);
  });

  it('refuses a signature made with another secret, or over other bytes', () => {
    expect(checkWhatsAppSignature(body, `sha256=${hmac(body, 'other-secret')}`, secret)).toBe('mismatch');
    expect(checkWhatsAppSignature(Buffer.concat([body, Buffer.from(' ')]), `sha256=${hmac(body)}`, secret)).toBe(
      'mismatch',
    );
  });

  it('tells a missing header from a malformed one', () => {
    expect(checkWhatsAppSignature(body, undefined, secret)).toBe('missing');
    expect(checkWhatsAppSignature(body, '', secret)).toBe('missing');
    expect(checkWhatsAppSignature(body, hmac(body), secret)).toBe('malformed');
    expect(checkWhatsAppSignature(body, `sha1=${hmac(body)}`, secret)).toBe('malformed');
    expect(checkWhatsAppSignature(body, 'sha256=', secret)).toBe('malformed');
    expect(checkWhatsAppSignature(body, `sha256=${hmac(body).replace(/^./, 'z')}`, secret)).toBe('malformed');
    expect(checkWhatsAppSignature(body, [`sha256=${hmac(body)}`, `sha256=${hmac(body)}`], secret)).toBe('malformed');
  });

  it('checks the length before comparing: a short, long or odd-length digest is refused, never thrown', () => {
    const digest = hmac(body);
    expect(checkWhatsAppSignature(body, `sha256=${digest.slice(0, 62)}`, secret)).toBe('malformed');
    expect(checkWhatsAppSignature(body, `sha256=${digest}00`, secret)).toBe('malformed');
    expect(checkWhatsAppSignature(body, `sha256=${digest.slice(0, 63)}`, secret)).toBe('malformed');
  });

  it('verifies the raw bytes of a payload with escaped unicode, never its re-serialised form', () => {
    const raw = Buffer.from(
      '{"object":"whatsapp_business_account","entry":[{"text":"caf\\u00e9 \\/ \\ud83d\\ude2e"}]}',
    );
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    const header = `sha256=${hmac(raw)}`;

    expect(reserialised.equals(raw)).toBe(false);
    expect(checkWhatsAppSignature(raw, header, secret)).toBe('valid');
    expect(checkWhatsAppSignature(reserialised, header, secret)).toBe('mismatch');
  });
});

describe("Meta's endpoint verification", () => {
  const request = { mode: 'subscribe', token: 'verify-me', challenge: '1158201444' };

  it('echoes the challenge when the mode is subscribe and the token matches', () => {
    expect(verificationChallenge(request, 'verify-me')).toBe('1158201444');
  });

  it.each([
    ['a wrong token', { ...request, token: 'guess' }, 'verify-me'],
    ['a longer token', { ...request, token: 'verify-me-too' }, 'verify-me'],
    ['another mode', { ...request, mode: 'unsubscribe' }, 'verify-me'],
    ['no challenge', { ...request, challenge: undefined }, 'verify-me'],
    ['a repeated token', { ...request, token: ['verify-me', 'verify-me'] }, 'verify-me'],
    ['no verify token configured', request, undefined],
    ['an empty verify token configured', { ...request, token: '' }, ''],
  ])('refuses %s', (_case, given, configured) => {
    expect(verificationChallenge(given, configured)).toBeNull();
  });
});
