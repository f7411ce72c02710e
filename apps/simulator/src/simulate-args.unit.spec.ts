import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSimulateArgs } from './simulate-args.js';

const now = new Date('2025-06-01T09:00:00.250Z');

describe('parseSimulateArgs', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'simulate-args-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a full command line with numbers given one by one', () => {
    const parsed = parseSimulateArgs(
      [
        '--url',
        'http://127.0.0.1:3000',
        '--secret',
        's3cret',
        '--rate',
        '50',
        '--count',
        '500',
        '--seed',
        '9',
        '--phone-number-id',
        '106540352242922',
        '--display-number',
        '+1 555 078 3881',
        '--duplicates',
        '0.1',
        '--batch',
        '4',
        '--log',
        'run.ndjson',
      ],
      {},
      now,
    );
    expect(parsed).toEqual({
      kind: 'run',
      logFile: 'run.ndjson',
      progress: false,
      options: expect.objectContaining({
        url: 'http://127.0.0.1:3000/webhooks/whatsapp',
        seed: 9,
        concurrency: 32,
        traffic: expect.objectContaining({
          appSecret: 's3cret',
          rate: 50,
          count: 500,
          startAt: now,
          duplicates: 0.1,
          outOfOrder: 0.2,
          batch: 4,
          targets: [{ phoneNumberId: '106540352242922', displayNumber: '+1 555 078 3881', wabaId: '100000000000001' }],
        }),
      }),
    });
  });

  it("takes seed-demo's targets file, its contacts, and starts no earlier than the channel's connection", () => {
    const file = join(dir, 'targets.json');
    const targets = {
      portalId: 'demo',
      accountId: 'demo-whatsapp',
      wabaId: '123456789012345',
      connectedAt: '2025-06-01T09:00:30.500Z',
      numbers: [{ phoneNumberId: '111111111111111', displayNumber: '+15551230001' }],
      contacts: [{ name: 'Anna de Vries', waId: '31612345678' }],
    };
    writeFileSync(file, JSON.stringify(targets));

    const parsed = parseSimulateArgs(['--targets', file, '--duration', '10'], { WHATSAPP_APP_SECRET: 'from-env' }, now);

    expect(parsed.kind === 'run' && parsed.options).toMatchObject({
      durationSeconds: 10,
      traffic: {
        appSecret: 'from-env',
        rate: 10,
        startAt: new Date('2025-06-01T09:00:31.000Z'),
        targets: [{ phoneNumberId: '111111111111111', displayNumber: '+15551230001', wabaId: '123456789012345' }],
        knownContacts: targets.contacts,
      },
    });
  });

  it('names every problem of a command line at once', () => {
    expect(() =>
      parseSimulateArgs(['--rate', 'fast', '--phone-number-id', 'abc', '--duplicates', '3', '--url', 'nope'], {}, now),
    ).toThrow(/no display-number|give one --display-number/);
    try {
      parseSimulateArgs(
        ['--rate', 'fast', '--count', '1', '--duration', '1', '--duplicates', '3', '--url', 'nope'],
        {},
        now,
      );
    } catch (error) {
      const message = (error as Error).message;
      for (const problem of [
        /--rate must be a number/,
        /exactly one of --count and --duration/,
        /the app secret is empty/,
        /no target phone number/,
        /duplicates must be between 0 and 1/,
        /--url 'nope' is not a URL/,
      ]) {
        expect(message).toMatch(problem);
      }
    }
    expect(() => parseSimulateArgs(['--no-such-option'], {}, now)).toThrow(/Unknown option/);
  });

  it('answers --help', () => {
    expect(parseSimulateArgs(['--help'], {}, now)).toEqual({ kind: 'help' });
  });
});
