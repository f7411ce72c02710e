import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { exportSigner } from '@helpdesk/audit';
import { runHelpdeskWith } from '../cli.test-world.js';

/** Every command that works on an install's store or its secrets. */
const STORE_COMMANDS: readonly (readonly string[])[] = [
  ['projections', 'status'],
  ['projections', 'check', '--all'],
  ['projections', 'rebuild', 'quota'],
  ['replay', 'conversation', 'some-conversation'],
  ['replay', 'conversation', 'some-conversation', '--reveal', '--reason', 'case 1', '--auditor', 'auditor-1'],
  ['export', 'conversation', 'some-conversation', '--out', 'conversation.ndjson'],
  ['export', 'portal', 'demo', '--out', 'portal.ndjson'],
  ['export', 'verify', 'portal.ndjson', '--portal', 'demo'],
  ['export', 'verify', 'portal.ndjson', '--offline'],
  ['export', 'public-key'],
  ['mint-token', '--portal', 'demo', '--user', 'me', '--roles', 'agent'],
];

/** `helpdesk` from the wrong directory: it must say so, not make an empty install and report on it. */
describe('the CLI outside an install', () => {
  let cwd: string;
  const home = process.cwd();

  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'cli-no-install-'));
    process.chdir(cwd);
  });

  afterEach(() => {
    process.chdir(home);
    rmSync(cwd, { recursive: true, force: true });
  });

  it('refuses every store command in an empty directory (DATA_DIR unset: ./data), exit 2, naming the path, creating nothing', async () => {
    for (const argv of STORE_COMMANDS) {
      const run = await runHelpdeskWith({}, ...argv);
      const expected = join(cwd, 'data');
      expect({ argv, code: run.code }).toEqual({ argv, code: 2 });
      expect(run.stderr).toContain(`no install here: ${expected} does not exist`);
      expect(run.stderr).toContain('DATA_DIR=/path/to/data');
      expect(run.stdout).toBe('');
      expect({ argv, created: readdirSync(cwd) }).toEqual({ argv, created: [] });
    }
  });

  it('refuses a DATA_DIR that exists but holds no event store, and leaves it empty', async () => {
    const dataDir = join(cwd, 'elsewhere');
    mkdirSync(dataDir);
    for (const argv of STORE_COMMANDS) {
      const run = await runHelpdeskWith({ DATA_DIR: dataDir }, ...argv);
      expect({ argv, code: run.code }).toEqual({ argv, code: 2 });
      expect(run.stderr).toContain(`${join(dataDir, 'events.sqlite')} does not exist (DATA_DIR=${dataDir}`);
      expect({ argv, created: readdirSync(dataDir) }).toEqual({ argv, created: [] });
    }
  });

  it('with EventStoreDB, still refuses a missing DATA_DIR when the command would use it (embedded read models, secret, key)', async () => {
    const env = { EVENTSTORE_URL: 'esdb://admin:changeit@127.0.0.1:1?tls=false' };
    for (const argv of [
      ['projections', 'status'],
      ['export', 'conversation', 'some-conversation', '--out', 'conversation.ndjson'],
      ['mint-token', '--portal', 'demo', '--user', 'me', '--roles', 'agent'],
    ]) {
      const run = await runHelpdeskWith(env, ...argv);
      expect({ argv, code: run.code }).toEqual({ argv, code: 2 });
      expect(run.stderr).toContain(`no install here: ${join(cwd, 'data')} does not exist`);
      expect(run.stderr).not.toContain('changeit');
      expect({ argv, created: readdirSync(cwd) }).toEqual({ argv, created: [] });
    }
  });

  it('needs no install for what uses no store and no secret of it: a token from AUTH_JWT_SECRET, offline verification with a given key', async () => {
    const minted = await runHelpdeskWith(
      { AUTH_JWT_SECRET: 'a-secret-of-at-least-thirty-two-characters' },
      ...['mint-token', '--portal', 'demo', '--user', 'me', '--roles', 'agent'],
    );
    expect(minted.code).toBe(0);
    expect(minted.stdout).toMatch(/^ey/);
    const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileSync(join(cwd, 'key.pem'), exportSigner(key).publicKeyPem);
    writeFileSync(join(cwd, 'file.ndjson'), '');
    const verified = await runHelpdeskWith(
      {},
      'export',
      'verify',
      'file.ndjson',
      '--offline',
      '--public-key',
      'key.pem',
    );
    // The empty file is refused for what it is (exit 1), not for a missing install.
    expect(verified.code).toBe(1);
    expect(verified.stderr).toMatch(/truncated/);
    expect(readdirSync(cwd).sort()).toEqual(['file.ndjson', 'key.pem']);
  });

  it('lets seed-demo create the install, names its store, and every command then names the store it opened', async () => {
    const seeded = await runHelpdeskWith({}, 'seed-demo', '--numbers', '1');
    const eventsFile = join(cwd, 'data', 'events.sqlite');
    expect(seeded.code).toBe(0);
    expect(seeded.stderr).toContain(`helpdesk seed-demo: event store ${eventsFile}\n`);
    expect(existsSync(eventsFile)).toBe(true);

    const status = await runHelpdeskWith({}, 'projections', 'status');
    expect(status.code).toBe(0);
    expect(status.stderr).toContain(
      `helpdesk projections: event store ${eventsFile}, read models ${join(cwd, 'data', 'read-models.sqlite')}\n`,
    );
    const replay = await runHelpdeskWith({}, 'replay', 'conversation', 'none');
    expect(replay.stderr).toContain(`helpdesk replay: event store ${eventsFile}\n`);
    const token = await runHelpdeskWith({}, 'mint-token', '--portal', 'demo', '--user', 'me', '--roles', 'agent');
    expect(token.code).toBe(0);
    expect(token.stderr).toContain(`helpdesk mint-token: DATA_DIR ${join(cwd, 'data')}\n`);
  });
});
