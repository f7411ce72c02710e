import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { Position } from '@helpdesk/event-store';
import { EVERY_ROLE, type MatrixWorld, openMatrixWorld } from '../security/matrix-world.js';
import { failedCase, fuzzSettings } from './fuzz-settings.js';
import { type GraphqlCase, graphqlCase } from './graphql-cases.js';
import type { KnownValues } from './graphql-values.js';
import { Random } from './random.js';

const { seed, cases } = fuzzSettings(3_000, 20_240_802);

/** Codes that would mean the service, not the input, failed. */
const FAILURE_CODES = ['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE'];

interface Answer {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly { message: string; extensions?: { code?: unknown } }[];
}

/**
 * POST /graphql with fuzzed variables for every query and mutation (wrong types, huge and broken
 * strings, odd numbers and ids, real ids of both portals) and hostile requests (too deep, too
 * costly, too big, not JSON, batches, GET mutations): never a 5xx, every error with a stable code
 * and none saying the service failed, and nothing appended for an operation that was refused.
 */
describe(`GraphQL inputs under fuzz (FUZZ_SEED=${seed}, ${cases.length} cases)`, () => {
  let matrix: MatrixWorld;
  let tokens: Record<GraphqlCase['caller'], string | undefined>;
  let known: KnownValues;

  beforeAll(async () => {
    matrix = await openMatrixWorld();
    const { world, acme, globex } = matrix;
    tokens = {
      'acme-all-roles': world.token('acme', EVERY_ROLE),
      'acme-agent': world.token('acme', ['agent']),
      'globex-all-roles': world.token('globex', EVERY_ROLE),
      none: undefined,
      garbage: 'eyJhbGciOiJub25lIn0.e30.',
    };
    const idsOf = (portal: typeof acme) => [
      portal.conversationId,
      portal.ticketId,
      portal.inboundMessageId,
      portal.quarantinedMessageId,
      portal.outboundMessageId,
      portal.contactId,
      portal.viewId,
      portal.accountId,
      portal.phoneNumberId,
    ];
    known = {
      ids: [...idsOf(acme), ...idsOf(globex)],
      strings: [
        acme.template.name,
        acme.displayNumber,
        globex.displayNumber,
        acme.exportNdjson,
        acme.exportNdjson.replace('hello', 'hullo'),
        'ticket_list',
      ],
    };
  });

  afterAll(() => matrix.world.close());

  it('never fails as a service, always answers with a stable code, and writes nothing it refused', async () => {
    const schema = matrix.world.app.get(GraphQLSchemaHost).schema;
    let head = await matrix.world.head();
    for (const index of cases) {
      let description = 'while generating it';
      try {
        const fuzz = graphqlCase(Random.forCase(seed, index), schema, known);
        description = fuzz.description;
        head = await checkCase(fuzz, head);
      } catch (error) {
        throw failedCase(error, seed, index, description);
      }
    }
  }, 120_000);

  async function checkCase(fuzz: GraphqlCase, head: Position | null): Promise<Position | null> {
    const token = tokens[fuzz.caller];
    const headers = {
      ...(fuzz.contentType && { 'content-type': fuzz.contentType }),
      ...(token && { authorization: `Bearer ${token}` }),
    };
    const answer = await matrix.world.request(fuzz.method, fuzz.url, headers, fuzz.payload);
    const appended = await matrix.world.eventsAfter(head);
    if (answer.status >= 500) throw new Error(`answered ${answer.status}: ${answer.raw.slice(0, 500)}`);
    const body = JSON.parse(answer.raw) as Answer;
    for (const error of body.errors ?? []) {
      const code = error.extensions?.code;
      if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(code) || FAILURE_CODES.includes(code)) {
        throw new Error(
          `an error without a stable code, or a failure of the service: ${JSON.stringify(error).slice(0, 500)}`,
        );
      }
    }
    if (fuzz.refusal) {
      const refusal = { status: answer.status, ...(fuzz.refusal.code && { code: body.errors?.[0]?.extensions?.code }) };
      if (JSON.stringify(refusal) !== JSON.stringify(fuzz.refusal))
        throw new Error(
          `refused as ${JSON.stringify(refusal)}, not ${JSON.stringify(fuzz.refusal)}: ${answer.raw.slice(0, 300)}`,
        );
    }
    const refused =
      !fuzz.field ||
      answer.status !== 200 ||
      (body.errors !== undefined && (body.data?.[fuzz.field.name] ?? null) === null);
    if (refused || !fuzz.field?.mutation) {
      expect(appended.map((event) => `${event.streamName} ${event.type}`)).toEqual([]);
      return head;
    }
    return matrix.world.head();
  }
});
