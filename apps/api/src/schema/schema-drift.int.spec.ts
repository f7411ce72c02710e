import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printServiceSchema } from './print-schema.js';

describe('committed GraphQL schema', () => {
  it('matches what the resolvers generate (run `npm run schema:write` after changing them)', async () => {
    const committed = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'schemas', 'schema.graphql'), 'utf8');
    expect(await printServiceSchema()).toBe(committed);
  });
});
