import { describeError } from '../../apps/inbox/src/errors.js';
import { claimsOf, fillTemplate, placeholderCount, windowLeft } from '../../apps/inbox/src/format.js';

/** The inbox's plain-text helpers (its screens are tested in a browser: test/browser). */
describe("the inbox's words", () => {
  it('says a refusal in words, never as its code', () => {
    expect(describeError('SESSION_CLOSED')).toBe('The 24-hour window is closed: send a template');
    expect(describeError('MONTHLY_LIMIT_REACHED', 'MONTHLY_LIMIT_REACHED')).not.toMatch(/[A-Z]+_[A-Z]+/);
    // An unknown code: the service's sentence if it is one, else a general sentence.
    expect(describeError('SOMETHING_NEW', 'The moon is not aligned')).toBe('The moon is not aligned');
    expect(describeError('SOMETHING_NEW', 'SOMETHING_NEW')).toBe('Something went wrong');
    expect(describeError('SOMETHING_NEW')).toBe('Something went wrong');
  });

  it('counts the time left in the 24-hour window, and none once it closed', () => {
    const now = Date.parse('2024-05-01T10:00:00Z');
    expect(windowLeft('2024-05-02T09:30:00Z', now)).toBe('23 h 30 min left');
    expect(windowLeft('2024-05-01T10:00:40Z', now)).toBe('1 min left');
    expect(windowLeft('2024-05-01T10:00:00Z', now)).toBeNull();
    expect(windowLeft('2024-04-30T10:00:00Z', now)).toBeNull();
    expect(windowLeft(null, now)).toBeNull();
    expect(windowLeft('not a date', now)).toBeNull();
  });

  it("reads a token's claims for display only, and nothing from what is not a token", () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${part({ alg: 'HS256' })}.${part({ sub: 'agent-1', portalId: 'acme', roles: ['agent'], exp: 10 })}.sig`;
    expect(claimsOf(token)).toEqual({ userId: 'agent-1', portalId: 'acme', roles: ['agent'], expiresAt: 10_000 });
    expect(claimsOf('not a token')).toBeNull();
    expect(claimsOf(`x.${part({ sub: 'agent-1' })}.y`)).toBeNull();
    expect(claimsOf('x.%%%.y')).toBeNull();
  });

  it("fills a template's numbered placeholders, leaving empty ones visible", () => {
    expect(placeholderCount('Hello {{1}}, your order {{2}} is {{2}}')).toBe(2);
    expect(placeholderCount(null)).toBe(0);
    expect(fillTemplate('Hello {{1}}, order {{2}}', ['Sam'])).toBe('Hello Sam, order {{2}}');
  });
});
