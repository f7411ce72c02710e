import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run lint:deps` reporting nothing proves little unless its rules fire: this runs the same
 * checker, with the repository's .dependency-cruiser.cjs, on a small tree that breaks each rule once
 * (and has a few imports the rules allow), and expects exactly those violations.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

const TREE: Readonly<Record<string, string>> = {
  'tsconfig.json': '{ "compilerOptions": { "module": "nodenext", "moduleResolution": "nodenext" } }',
  'apps/api/src/main.ts': "import { entities } from '../../../libs/a/src/index.js';\nexport const api = entities;",
  'apps/api/src/broken.ts': "export { gone } from './missing.js';",
  'apps/cli/src/main.ts':
    "import { api } from '../../api/src/main.js';\nimport { own } from './own.js';\nexport const cli = [api, own];",
  'apps/cli/src/own.ts': 'export const own = 1;',
  'projections/list/list.ts':
    "import { api } from '../../apps/api/src/main.js';\nimport { entities } from '../../libs/a/src/index.js';\nexport const list = [api, entities];",
  'libs/a/src/index.ts': "import { b } from '../../b/src/index.js';\nexport const entities = b;",
  'libs/b/src/index.ts': "import { entities } from '../../a/src/index.js';\nexport const b = () => entities;",
  'libs/shared/src/index.ts':
    "import { cli } from '../../../apps/cli/src/main.js';\nimport { list } from '../../../projections/list/list.js';\nexport const shared = [cli, list];",
  'libs/domain/src/rule.ts':
    "import { readFileSync } from 'node:fs';\nimport { shared } from '../../shared/src/index.js';\nimport { pure } from './pure.js';\nexport const rule = [readFileSync, shared, pure];",
  'libs/domain/src/pure.ts': 'export const pure = 1;',
  'test/e2e/everything.ts':
    "import { api } from '../../apps/api/src/main.js';\nimport { cli } from '../../apps/cli/src/main.js';\nexport const all = [api, cli];",
};

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string; readonly severity: string };
}

describe('the dependency rules (.dependency-cruiser.cjs)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'layer-rules-'));
    for (const [path, text] of Object.entries(TREE)) {
      mkdirSync(join(dir, dirname(path)), { recursive: true });
      writeFileSync(join(dir, path), `${text}\n`);
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('report every forbidden import as an error, and nothing the layers allow', () => {
    const run = spawnSync(
      process.execPath,
      [
        DEPCRUISE,
        '--config',
        join(ROOT, '.dependency-cruiser.cjs'),
        '--output-type',
        'json',
        'apps',
        'libs',
        'projections',
        'test',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    const violations = (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;

    expect(new Set(violations.map((violation) => violation.rule.severity))).toEqual(new Set(['error']));
    expect([...new Set(violations.map(({ rule, from, to }) => `${rule.name}: ${from} -> ${to}`))].sort()).toEqual(
      [
        'app-imports-another-app: apps/cli/src/main.ts -> apps/api/src/main.ts',
        'projection-imports-an-app: projections/list/list.ts -> apps/api/src/main.ts',
        'lib-imports-an-app: libs/shared/src/index.ts -> apps/cli/src/main.ts',
        'lib-imports-projections: libs/shared/src/index.ts -> projections/list/list.ts',
        'domain-is-pure: libs/domain/src/rule.ts -> fs',
        'domain-is-pure: libs/domain/src/rule.ts -> libs/shared/src/index.ts',
        'libs-in-a-cycle: libs/a/src -> libs/b/src',
        'libs-in-a-cycle: libs/b/src -> libs/a/src',
        'modules-in-a-cycle-across-libs: libs/a/src/index.ts -> libs/b/src/index.ts',
        'unresolvable: apps/api/src/broken.ts -> ./missing.js',
      ].sort(),
    );
  });
});
