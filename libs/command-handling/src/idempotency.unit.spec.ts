import { canonicalJson, commandFingerprint, isReplay, noteKeyUse, type UsedKeys } from './idempotency.js';

const context = (portalId: string, idempotencyKey?: string) => ({
  portalId,
  actor: { kind: 'user' as const, id: 'u' },
  now: new Date(0),
  ...(idempotencyKey && { idempotencyKey }),
});

describe('canonicalJson', () => {
  it('sorts object keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined, x: null }], c: 'é' } })).toBe(
      '{"a":{"c":"é","d":[2,{"x":null,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('keeps null, empty and missing apart where JSON does, and arrays in their order', () => {
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
    expect(canonicalJson({ a: '' })).not.toBe(canonicalJson({ a: null }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });
});

describe('commandFingerprint', () => {
  it('is the same for the same type and request, whatever the field order', () => {
    expect(commandFingerprint('Reply', { text: 'hi', id: 'c' })).toBe(
      commandFingerprint('Reply', { id: 'c', text: 'hi' }),
    );
    expect(commandFingerprint('Reply', { text: 'hi' })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs for another type or another request, and is absent without a request', () => {
    expect(commandFingerprint('Reply', { text: 'hi' })).not.toBe(commandFingerprint('Close', { text: 'hi' }));
    expect(commandFingerprint('Reply', { text: 'hi' })).not.toBe(commandFingerprint('Reply', { text: 'hi!' }));
    expect(commandFingerprint('Reply')).toBeUndefined();
  });
});

describe('isReplay', () => {
  const keys: UsedKeys = new Map();
  const fingerprint = commandFingerprint('Reply', { text: 'hi' });
  noteKeyUse(keys, { tenantId: 'a', idempotencyKey: 'k', command: 'Reply', commandFingerprint: fingerprint });
  // A key the service derived (no request hash), and an event without a key: neither is kept.
  noteKeyUse(keys, { tenantId: 'a', idempotencyKey: 'inbound|wamid.1', command: 'Reply' });
  noteKeyUse(keys, { tenantId: 'a', command: 'Reply' });

  it('is a replay for the same command under the same key of the same portal', () => {
    expect(isReplay(keys, 'Reply', context('a', 'k'), fingerprint)).toBe(true);
  });

  it('refuses another type or another request under a used key with IDEMPOTENCY_KEY_REUSED', () => {
    const close = commandFingerprint('Close', { text: 'hi' });
    expect(() => isReplay(keys, 'Close', context('a', 'k'), close)).toThrow(
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' }),
    );
    expect(() => isReplay(keys, 'Close', context('a', 'k'), undefined)).toThrow(
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' }),
    );
    const other = commandFingerprint('Reply', { text: 'bye' });
    expect(() => isReplay(keys, 'Reply', context('a', 'k'), other)).toThrow(
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' }),
    );
  });

  it('keeps no key the service derived: the domain answers its redeliveries', () => {
    expect(isReplay(keys, 'Close', context('a', 'inbound|wamid.1'), undefined)).toBe(false);
  });

  it('is new for another portal, an unused key, or no key', () => {
    expect(isReplay(keys, 'Close', context('b', 'k'), undefined)).toBe(false);
    expect(isReplay(keys, 'Close', context('a', 'never-used'), undefined)).toBe(false);
    expect(isReplay(keys, 'Close', context('a'), undefined)).toBe(false);
    expect([...keys.keys()]).toEqual(['a|k']);
  });
});
