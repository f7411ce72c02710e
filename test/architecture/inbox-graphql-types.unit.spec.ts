import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The inbox's operations are typed from schemas/schema.graphql through gql.tada's introspection
 * file, which is generated and committed. Generated again, it must be the same file: after a
 * schema change, run `npm run inbox:codegen` (then `tsc -p apps/inbox/tsconfig.json` names every
 * operation the change breaks).
 */
describe("the inbox's GraphQL types", () => {
  it('are generated from the current schema', () => {
    const folder = mkdtempSync(join(tmpdir(), 'inbox-codegen-'));
    try {
      const output = join(folder, 'graphql-env.d.ts');
      execFileSync(
        process.execPath,
        [
          'node_modules/gql.tada/bin/cli.js',
          'generate',
          'output',
          '--tsconfig',
          'apps/inbox/tsconfig.json',
          '--output',
          output,
        ],
        { stdio: 'pipe' },
      );
      expect(readFileSync(output, 'utf8')).toBe(readFileSync('apps/inbox/src/graphql-env.d.ts', 'utf8'));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
