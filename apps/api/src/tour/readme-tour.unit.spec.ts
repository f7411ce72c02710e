import { readFileSync } from 'node:fs';
import { buildSchema, validate } from 'graphql';
import { SCHEMA_FILE } from '../schema/print-schema.js';
import { everyReadmeOperation, guidedTour, rootField, splitOperations } from './readme-tour.js';

/**
 * The README's guided tour against the committed SDL (which schema-drift keeps equal to the
 * service's): a field, argument or input the README names that the service no longer has fails here.
 */
describe("the README's guided tour", () => {
  const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
  const tour = guidedTour();

  it('is read as one document per operation, with the comment above each', () => {
    const split = splitOperations(
      '# first\n{ a }\n\n# second, may answer SESSION_CLOSED\nmutation ($c: ID!) {\n  b(c: $c)\n}\n',
    );
    expect(split.map(({ source, comment, codesMentioned }) => ({ source, comment, codesMentioned }))).toEqual([
      { source: '{ a }', comment: 'first', codesMentioned: [] },
      {
        source: 'mutation ($c: ID!) {\n  b(c: $c)\n}',
        comment: 'second, may answer SESSION_CLOSED',
        codesMentioned: ['SESSION_CLOSED'],
      },
    ]);
    expect(tour.length).toBeGreaterThan(10);
  });

  it.each(tour.map((operation, index) => [`${index + 1}. ${rootField(operation)}`, operation] as const))(
    '%s validates against schemas/schema.graphql',
    (_, operation) => {
      expect(validate(schema, operation.document).map((error) => error.message)).toEqual([]);
    },
  );
});

describe("the README's other GraphQL examples", () => {
  const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
  const operations = everyReadmeOperation();

  it('are all read, the tour among them', () => {
    expect(operations.length).toBeGreaterThan(guidedTour().length);
  });

  it.each(
    operations.map(({ line, operation }) => [`block at line ${line}: ${rootField(operation)}`, operation] as const),
  )('%s validates against schemas/schema.graphql', (_, operation) => {
    expect(validate(schema, operation.document).map((error) => error.message)).toEqual([]);
  });
});
