import { type GraphQLInputType, isEnumType, isInputObjectType, isListType, isNonNullType } from 'graphql';
import { type Json, nastyNumber, nastyString } from './nasty-values.js';
import type { Random } from './random.js';

/** Real ids and names of the seeded portals, so that some cases reach real aggregates. */
export interface KnownValues {
  readonly ids: readonly string[];
  readonly strings: readonly string[];
}

const ODD_IDS = [
  '',
  ' ',
  '-1',
  '0',
  'null',
  '../../x',
  'all-open',
  'ticket_list',
  'quota',
  'x'.repeat(5_000),
  '00000000-0000-0000-0000-000000000000',
];
const INTS = [0, 1, 25, 100, 101, -1, -(2 ** 31), 2 ** 31 - 1, 2 ** 31, 2 ** 53, 1.5, -0.5];
const INSTANTS = [
  '2024-11-05T09:00:00Z',
  '2024-11-05T09:00:00.123+02:00',
  '1970-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2024-02-30T25:61:61Z',
  '2024-11-05',
  'yesterday',
  '',
];
const PLAIN = [
  'hello',
  'en_US',
  'en',
  'Europe/Paris',
  'NL',
  '+33612345678',
  '06 12 34 56 78',
  '2024-11-05',
  'utility',
  'policy',
  'order_ready',
];

/** A value for a GraphQL input type: mostly well shaped, with odd ids, numbers and strings in it. */
export function valueFor(type: GraphQLInputType, random: Random, known: KnownValues, depth = 0): Json {
  if (isNonNullType(type)) return random.chance(0.03) ? null : valueFor(type.ofType, random, known, depth);
  if (isListType(type)) {
    // A single value where a list is expected is legal GraphQL (coerced to a list of one).
    if (random.chance(0.1)) return valueFor(type.ofType, random, known, depth + 1);
    return Array.from(
      {
        length: random.weighted([
          [6, random.int(0, 3)],
          [1, random.int(20, 200)],
        ]),
      },
      () => valueFor(type.ofType, random, known, depth + 1),
    );
  }
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter(
      (field) => isNonNullType(field.type) || random.chance(depth > 2 ? 0.1 : 0.5),
    );
    return Object.fromEntries(fields.map((field) => [field.name, valueFor(field.type, random, known, depth + 1)]));
  }
  if (isEnumType(type)) return random.chance(0.9) ? random.pick(type.getValues()).name : nastyString(random);
  switch (type.name) {
    case 'ID':
      return random.weighted<() => Json>([
        [6, () => random.pick(known.ids)],
        [2, () => random.pick(ODD_IDS)],
        [1, () => nastyString(random)],
      ])();
    case 'Int':
      return random.chance(0.8) ? random.pick(INTS) : nastyNumber(random);
    case 'Float':
      return nastyNumber(random);
    case 'Boolean':
      return random.chance(0.5);
    case 'DateTime':
      return random.pick(INSTANTS);
    default:
      return random.weighted<() => Json>([
        [4, () => random.pick(PLAIN)],
        [3, () => random.pick(known.strings)],
        [3, () => nastyString(random)],
      ])();
  }
}
