import { GraphQLError } from 'graphql';
import { checkDocumentBudget, isAnonymousDocument, measureWritten } from './request-budget.js';
import { parse } from 'graphql';

const LIMITS = { maxDocumentLength: 2_000, maxTokens: 100, maxFields: 10, maxAliases: 2 };

function refusalOf(source: string, limits = LIMITS): Record<string, unknown> | null {
  try {
    checkDocumentBudget(source, limits);
    return null;
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return { ...error.extensions, status: (error.originalError as { statusCode?: number }).statusCode };
  }
}

describe('the document budget, checked before Mercurius parses', () => {
  it('lets a document within every limit through', () => {
    expect(refusalOf('query Q($f: Int) { a: tickets(first: $f) { totalCount } b: views { id } }')).toBeNull();
  });

  it('refuses length, tokens, fields, aliases and written depth with their limit and a 400', () => {
    expect(refusalOf(`{ serviceHealth { healthy } } #${'x'.repeat(2_000)}`)).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'length',
      count: 2_031,
      max: 2_000,
      status: 400,
    });
    expect(refusalOf(`{ serviceHealth(x: [${'1 '.repeat(100)}]) { healthy } }`)).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'tokens',
      max: 100,
      status: 400,
    });
    expect(refusalOf(`{ ${'serviceHealth { healthy } '.repeat(6)} }`)).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'fields',
      count: 12,
      max: 10,
      status: 400,
    });
    expect(refusalOf('{ a: x b: x c: x }')).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'aliases',
      count: 3,
      max: 2,
      status: 400,
    });
    expect(refusalOf(`${'{ a '.repeat(61)}${'}'.repeat(61)}`, { ...LIMITS, maxFields: 100, maxTokens: 1_000 })).toEqual(
      { code: 'QUERY_TOO_DEEP', depth: 61, maxDepth: 60, status: 400 },
    );
    expect(
      refusalOf(`${'{ a '.repeat(60)}${'}'.repeat(60)}`, { ...LIMITS, maxFields: 100, maxTokens: 1_000 }),
    ).toBeNull();
  });

  it('answers a syntax error itself, so Mercurius never reads the query as a JSON syntax tree', () => {
    const ast = JSON.stringify(parse('{ serviceHealth { healthy } }', { noLocation: true }));
    expect(refusalOf(ast)).toEqual({ status: 400 });
    expect(refusalOf('{ tickets {')).toEqual({ status: 400 });
  });

  it('counts fragment spreads as fields and walks fragments as written, not expanded', () => {
    const doubling = `{ ...F0 } ${Array.from({ length: 40 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F40 on Query { x }`;
    expect(measureWritten(parse(doubling))).toEqual({ fields: 82, aliases: 0, depth: 1 });
  });

  it('lets a caller without a token run only a small, plain serviceHealth query', () => {
    for (const allowed of [
      '{ serviceHealth { healthy } }',
      'query Health { serviceHealth { healthy eventStore { kind healthy } } }',
      '{ __typename }',
    ]) {
      expect({ allowed, ok: isAnonymousDocument(allowed) }).toEqual({ allowed, ok: true });
    }
    const refused = [
      '{ __schema { types { name } } }',
      '{ tickets { totalCount } }',
      '{ h: serviceHealth { healthy } }',
      '{ serviceHealth(x: 1) { healthy } }',
      '{ serviceHealth @skip(if: false) { healthy } }',
      '{ serviceHealth { h: healthy } }',
      '{ serviceHealth @include(if: true) { healthy } }',
      '{ ...F } fragment F on Query { serviceHealth { healthy } }',
      '{ serviceHealth { ... on ServiceHealth { healthy } } }',
      'query ($x: Int) { serviceHealth { healthy } }',
      'mutation { serviceHealth { healthy } }',
      '{ serviceHealth { healthy } } { serviceHealth { healthy } }',
      `{ serviceHealth { healthy } } #${'x'.repeat(600)}`,
      `{ serviceHealth { ${'healthy '.repeat(70)} } }`,
      '{ serviceHealth { healthy }',
    ];
    for (const document of refused)
      expect({ document, ok: isAnonymousDocument(document) }).toEqual({ document, ok: false });
  });
});
