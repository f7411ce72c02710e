import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The READMEs point readers at files (layout, tests that prove a claim, where a rule lives). Code
 * moves; a path left behind sends a newcomer nowhere. Every literal repository path in backticks
 * must exist. Patterns (`{a,b}`, `<capability>`, `*`) are skipped: they name no single file.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READMES = ['README.md', 'projections/README.md'];
const REPOSITORY_PATH = /`((?:apps|libs|projections|test|schemas)\/[^`\s]*)`/g;

function literalPathsIn(markdown: string): string[] {
  const paths = [...markdown.matchAll(REPOSITORY_PATH)].map(([, path]) => path);
  return [...new Set(paths.filter((path) => !/[{}<>*]/.test(path)))];
}

describe.each(READMES)('%s', (readme) => {
  const paths = literalPathsIn(readFileSync(join(ROOT, readme), 'utf8'));

  it('names files that exist', () => {
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });
});

describe('literalPathsIn', () => {
  it('finds backticked repository paths and skips patterns', () => {
    const markdown = 'See `libs/domain/src/x.ts`, `apps/api/src/<capability>/`, `libs/{a,b}` and `npm test`.';
    expect(literalPathsIn(markdown)).toEqual(['libs/domain/src/x.ts']);
  });
});
