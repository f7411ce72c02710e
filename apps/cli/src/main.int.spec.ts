import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN_CHILD = fileURLToPath(new URL('./main.child.cjs', import.meta.url));
const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
};

/** `helpdesk <argv>` as a process of its own, from the sources, in an empty directory with no configuration. */
function helpdesk(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN_CHILD, ...argv],
      { cwd, env: { PATH: process.env.PATH, LIST_LOADED_MODULES: '1' }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** What the process loaded, from the line main.child.cjs prints last. */
function loaded(stderr: string): string[] {
  const line = stderr.split('\n').find((text) => text.startsWith('LOADED '));
  if (!line) throw new Error(`no LOADED line in ${stderr}`);
  return JSON.parse(line.slice('LOADED '.length)) as string[];
}

/** What `--help` must not pay for: Nest, the stores, the domain and the projections. */
const HEAVY = /node_modules\/(@nestjs|better-sqlite3|kysely|@eventstore|pg|mercurius|fastify)\//;
const isHeavy = (file: string) =>
  HEAVY.test(file) || file.startsWith(join(ROOT, 'libs/')) || file.startsWith(join(ROOT, 'projections/'));

describe('the helpdesk process', () => {
  let cwd: string;
  beforeAll(() => void (cwd = mkdtempSync(join(tmpdir(), 'helpdesk-main-'))));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it("prints package.json's version, with no configuration and no install", async () => {
    const run = await helpdesk(['--version'], cwd);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: `${MANIFEST.version}\n` });
  });

  it.each([[['--help']], [['projections', '--help']], [['export', 'portal', '--help']]])(
    '%j prints the help and loads no command (no Nest, no store)',
    async (argv) => {
      const run = await helpdesk(argv, cwd);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: helpdesk /);
      const modules = loaded(run.stderr);
      expect(modules.some((file) => file.includes('node_modules/commander/'))).toBe(true);
      expect(modules.filter(isHeavy)).toEqual([]);
      expect(modules.filter((file) => file.endsWith('.command.ts'))).toEqual([]);
    },
  );

  it('a usage error is one line on stderr, exit 2, creating nothing', async () => {
    const run = await helpdesk(['projections', 'chek', '--all'], cwd);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toBe(
      "helpdesk projections: unknown subcommand 'chek' (did you mean check?), expected status, check or rebuild; see helpdesk projections --help",
    );
  });

  it("is the package's `helpdesk` bin once built: dist/<source path>.js, a node shebang, made executable", () => {
    expect(MANIFEST.bin.helpdesk).toBe('dist/apps/cli/src/main.js');
    const source = join(ROOT, MANIFEST.bin.helpdesk.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
    expect(readFileSync(source, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(MANIFEST.scripts.build).toContain(`chmodSync('${MANIFEST.bin.helpdesk}', 0o755)`);
  });
});
