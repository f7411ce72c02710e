import { GraphQLError, buildSchema } from 'graphql';
import { loadConfig } from '@helpdesk/config';
import { mintAccessToken } from '@helpdesk/auth';
import { systemClock } from '@helpdesk/commands/shared/clock.js';
import { KnownDocuments, planDocumentCache, textBytes, worstParsedDocumentBytes } from './document-cache.js';
import { type HookContext, documentGate } from './request-budget.js';

const SECRET = 'document-cache-unit-secret-long-enough-for-hs256';
const MiB = 1024 * 1024;

describe('the texts known to pass the budget and validation', () => {
  it('holds no more bytes than it was given, dropping the least recently used first', () => {
    const known = new KnownDocuments(3 * textBytes('{ a }'));
    known.add('{ a }');
    known.add('{ b }');
    known.add('{ c }');
    expect(known.has('{ a }')).toBe(true); // now the most recently used
    known.add('{ d }');
    expect(['{ a }', '{ b }', '{ c }', '{ d }'].map((text) => known.has(text))).toEqual([true, false, true, true]);
    expect(known.bytes).toBe(3 * textBytes('{ a }'));
  });

  it('charges two bytes a character, and never keeps a text larger than all of it', () => {
    const known = new KnownDocuments(10_000);
    known.add(`{ a } #${'x'.repeat(5_000)}`);
    expect({ size: known.size, bytes: known.bytes }).toEqual({ size: 0, bytes: 0 });
    for (let i = 0; i < 1_000; i++) known.add(`{ a${i}: a } # ${'é'.repeat(i)}`);
    expect(known.bytes).toBeLessThanOrEqual(10_000);
    expect(known.has(`{ a999: a } # ${'é'.repeat(999)}`)).toBe(true);
  });
});

describe('GRAPHQL_DOCUMENT_CACHE_MB split between the texts and Mercurius entries', () => {
  const edge = (env: Record<string, string> = {}) => loadConfig({ AUTH_JWT_SECRET: SECRET, ...env }).edge;

  it('gives Mercurius as many entries as the budget holds of the largest ones the limits allow', () => {
    const limits = edge();
    const plan = planDocumentCache(limits);
    expect(plan.mercuriusEntries).toBe(19);
    // Two generations of quick-lru's N entries, each the largest parsed document, and the texts.
    const worstCase = 2 * 19 * worstParsedDocumentBytes(limits) + plan.knownTextBytes;
    expect(worstCase).toBeLessThanOrEqual(16 * MiB);
    expect(plan.knownTextBytes).toBe(2 * 19 * (2 * limits.maxDocumentLength + 1_024));
  });

  it('follows the limits, and is off at 0 or when the budget does not hold one largest document', () => {
    expect(planDocumentCache(edge({ GRAPHQL_MAX_TOKENS: '500', GRAPHQL_MAX_DOCUMENT_LENGTH: '4096' }))).toEqual(
      expect.objectContaining({ mercuriusEntries: 122 }),
    );
    expect(planDocumentCache(edge({ GRAPHQL_DOCUMENT_CACHE_MB: '0' }))).toEqual({
      mercuriusEntries: false,
      knownTextBytes: 0,
      budgetBytes: 0,
    });
    expect(
      planDocumentCache(edge({ GRAPHQL_DOCUMENT_CACHE_MB: '1', GRAPHQL_MAX_TOKENS: '10000' })).mercuriusEntries,
    ).toBe(false);
  });
});

describe('the request budget with the document cache on', () => {
  const config = loadConfig({ AUTH_JWT_SECRET: SECRET, NODE_ENV: 'test', GRAPHQL_MAX_FIELDS: '5' });
  const schema = buildSchema('type Query { serviceHealth: Health, a(x: Int): Int } type Health { healthy: Boolean }');
  const known = new KnownDocuments(MiB);
  const gate = documentGate(config, systemClock, { known, validationRules: [] });
  const token = mintAccessToken(
    { portalId: 'p', userId: 'u', roles: ['agent'], expiresInSeconds: 600 },
    SECRET,
    new Date(),
  );
  const as = (bearer?: string): HookContext => ({
    reply: { request: { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} } },
  });

  async function answer(source: string, bearer?: string): Promise<unknown> {
    try {
      await gate(schema, source, as(bearer));
      return 'passed';
    } catch (error) {
      const { code, statusCode, errors } = error as { code?: string; statusCode?: number; errors?: GraphQLError[] };
      if (error instanceof GraphQLError)
        return { code: error.extensions.code, statusCode: (error.originalError as { statusCode?: number }).statusCode };
      return { code, statusCode, messages: errors?.map((e) => e.message), located: errors?.[0]?.locations };
    }
  }

  it('remembers a document only once it passed both the budget and validation', async () => {
    const over = '{ a b: a c: a d: a e: a f: a }';
    const invalid = '{ nope }';
    const syntax = '{ a ';
    expect(await answer(over, token)).toEqual({ code: 'QUERY_TOO_COMPLEX', statusCode: 400 });
    expect(await answer(invalid, token)).toEqual({
      code: 'MER_ERR_GQL_VALIDATION',
      statusCode: 400,
      messages: ['Cannot query field "nope" on type "Query".'],
      located: [{ line: 1, column: 3 }],
    });
    expect(await answer(syntax, token)).toEqual({ code: undefined, statusCode: 400 });
    expect([over, invalid, syntax].map((text) => known.has(text))).toEqual([false, false, false]);
    // Refused again, the same way: nothing of them was kept.
    expect(await answer(invalid, token)).toEqual(expect.objectContaining({ code: 'MER_ERR_GQL_VALIDATION' }));
    expect(await answer('{ a(x: 1) }', token)).toBe('passed');
    expect(known.has('{ a(x: 1) }')).toBe(true);
  });

  it('still authenticates every request for a known document, and keeps the token-less rules', async () => {
    const document = '{ a(x: 2) }';
    expect(await answer(document, token)).toBe('passed');
    expect(known.has(document)).toBe(true);
    expect(await answer(document)).toEqual({ code: 'UNAUTHENTICATED', statusCode: 401 });
    expect(await answer(document, 'forged')).toEqual({ code: 'UNAUTHENTICATED', statusCode: 401 });
    expect(await answer('{ serviceHealth { healthy } }')).toBe('passed');
    expect(await answer('{ serviceHealth { nope } }')).toEqual(
      expect.objectContaining({ code: 'MER_ERR_GQL_VALIDATION', statusCode: 400 }),
    );
  });
});
