import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGraphApiArgs } from './graph-api-args.js';
import { serveGraphApi } from './serve-graph-api.js';

const env = { WHATSAPP_APP_SECRET: 'app-secret', WHATSAPP_ACCESS_TOKEN: 'demo-token' };

describe('simulate graph-api: the command line', () => {
  let dir: string;
  let targets: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'graph-api-args-'));
    targets = join(dir, 'demo-targets.json');
    writeFileSync(
      targets,
      JSON.stringify({
        portalId: 'demo',
        accountId: 'demo-whatsapp',
        wabaId: '192837465091827',
        connectedAt: '2025-06-01T08:00:00.000Z',
        numbers: [{ phoneNumberId: '161949345654293', displayNumber: '+15551230001' }],
        contacts: [],
      }),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the port, the demo's numbers, and the secret and token from the environment", () => {
    expect(parseGraphApiArgs(['--port', '4010', '--targets', targets], env)).toEqual({
      kind: 'serve',
      options: {
        port: 4010,
        accessToken: 'demo-token',
        appSecret: 'app-secret',
        targets: [{ phoneNumberId: '161949345654293', displayNumber: '+15551230001', wabaId: '192837465091827' }],
        webhookUrl: 'http://127.0.0.1:3000/webhooks/whatsapp',
        statusDelayMs: 1000,
      },
    });
  });

  it.each([['0'], ['65536'], ['-1'], ['4010.5'], ['abc'], [''], ['1e3'], [' 4010']])('refuses the port %p', (port) => {
    expect(() => parseGraphApiArgs([`--port=${port}`, '--targets', targets], env)).toThrow(
      `--port must be a port number from 1 to 65535 (got '${port}')`,
    );
  });

  it('lists every problem at once: no port, no targets, no secret, no token, a bad delay', () => {
    expect(() => parseGraphApiArgs(['--status-delay-ms', 'soon'], {})).toThrow(
      [
        "--port must be a port number from 1 to 65535 (got '')",
        "--status-delay-ms must be a whole number of milliseconds (got 'soon')",
        'give --secret or set WHATSAPP_APP_SECRET: the API refuses unsigned status webhooks',
        "give --access-token or set WHATSAPP_ACCESS_TOKEN: the API's token, the only one the fake accepts",
        'give --targets, the file `helpdesk seed-demo --out` wrote',
      ].join('\n'),
    );
  });

  it('refuses a file that is not a targets file, and an unknown option', () => {
    writeFileSync(targets, '{}');
    expect(() => parseGraphApiArgs(['--port', '4010', '--targets', targets], env)).toThrow(
      /not a seed-demo targets file/,
    );
    expect(() => parseGraphApiArgs(['--port', '4010', '--host', '0.0.0.0'], env)).toThrow(/Unknown option '--host'/);
  });

  it('answers a bad port with the usage on stderr and exit code 2, without listening', async () => {
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write;
    try {
      await expect(serveGraphApi(['--port', 'http', '--targets', targets], env)).resolves.toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(written.join('')).toContain("--port must be a port number from 1 to 65535 (got 'http')");
    expect(written.join('')).toContain('Usage: simulate graph-api --port <port>');
  });
});
