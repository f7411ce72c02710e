import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '@helpdesk/config';
import { openSqliteEventStore, type RecordedEvent } from '@helpdesk/event-store';
import { findChannelByPhoneNumberId } from '@helpdesk/commands/channel/find-channel-by-number.js';
import { findContactIdsByPhone } from '@helpdesk/commands/contact/contact-phone-index.js';
import { loadTemplate } from '@helpdesk/commands/template/load-template.js';
import { readTargetsFile } from '@helpdesk/demo';
import type { CliIo } from '../cli-command.js';
import { COMMANDS } from '../commands.js';
import { runCli } from '../run-cli.js';
import { seedDemo } from './seed-demo.js';

const connectedAt = new Date('2025-06-01T08:00:00.000Z');

describe('seed-demo against a temporary DATA_DIR', () => {
  let dataDir: string;
  let config: AppConfig;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'seed-demo-'));
    config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' });
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  async function allEvents(): Promise<RecordedEvent[]> {
    const store = openSqliteEventStore({ dataDir });
    try {
      const events: RecordedEvent[] = [];
      for await (const event of store.readAll()) events.push(event);
      return events;
    } finally {
      await store.close();
    }
  }

  it('creates the portal, the channel with its numbers, approved templates and contacts once; a second run is a no-op', async () => {
    const options = { portalId: 'demo', numbers: 3, timeZone: 'Europe/Amsterdam', connectedAt };
    const first = await seedDemo(config, options);

    expect(first.steps.map((step) => [step.subject, step.outcome])).toEqual([
      ['portal demo', 'created'],
      ['whatsapp account demo-whatsapp', 'created'],
      ['template welcome_back (en)', 'created'],
      ['template order_update (en)', 'created'],
      ['contact demo-anna', 'created'],
      ['contact demo-bas', 'created'],
      ['contact demo-chloe', 'created'],
      ['contact demo-priya', 'created'],
    ]);
    expect(first.targets).toMatchObject({
      portalId: 'demo',
      accountId: 'demo-whatsapp',
      connectedAt: connectedAt.toISOString(),
    });
    expect(first.targets.numbers).toHaveLength(3);
    expect(first.targets.contacts[0]).toEqual({ name: 'Anna de Vries', waId: '31612345678' });
    const afterFirst = await allEvents();
    expect(afterFirst.length).toBeGreaterThan(20);

    const second = await seedDemo(config, { ...options, connectedAt: new Date('2025-07-01T00:00:00.000Z') });

    expect(second.steps.every((step) => step.outcome === 'unchanged')).toBe(true);
    expect(second.targets).toEqual(first.targets);
    expect((await allEvents()).map((event) => event.id)).toEqual(afterFirst.map((event) => event.id));

    const store = openSqliteEventStore({ dataDir });
    try {
      for (const number of first.targets.numbers) {
        await expect(findChannelByPhoneNumberId(store, number.phoneNumberId)).resolves.toMatchObject({
          portalId: 'demo',
          accountId: 'demo-whatsapp',
          channel: { status: 'Connected', connectedAt: connectedAt.toISOString() },
        });
      }
      await expect(loadTemplate(store, 'demo', 'demo-whatsapp', 'order_update', 'en')).resolves.toMatchObject({
        status: 'Approved',
      });
      await expect(findContactIdsByPhone(store, 'demo', '+31612345678')).resolves.toEqual(['demo-anna']);
    } finally {
      await store.close();
    }
    expect(afterFirst[0].metadata).toMatchObject({
      tenantId: 'demo',
      actorId: 'system:seed-demo',
      idempotencyKey: 'seed-demo:demo:portal',
    });
  });

  it('adds the numbers a connected demo account lacks when asked for more', async () => {
    await seedDemo(config, { portalId: 'demo', numbers: 2, timeZone: 'Europe/Amsterdam', connectedAt });

    const more = await seedDemo(config, { portalId: 'demo', numbers: 4, timeZone: 'Europe/Amsterdam', connectedAt });

    expect(more.steps.find((step) => step.subject.startsWith('whatsapp account'))).toMatchObject({
      outcome: 'updated',
      detail: 'added 2, now 4 numbers',
    });
    expect(more.targets.numbers).toHaveLength(4);
    expect(new Set(more.targets.numbers.map((number) => number.displayNumber)).size).toBe(4);
  });

  it('as `helpdesk seed-demo`: prints what it did and the targets, writes them for the simulator, and says when there was nothing to do', async () => {
    const out = join(dataDir, 'targets.json');
    const printed: string[] = [];
    const io: CliIo = {
      stdout: (text) => printed.push(text),
      stderr: (text) => printed.push(text),
      env: { DATA_DIR: dataDir, NODE_ENV: 'test' },
    };
    const argv = [
      'seed-demo',
      '--portal',
      'acme',
      '--numbers',
      '2',
      '--connected-at',
      connectedAt.toISOString(),
      '--out',
      out,
    ];

    await expect(runCli(argv, io, COMMANDS)).resolves.toBe(0);
    expect(printed.join('')).toMatch(/portal acme\s+created/);
    const targets = JSON.parse(readFileSync(out, 'utf8'));
    for (const number of targets.numbers)
      expect(printed.join('')).toContain(`phone_number_id ${number.phoneNumberId}  display ${number.displayNumber}`);
    expect(readTargetsFile(out)).toMatchObject({
      targets: [{ wabaId: targets.wabaId }, { wabaId: targets.wabaId }],
      connectedAt,
    });

    printed.length = 0;
    await expect(runCli(argv, io, COMMANDS)).resolves.toBe(0);
    expect(printed.join('')).toMatch(/nothing to do/);
  });

  it('refuses a bad command line with its usage, before touching the store', async () => {
    const printed: string[] = [];
    const io: CliIo = {
      stdout: (text) => printed.push(text),
      stderr: (text) => printed.push(text),
      env: { DATA_DIR: dataDir, NODE_ENV: 'test' },
    };

    await expect(runCli(['seed-demo', '--numbers', '26'], io, COMMANDS)).resolves.toBe(2);
    await expect(runCli(['seed-demo', '--nope'], io, COMMANDS)).resolves.toBe(2);
    await expect(runCli(['no-such-command'], io, COMMANDS)).resolves.toBe(2);
    expect(printed.join('')).toMatch(/--numbers must be a whole number from 1 to 25/);
    expect(printed.join('')).toMatch(/see helpdesk seed-demo --help/);
    expect(printed.join('')).toMatch(/unknown command 'no-such-command'/);
    expect(await allEvents()).toEqual([]);
  });
});
