import { refusalCodeOf } from '../../../../test/support/domain-refusals.js';
import { fromWaId, normaliseToE164, toWaId } from './e164.js';

describe('normaliseToE164', () => {
  it.each([
    ['06 12345678', 'NL', '+31612345678'],
    ['+31 6 1234 5678', undefined, '+31612345678'],
    ['0031 6 12345678', 'NL', '+31612345678'],
    ['(650) 555-1234', 'US', '+16505551234'],
    ['+1 555-078-3881', undefined, '+15550783881'],
    ['+972 12 345 6789', undefined, '+972123456789'],
    ['  +31612345678  ', undefined, '+31612345678'],
  ])('normalises %p (default country %p) to %p', (input, country, expected) => {
    expect(normaliseToE164(input, country)).toBe(expected);
  });

  it('accepts the default country in lower case', () => {
    expect(normaliseToE164('06 12345678', 'nl')).toBe('+31612345678');
  });

  it.each([
    ['06 12345678', undefined],
    ['', undefined],
    ['call me', 'NL'],
    ['+1 650 555 12', undefined],
    ['+31 6 1234 5678 9012 345', undefined],
    ['555 1234', 'US'],
    ['+999 1234 5678', undefined],
    ['06 12345678', 'XX'],
  ])('refuses %p (default country %p)', (input, country) => {
    expect(refusalCodeOf(() => normaliseToE164(input, country))).toBe('INVALID_PHONE_NUMBER');
  });
});

describe("WhatsApp's wa_id", () => {
  it('is the E.164 number without its plus sign', () => {
    expect(toWaId('+31612345678')).toBe('31612345678');
  });

  it('reads back as E.164', () => {
    expect(fromWaId('972987654321')).toBe('+972987654321');
    expect(fromWaId('15550783881')).toBe('+15550783881');
  });

  it('refuses what is not a number', () => {
    expect(refusalCodeOf(() => fromWaId('+31612345678'))).toBe('INVALID_PHONE_NUMBER');
    expect(refusalCodeOf(() => fromWaId('abc'))).toBe('INVALID_PHONE_NUMBER');
    expect(refusalCodeOf(() => toWaId('0612345678'))).toBe('INVALID_PHONE_NUMBER');
  });
});
