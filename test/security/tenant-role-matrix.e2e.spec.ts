import type { Role } from '@helpdesk/auth';
import type { FieldRule, Target } from './field-rule.js';
import { FIELD_MATRIX, REFUSAL_CODE, refusedRoles } from './field-matrix.js';
import { EVERY_ROLE, type MatrixWorld, openMatrixWorld } from './matrix-world.js';
import type { GraphqlAnswer } from './portals.world.js';
import { rootFieldsOfSdl } from './schema-fields.js';

/**
 * Tenants and roles, field by field, for every query and mutation of the committed SDL:
 * another portal's token with every role gets nothing of the victim's and changes nothing of it;
 * the victim's own token without an admitted role is refused (FORBIDDEN) and changes nothing;
 * an admitted role does get through, so that neither refusal is vacuous.
 */
describe('the tenant × role matrix', () => {
  it('has a rule for every query, mutation and subscription of the SDL, and for nothing else', () => {
    const sdl = rootFieldsOfSdl();
    for (const kind of ['Query', 'Mutation', 'Subscription'] as const) {
      expect({ kind, fields: Object.keys(FIELD_MATRIX[kind]).sort() }).toEqual({ kind, fields: sdl[kind] });
    }
  });
});

const httpFields = (['Query', 'Mutation'] as const).flatMap((kind) =>
  Object.entries(FIELD_MATRIX[kind]).map(([field, rule]) => [`${kind}.${field}`, field, rule] as const),
);

describe.each(httpFields)('%s', (_name, field, rule: FieldRule) => {
  let matrix: MatrixWorld;
  const ask = (target: Target, token: string | undefined): Promise<GraphqlAnswer> => {
    const { query, variables } = rule.probe(target);
    return matrix.world.graphql(query, variables, token);
  };

  beforeAll(async () => {
    matrix = await sharedMatrix();
  });

  it("another portal's token, with every role, gets nothing of the victim's and changes none of it", async () => {
    const token = matrix.world.token('globex', EVERY_ROLE, 'intruder');
    const { answer, appended } = await matrix.observe(() => ask(matrix.acme, token));

    expect(answer.status).toBeLessThan(500);
    expect(answer.raw).not.toContain(matrix.acme.marker);
    expect(appended.filter((event) => matrix.touchesVictim(event))).toEqual([]);
    if (rule.otherPortal !== 'own-portal') expect(appended).toEqual([]);
    if (rule.otherPortal === 'refused') {
      expect(answer.data?.[field] ?? null).toBeNull();
      expect(answer.errors?.[0]?.extensions?.code).toMatch(REFUSAL_CODE);
    }
    if (rule.otherPortal === 'nothing') {
      expect(answer.errors).toBeUndefined();
      if (rule.nothing) expect({ [field]: rule.nothing(answer.data?.[field]) }).toEqual({ [field]: true });
    }
  });

  const refused = refusedRoles(rule);
  if (refused.length > 0)
    it(`the victim's own token with only ${refused.join(' or ')} is FORBIDDEN and changes nothing`, async () => {
      for (const role of refused) {
        const { answer, appended } = await matrix.observe(() => ask(matrix.acme, matrix.world.token('acme', [role])));
        expect({ role, code: answer.errors?.[0]?.extensions?.code, value: answer.data?.[field] ?? null }).toEqual({
          role,
          code: 'FORBIDDEN',
          value: null,
        });
        expect(answer.raw).not.toContain(matrix.acme.marker);
        expect(appended).toEqual([]);
      }
    });

  if (rule.roles !== 'public')
    it('without a token it is UNAUTHENTICATED', async () => {
      const { answer, appended } = await matrix.observe(() => ask(matrix.acme, undefined));
      expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(appended).toEqual([]);
    });

  it('each admitted role gets past the role check', async () => {
    const admitted: readonly (Role | undefined)[] = rule.roles === 'public' ? [undefined] : rule.roles;
    for (const role of admitted) {
      const token = role && matrix.world.token('acme', [role]);
      // Mutations aim at the other portal's things: past the guard, the domain refuses them, and nothing changes.
      const answer = await (isMutation(field) ? ask(matrix.globex, token) : ask(matrix.acme, token));
      const code = answer.errors?.[0]?.extensions?.code;
      expect({ role, code }).not.toMatchObject({ code: expect.stringMatching(/^(FORBIDDEN|UNAUTHENTICATED)$/) });
      if (isMutation(field)) continue;
      // Reads: the victim's own admitted role sees its data, so another portal's "nothing" means something.
      const sees = rule.ownerSees
        ? rule.ownerSees(answer.data?.[field] ?? null, matrix.acme)
        : answer.raw.includes(matrix.acme.marker);
      expect({ role, sees, raw: sees ? '' : answer.raw }).toEqual({ role, sees: true, raw: '' });
    }
  });
});

function isMutation(field: string): boolean {
  return field in FIELD_MATRIX.Mutation;
}

let shared: Promise<MatrixWorld> | undefined;
/** One booted service for every field (booting is the slow part); closed once all are done. */
function sharedMatrix(): Promise<MatrixWorld> {
  shared ??= openMatrixWorld();
  return shared;
}

afterAll(async () => {
  if (shared) await (await shared).world.close();
});
