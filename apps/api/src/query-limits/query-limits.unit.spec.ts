import { buildSchema, getIntrospectionQuery, parse, validate } from 'graphql';
import { queryLimitsRule, refuseInvalidSubscription } from './query-limits.js';

const schema = buildSchema(`
  type Query { tickets(first: Int = 25): TicketConnection! ticket(id: ID!): Ticket tags: [Tag!]! conversation(first: Int = 50): Conversation }
  type Conversation { thread: TicketConnection! page(first: Int, last: Int): TicketConnection! }
  type Subscription { ticketChanged: Ticket! }
  type TicketConnection { nodes: [Ticket!]! totalCount: Int! pageInfo: PageInfo! }
  type PageInfo { endCursor: String hasNextPage: Boolean! }
  type Ticket { id: ID! preview: String owner: User related(first: Int): TicketConnection! }
  type User { id: ID! manager: User }
  type Tag { name: String! }
`);

function refusals(query: string): ({ message: string; code?: unknown } & Record<string, unknown>)[] {
  return validate(schema, parse(query), [queryLimitsRule()]).map((error) => ({
    message: error.message,
    ...error.extensions,
  }));
}

describe('query limits', () => {
  it('lets ordinary screens through: a page of tickets, fragments, a ticket with its owner', () => {
    expect(
      refusals(
        '{ tickets(first: 100) { totalCount nodes { id preview owner { id } } pageInfo { endCursor hasNextPage } } }',
      ),
    ).toEqual([]);
    expect(
      refusals(
        'query { ...Page } fragment Page on Query { tickets { nodes { ...Row } } } fragment Row on Ticket { id preview }',
      ),
    ).toEqual([]);
  });

  it('refuses an operation nested deeper than 8 fields with QUERY_TOO_DEEP, fragments included', () => {
    const nine =
      '{ ticket(id: "t") { owner { manager { manager { manager { manager { manager { manager { id } } } } } } } } }';
    expect(refusals(nine)).toEqual([
      {
        message: 'Query depth 9 exceeds the limit of 8: ask for fewer nested fields',
        code: 'QUERY_TOO_DEEP',
        depth: 9,
        maxDepth: 8,
      },
    ]);
    const eight =
      '{ ticket(id: "t") { owner { manager { manager { manager { manager { ...M } } } } } } } fragment M on User { manager { id } }';
    expect(refusals(eight)).toEqual([]);
    expect(refusals(eight.replace('manager { id }', 'manager { manager { id } }'))[0]).toMatchObject({
      code: 'QUERY_TOO_DEEP',
      depth: 9,
    });
  });

  it('counts list items: pages of pages are refused with QUERY_TOO_COMPLEX and the cost', () => {
    // tickets 1 + nodes (1 + 100 × (id 1 + related (1 + nodes (1 + 100 × id 1)))) = 1 + 1 + 100 × 103 = 10,302
    const pages = '{ tickets(first: 100) { nodes { id related(first: 100) { nodes { id } } } } }';
    expect(refusals(pages)).toEqual([
      {
        message: 'Query cost 10302 exceeds the limit of 10000: ask for smaller pages (first) or fewer fields',
        code: 'QUERY_TOO_COMPLEX',
        cost: 10302,
        maxCost: 10_000,
      },
    ]);
    expect(refusals(pages.replaceAll('100', '20'))).toEqual([]);
  });

  it('assumes the largest page when `first` is a variable, the default when it is absent, 10 items for other lists', () => {
    const query = (first: string) =>
      `query($n: Int) { tickets${first} { nodes { related(first: 50) { nodes { id preview } } } } }`;
    expect(refusals(query('(first: $n)'))[0]).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 10202 });
    expect(refusals(query(''))).toEqual([]);
    expect(refusals('{ tags { name } }')).toEqual([]);
    // The page size reaches the list it sizes through fields in between: 50 nodes of 202 each.
    const thread = '{ conversation { thread { nodes { related(first: 100) { nodes { id preview } } } } } }';
    expect(refusals(thread)[0]).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 1 + 1 + 1 + 50 * (1 + 201) });
  });

  it('prices a page by `last` as by `first`: thread(last: N) is N items, not the largest page', () => {
    // conversation 1 + page (1 + nodes (1 + N × (related 1 + nodes (1 + 100 × (id 1 + preview 1)))))
    const page = (args: string) =>
      `query($n: Int) { conversation { page${args} { nodes { related(first: 100) { nodes { id preview } } } } } }`;
    const costOf = (items: number) => 1 + 1 + 1 + items * (1 + 1 + 200);
    expect(refusals(page('(last: 49)'))).toEqual([]);
    expect(refusals(page('(last: 50)'))[0]).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: costOf(50) });
    expect(refusals(page('(first: 49)'))).toEqual([]);
    expect(refusals(page('(last: $n)'))[0]).toMatchObject({ cost: costOf(100) });
    expect(refusals(page(''))[0]).toMatchObject({ cost: costOf(100) });
    expect(refusals(page('(first: 10, last: 60)'))[0]).toMatchObject({ cost: costOf(60) });
  });

  it("leaves GraphiQL's introspection query alone, but not two of them, nor a tower of types", () => {
    const full = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    expect(refusals(full)).toEqual([]);
    const fragments = full.slice(full.indexOf('fragment FullType'));
    const twice = `{ a: __schema { types { ...FullType } } b: __schema { types { ...FullType } } } ${fragments}`;
    expect(refusals(twice).map((refusal) => refusal.code)).toEqual(['QUERY_TOO_COMPLEX']);
    const tower =
      '{ __schema { types { fields { type { ofType { fields { type { ofType { fields { type { ofType { fields { name } } } } } } } } } } } } }';
    expect(refusals(tower)).toEqual([
      expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', message: expect.stringMatching(/^Introspection /) }),
    ]);
  });

  it('measures each fragment once, so fragments spreading fragments cannot make the measuring itself slow', () => {
    const levels = Array.from(
      { length: 40 },
      (_, level) =>
        `fragment F${level} on Ticket { a${level}: related { nodes { ...F${level + 1} ...F${level + 1} } } }`,
    );
    const query = `{ ticket(id: "t") { ...F0 } } ${levels.join(' ')} fragment F40 on Ticket { id }`;
    const started = performance.now();
    expect(refusals(query).map((refusal) => refusal.code)).toEqual(['QUERY_TOO_DEEP', 'QUERY_TOO_COMPLEX']);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('validates subscription documents (Mercurius does not): the spec, then the limits', () => {
    expect(() => refuseInvalidSubscription(schema, parse('subscription { ticketChanged { id } }'))).not.toThrow();
    expect(() => refuseInvalidSubscription(schema, parse('subscription { ticketChanged { nope } }'))).toThrow(
      expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    );
    const deep =
      'subscription { ticketChanged { owner { manager { manager { manager { manager { manager { manager { manager { id } } } } } } } } } }';
    expect(() => refuseInvalidSubscription(schema, parse(deep))).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_DEEP' }) }),
    );
  });
});
