import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAccessToken } from '@helpdesk/auth';
import type { CliIo } from '../cli-command.js';
import { COMMANDS } from '../commands.js';
import { runCli } from '../run-cli.js';
import { inboxLink, mintToken } from './mint-token.command.js';

const SECRET = 'cli-test-secret-that-is-long-enough-ok';
const NOW = new Date('2024-11-05T09:00:00.000Z');

function captured(env: Record<string, string>) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = { stdout: (text) => (out.stdout += text), stderr: (text) => (out.stderr += text), env };
  return { io, out };
}

describe('helpdesk mint-token', () => {
  it('prints only a bearer token that the API accepts, with the given claims and lifetime', async () => {
    const { io, out } = captured({ AUTH_JWT_SECRET: SECRET });
    const argv = [
      '--portal',
      'acme',
      '--user',
      'u-1',
      '--team',
      'support',
      '--roles',
      'agent,admin',
      '--expires-in',
      '2h',
    ];
    expect(await mintToken(argv, io, NOW)).toBe(0);
    const token = out.stdout.trim();
    expect(out.stdout).toBe(`${token}\n`);
    expect(await readAccessToken(token, { secret: SECRET }, NOW)).toEqual({
      portalId: 'acme',
      userId: 'u-1',
      teamId: 'support',
      roles: ['agent', 'admin'],
    });
    await expect(readAccessToken(token, { secret: SECRET }, new Date(NOW.getTime() + 3 * 3_600_000))).rejects.toThrow(
      'expired',
    );
    expect(out.stderr).toContain('expires 2024-11-05T11:00:00.000Z');
  });

  it('prints a link that opens the inbox signed in, in development only (stderr may land in logs elsewhere)', async () => {
    const argv = ['--portal', 'acme', '--user', 'u-1', '--roles', 'agent'];
    const development = captured({ AUTH_JWT_SECRET: SECRET, NODE_ENV: 'development', PORT: '3100' });
    expect(await mintToken(argv, development.io, NOW)).toBe(0);
    const token = development.out.stdout.trim();
    expect(development.out.stderr).toContain(
      `the agent inbox, signed in: http://localhost:3100/inbox#token=${token}\n`,
    );
    const production = captured({ AUTH_JWT_SECRET: SECRET, NODE_ENV: 'production' });
    expect(await mintToken(argv, production.io, NOW)).toBe(0);
    expect(production.out.stderr).not.toContain('/inbox');
    expect(production.out.stderr).not.toContain(production.out.stdout.trim());
    expect(inboxLink('127.0.0.1', 3000, 't')).toBe('http://127.0.0.1:3000/inbox#token=t');
    expect(inboxLink('::1', 3000, 't')).toBe('http://[::1]:3000/inbox#token=t');
  });

  it('refuses unknown roles, bad lifetimes and a short AUTH_JWT_SECRET, with its usage', async () => {
    const { io, out } = captured({ AUTH_JWT_SECRET: SECRET });
    expect(await runCli(['mint-token', '--portal', 'acme', '--user', 'u', '--roles', 'agent,root'], io, COMMANDS)).toBe(
      2,
    );
    expect(
      await runCli(
        ['mint-token', '--portal', 'acme', '--user', 'u', '--roles', 'agent', '--expires-in', '1y'],
        io,
        COMMANDS,
      ),
    ).toBe(2);
    expect(out.stderr).toMatch(/--roles must list some of agent, admin, auditor, operator/);
    expect(out.stderr).toMatch(/--expires-in must be like/);
    const weak = captured({ AUTH_JWT_SECRET: 'too-short' });
    expect(await runCli(['mint-token', '--portal', 'acme', '--user', 'u', '--roles', 'agent'], weak.io, COMMANDS)).toBe(
      2,
    );
    expect(weak.out.stderr).toMatch(/AUTH_JWT_SECRET must be at least 32 characters/);
    expect(weak.out.stdout).toBe('');
  });

  it("without AUTH_JWT_SECRET signs with the install's own secret, as its usage says", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mint-token-'));
    try {
      writeFileSync(join(dataDir, 'events.sqlite'), '');
      const { io, out } = captured({ DATA_DIR: dataDir });
      expect(await mintToken(['--portal', 'acme', '--user', 'u-1', '--roles', 'agent'], io, NOW)).toBe(0);
      const installSecret = readFileSync(join(dataDir, 'auth-jwt-secret'), 'utf8').trim();
      await expect(readAccessToken(out.stdout.trim(), { secret: installSecret }, NOW)).resolves.toMatchObject({
        portalId: 'acme',
      });
      const usage = COMMANDS.find((command) => command.name === 'mint-token')?.usage;
      expect(usage).toContain('DATA_DIR/auth-jwt-secret');
      expect(usage).not.toMatch(/required/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
