import { readFileSync } from 'node:fs';
import { SCHEMA_FILE, printServiceSchema } from './print-schema.js';

describe('committed GraphQL schema', () => {
  it('matches what the resolvers generate (run `npm run schema:write` after changing them)', async () => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    expect(await printServiceSchema()).toBe(committed);
  });
});
